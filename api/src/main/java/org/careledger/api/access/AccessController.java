package org.careledger.api.access;

import org.careledger.storage.TimeOrderedIdentifierFactory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.careledger.access.DeclareEmergencyAccess;
import org.careledger.access.GrantAccess;
import org.careledger.shared.GrantReason;
import org.careledger.access.GrantScope;
import org.careledger.access.GrantSealedEntryAccess;
import org.careledger.access.Grantee;
import org.careledger.access.RevokeAccessGrant;
import org.careledger.api.Commands;
import org.careledger.api.security.SignedInUser;
import org.careledger.policy.PolicyInForce;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Section;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Grants (to a user, team or organisation, for a reason, scope and window), revocations, and breaking glass. */
@RestController
@RequestMapping("/api/patients/{nhsNumber}")
@Tag(name = "access", description = "Access grants and emergency access")
class AccessController {

    private final Commands commands;
    private final PolicyInForce policy;

    AccessController(Commands commands, PolicyInForce policy) {
        this.commands = commands;
        this.policy = policy;
    }

    record GranteeBody(@NotNull Grantee.Kind kind, @NotBlank String id) {
    }

    record NewGrant(@NotNull @Valid GranteeBody grantee, @NotNull GrantReason reason,
                    @NotEmpty Set<@NotNull Section> sections, Instant validFrom, @NotNull Instant validUntil) {
    }

    record Granted(String grant) {
    }

    record NewSealedEntryGrant(@NotNull @Valid GranteeBody grantee, @NotEmpty @Size(max = 100) List<@NotNull UUID> entries,
                               @NotBlank @Size(max = 2000) String reason, Instant validFrom,
                               @NotNull Instant validUntil) {
    }

    record Reason(@NotBlank @Size(max = 2000) String reason) {
    }

    record Emergency(String emergency, Instant declaredAt, Instant validUntil) {
    }

    @PostMapping("/grants")
    @Operation(summary = "Grant a user, team or organisation access to this record (validFrom defaults to now)")
    ResponseEntity<Granted> grant(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                  @Valid @RequestBody NewGrant body) {
        NhsNumber patient = NhsNumber.of(nhsNumber);
        GrantId grant = new GrantId(TimeOrderedIdentifierFactory.timeOrdered());
        Instant now = commands.now();
        commands.send(new GrantAccess(patient, grant, new Grantee(body.grantee().kind(), body.grantee().id()),
                body.reason(), new GrantScope(body.sections()), body.validFrom() == null ? now : body.validFrom(),
                body.validUntil(), user.actor(), now));
        return ResponseEntity.created(URI.create("/api/patients/" + patient.value() + "/grants/" + grant))
                .body(new Granted(grant.toString()));
    }

    @PostMapping("/sealed-entry-grants")
    @Operation(summary = "Let a named user or team see named SEALED entries of this record, with a reason "
            + "(validFrom defaults to now); revoke it like any grant")
    ResponseEntity<Granted> unseal(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                   @Valid @RequestBody NewSealedEntryGrant body) {
        NhsNumber patient = NhsNumber.of(nhsNumber);
        GrantId grant = new GrantId(TimeOrderedIdentifierFactory.timeOrdered());
        Instant now = commands.now();
        commands.send(new GrantSealedEntryAccess(patient, grant,
                new Grantee(body.grantee().kind(), body.grantee().id()),
                body.entries().stream().map(EntryId::new).toList(), body.reason(),
                body.validFrom() == null ? now : body.validFrom(), body.validUntil(), user.actor(), now));
        return ResponseEntity.created(URI.create("/api/patients/" + patient.value() + "/grants/" + grant))
                .body(new Granted(grant.toString()));
    }

    @PostMapping("/grants/{grant}/revocation")
    @Operation(summary = "Revoke a grant, with a reason")
    ResponseEntity<Void> revoke(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                @PathVariable String grant, @Valid @RequestBody Reason body) {
        commands.send(new RevokeAccessGrant(NhsNumber.of(nhsNumber), GrantId.of(grant), body.reason(), user.actor(),
                commands.now()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/emergency-access")
    @Operation(summary = "Break glass: declare an emergency with a written reason (at most four hours; always an IG alert)")
    ResponseEntity<Emergency> breakGlass(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                         @Valid @RequestBody Reason body) {
        EmergencyAccessId emergency = new EmergencyAccessId(TimeOrderedIdentifierFactory.timeOrdered());
        Instant now = commands.now();
        commands.send(new DeclareEmergencyAccess(NhsNumber.of(nhsNumber), emergency, body.reason(), user.actor(), now));
        Instant until = policy.current().emergencyDuration(user.role()).map(now::plus).orElse(null);
        return ResponseEntity.status(201).body(new Emergency(emergency.toString(), now, until));
    }
}
