package org.careledger.api.security;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.careledger.reading.DirectoryReads;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * Who the API takes the caller to be: the claims as {@link SignedInUser} read them; and, for a member of staff,
 * every role they hold now, so a client can offer the choice of role and organisation (the web application's
 * picker, which signs in again for the chosen one).
 */
@RestController
@Tag(name = "sign-in")
class WhoAmI {

    private final DirectoryReads directory;

    WhoAmI(DirectoryReads directory) {
        this.directory = directory;
    }

    /** One role the signed-in person holds at an organisation; {@code current}: the one this token is for. */
    record RoleHeld(String role, String organisation, String organisationName, boolean current) {
    }

    record Me(String user, String name, String role, String organisation, String nhsNumber) {
    }

    @GetMapping("/api/whoami")
    @Operation(summary = "Who the token says you are (user id, role, organisation or NHS number)")
    Me whoami(@AuthenticationPrincipal SignedInUser user) {
        return new Me(user.user().toString(), user.name(), user.role().name(),
                user.organisation() == null ? null : user.organisation().value(),
                user.nhsNumber() == null ? null : user.nhsNumber().value());
    }

    @GetMapping("/api/whoami/roles")
    @Operation(summary = "Every role you hold now, at which organisation (staff; a patient holds none)")
    List<RoleHeld> roles(@AuthenticationPrincipal SignedInUser user) {
        if (user.isPatient()) {
            return List.of();
        }
        return directory.assignmentsOf(user.user()).stream()
                .map(a -> new RoleHeld(a.role().name(), a.organisation().value(), a.organisationName(),
                        a.role() == user.role() && a.organisation().equals(user.organisation())))
                .toList();
    }
}
