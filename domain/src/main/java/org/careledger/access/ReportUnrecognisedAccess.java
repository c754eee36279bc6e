package org.careledger.access;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.time.Instant;

/**
 * A patient says "I don't recognise this access": one entry of their access history (the id of the audit event,
 * a read, refusal or emergency declaration), with an optional comment for IG. The edge checks that the event is in
 * this patient's own history; the access stream keeps one report per event.
 */
public record ReportUnrecognisedAccess(NhsNumber patient, String accessEvent, String comment, Actor by, Instant at)
        implements Command {

    public static final int MAX_COMMENT = 1_000;

    public ReportUnrecognisedAccess {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }

    /** The patient's access stream (docs/adr/0002). */
    @TargetAggregateIdentifier
    public String stream() {
        return PatientAccess.streamOf(patient);
    }
}
