package org.careledger.alert;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.Refusal;

import java.time.Instant;

/**
 * An IG officer reviews an alert: a note of what they checked. The edge checks that the audit trail raised the
 * alert (the ledger does not keep the trail's alerts); the case refuses reviews once closed.
 */
public record ReviewAlert(String alert, String note, Actor by, Instant at) implements Command {

    public ReviewAlert {
        Command.requireStamp(by, at);
        Refusal.requireValue(alert, "alert");
    }

    /** The alert case's stream (docs/adr/0002). */
    @TargetAggregateIdentifier
    public String stream() {
        return AlertCase.streamOf(alert);
    }
}
