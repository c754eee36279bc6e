package org.careledger.alert;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;

import java.util.regex.Pattern;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.careledger.shared.Refusal.Kind.ALERT_ALREADY_CLOSED;
import static org.careledger.shared.Refusal.Kind.INVALID_INPUT;
import static org.careledger.shared.Refusal.require;

/**
 * One IG alert case (DESIGN.md "The audit trail": each alert is reviewed and closed with an outcome, as events).
 * The audit trail raises alerts (a read projection, so the ledger holds no "alert raised" event); the case begins
 * with its first review or its closure, under the alert's own id. Only IG officers act on it. Kept apart from the
 * patient's streams: IG's work on a case must never contend with the record or its access stream.
 */
public class AlertCase {

    /** Alert ids are {@code KIND:...} as the audit trail makes them; short enough for a stream id. */
    static final int MAX_ALERT_ID = 200;
    public static final int MAX_NOTE = 2_000;
    private static final Pattern ALERT_ID = Pattern.compile("[A-Z][A-Z_]*:\\S+");

    /** The stream id, {@code alert:<alert id>}: unique across aggregate types, as Axon's store requires. */
    @AggregateIdentifier
    private String stream;
    private boolean closed;

    protected AlertCase() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(ReviewAlert command) {
        command.by().requireRole(Role.IG_OFFICER, "review IG alerts");
        String alert = alertId(command.alert());
        require(!closed, ALERT_ALREADY_CLOSED, "alert " + alert + " is closed");
        apply(new AlertReviewed(alert, note(command.note(), "reviewing an alert"), command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(CloseAlert command) {
        command.by().requireRole(Role.IG_OFFICER, "close IG alerts");
        String alert = alertId(command.alert());
        require(!closed, ALERT_ALREADY_CLOSED, "alert " + alert + " is already closed");
        Refusal.requireValue(command.outcome(), "outcome");
        apply(new AlertClosed(alert, command.outcome(), note(command.note(), "closing an alert"), command.by(),
                command.at()));
    }

    /** The stream of an alert case. */
    public static String streamOf(String alert) {
        return "alert:" + alert;
    }

    @EventSourcingHandler
    void on(AlertReviewed event) {
        stream = streamOf(event.alert());
    }

    @EventSourcingHandler
    void on(AlertClosed event) {
        stream = streamOf(event.alert());
        closed = true;
    }

    private static String alertId(String alert) {
        require(alert.length() <= MAX_ALERT_ID && ALERT_ID.matcher(alert).matches(), INVALID_INPUT,
                "an alert id is KIND:... of at most " + MAX_ALERT_ID + " characters");
        return alert;
    }

    /** A note is free text: required, bounded, never put into a message. */
    private static String note(String note, String what) {
        String stripped = Refusal.requireReason(note, what);
        require(stripped.length() <= MAX_NOTE, INVALID_INPUT, "a note is at most " + MAX_NOTE + " characters");
        return stripped;
    }
}
