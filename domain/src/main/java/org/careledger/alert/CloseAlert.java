package org.careledger.alert;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** An IG officer closes an alert case with an outcome and a note saying why. Once only. */
public record CloseAlert(String alert, AlertOutcome outcome, String note, Actor by, Instant at) implements Command {

    public CloseAlert {
        Command.requireStamp(by, at);
        Refusal.requireValue(alert, "alert");
    }

    /** The alert case's stream (docs/adr/0002). */
    @TargetAggregateIdentifier
    public String stream() {
        return AlertCase.streamOf(alert);
    }
}
