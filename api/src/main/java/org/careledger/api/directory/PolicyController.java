package org.careledger.api.directory;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.careledger.api.Commands;
import org.careledger.api.security.SignedInUser;
import org.careledger.policy.ActivatePolicyVersion;
import org.careledger.policy.PolicyInForce;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Activate a version of the role policy file (IG officers or administrators): the whole file as the body
 * (text/plain), kept in the ledger with its SHA-256. The activation brings the role views in line in its own
 * transaction (ADR 0013): when this answers, every read sees the new version with its views.
 */
@RestController
@Tag(name = "policy", description = "The role policy in force")
class PolicyController {

    private final Commands commands;
    private final PolicyInForce policy;

    PolicyController(Commands commands, PolicyInForce policy) {
        this.commands = commands;
        this.policy = policy;
    }

    record Activated(String version, long millis) {
    }

    @PostMapping(value = "/api/policy/versions", consumes = MediaType.TEXT_PLAIN_VALUE)
    @Operation(summary = "Activate a policy file version; the role views follow it in the same transaction")
    Activated activate(@AuthenticationPrincipal SignedInUser user, @RequestBody String source) {
        long started = System.nanoTime();
        commands.send(new ActivatePolicyVersion(source, user.actor(), commands.now()));
        return new Activated(policy.current().version(), (System.nanoTime() - started) / 1_000_000);
    }
}
