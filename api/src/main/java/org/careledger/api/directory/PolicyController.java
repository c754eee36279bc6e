package org.careledger.api.directory;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.careledger.api.Commands;
import org.careledger.api.security.SignedInUser;
import org.careledger.policy.ActivatePolicyVersion;
import org.careledger.reading.PolicyActivation;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Activate a version of the role policy file (IG officers or administrators): the whole file as the body
 * (text/plain), kept in the ledger with its SHA-256; then the role views are rebuilt from the events under it
 * (PolicyActivation).
 */
@RestController
@Tag(name = "policy", description = "The role policy in force")
class PolicyController {

    private final Commands commands;
    private final PolicyActivation activation;

    PolicyController(Commands commands, PolicyActivation activation) {
        this.commands = commands;
        this.activation = activation;
    }

    record Activated(long eventsReplayed, long millis) {
    }

    @PostMapping(value = "/api/policy/versions", consumes = MediaType.TEXT_PLAIN_VALUE)
    @Operation(summary = "Activate a policy file version, then rebuild the role views under it")
    Activated activate(@AuthenticationPrincipal SignedInUser user, @RequestBody String source) {
        PolicyActivation.Activated result = activation.activate(
                new ActivatePolicyVersion(source, user.actor(), commands.now()));
        return new Activated(result.eventsReplayed(), result.took().toMillis());
    }
}
