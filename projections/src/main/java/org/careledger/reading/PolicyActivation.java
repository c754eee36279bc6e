package org.careledger.reading;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.policy.ActivatePolicyVersion;
import org.careledger.views.ViewRebuild;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Activating a role policy version, for the edge: the command (kept in the ledger with the file's SHA-256; a
 * refused file throws the Refusal and nothing else happens), then the views the reads rely on are rebuilt from the
 * events under the policy now in force ({@link ViewRebuild}). The edge never drives the views itself.
 */
@Component
public class PolicyActivation {

    /** How the rebuild after the activation went: events replayed and how long it took. */
    public record Activated(long eventsReplayed, Duration took) {
    }

    private final CommandGateway commands;
    private final ViewRebuild rebuild;

    public PolicyActivation(CommandGateway commands, ViewRebuild rebuild) {
        this.commands = commands;
        this.rebuild = rebuild;
    }

    public Activated activate(ActivatePolicyVersion command) {
        commands.sendAndWait(command);
        ViewRebuild.Result result = rebuild.rebuild(ViewRebuild.Progress.NONE);
        return new Activated(result.events(), result.took());
    }
}
