package org.careledger.api.security;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who the API takes the caller to be: the claims as {@link SignedInUser} read them. */
@RestController
@Tag(name = "sign-in")
class WhoAmI {

    record Me(String user, String name, String role, String organisation, String nhsNumber) {
    }

    @GetMapping("/api/whoami")
    @Operation(summary = "Who the token says you are (user id, role, organisation or NHS number)")
    Me whoami(@AuthenticationPrincipal SignedInUser user) {
        return new Me(user.user().toString(), user.name(), user.role().name(),
                user.organisation() == null ? null : user.organisation().value(),
                user.nhsNumber() == null ? null : user.nhsNumber().value());
    }
}
