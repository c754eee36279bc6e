package org.careledger.reading;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.ConsentViewed;
import org.careledger.audit.RecordView;
import org.careledger.audit.trail.AuditAppender;
import org.careledger.consent.PatientConsent;
import org.careledger.consent.PatientConsentEvent;
import org.careledger.shared.Actor;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The enforcement point for reading a patient's consent to share: who may read it, and the audit of every read.
 * <p>
 * Consent holds no clinical content but says where a patient's record may go, so it is read like the record: the
 * only reader today is the patient themself (the NHS number comes from the reader, never from a parameter, so no
 * other patient's consent can be asked for); any other reader is refused before anything is read. Each read is one
 * transaction that first appends {@link ConsentViewed} (channel and view as given) and then reads; it commits, and
 * only then is data returned. If the audit event cannot be stored the read fails and returns nothing.
 */
@Component
public class ConsentReads {

    /** One organisation's decision in one direction, with the organisation's name from the directory (or null). */
    public record Decision(OdsCode organisation, String organisationName, ConsentDirection direction,
                           ConsentDecision decision) {
    }

    /** The patient's consent as it stands now (from the views): dissent, and every recorded decision. */
    public record Current(NhsNumber patient, boolean dissentInForce, List<Decision> decisions) {
        public Current {
            decisions = List.copyOf(decisions);
        }
    }

    /** One event of the patient's consent stream in the ledger, with its event id. */
    public record Recorded(String eventId, PatientConsentEvent event) {
    }

    private final JdbcTemplate jdbc;
    private final EventStore eventStore;
    private final AuditAppender audit;
    private final Clock clock;
    private final TransactionTemplate transactions;

    public ConsentReads(JdbcTemplate jdbc, EventStore eventStore, AuditAppender audit, Clock clock,
                        PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.eventStore = eventStore;
        this.audit = audit;
        this.clock = clock;
        this.transactions = new TransactionTemplate(transactionManager);
        this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    /** The reader's own consent as it stands (views), audited as {@link RecordView#CURRENT} on the channel. */
    public Current current(Reader reader, Channel channel) {
        NhsNumber patient = ownPatient(reader, channel);
        return audited(reader, patient, channel, RecordView.CURRENT, () -> {
            boolean dissent = jdbc.query("SELECT in_force FROM view_dissent WHERE nhs_number = ?",
                    (rs, i) -> rs.getBoolean(1), patient.value()).stream().findFirst().orElse(false);
            List<Decision> decisions = jdbc.query("""
                    SELECT c.organisation, o.name, c.direction, c.decision FROM view_consent c
                      LEFT JOIN organisation o ON o.ods_code = c.organisation
                     WHERE c.nhs_number = ? ORDER BY o.name, c.organisation, c.direction""",
                    (rs, i) -> new Decision(OdsCode.of(rs.getString(1)), rs.getString(2),
                            ConsentDirection.valueOf(rs.getString(3)), ConsentDecision.valueOf(rs.getString(4))),
                    patient.value());
            return new Current(patient, dissent, decisions);
        });
    }

    /**
     * The reader's own consent stream from the ledger (the only place that keeps how, by whom and when each
     * decision was recorded), in stream order, audited as {@link RecordView#EXPORT} on the channel.
     */
    public List<Recorded> export(Reader reader, Channel channel) {
        NhsNumber patient = ownPatient(reader, channel);
        return audited(reader, patient, channel, RecordView.EXPORT, () -> {
            List<Recorded> stream = new ArrayList<>();
            eventStore.readEvents(PatientConsent.streamOf(patient)).asStream()
                    .forEach((DomainEventMessage<?> m) -> {
                        if (m.getPayload() instanceof PatientConsentEvent event) {
                            stream.add(new Recorded(m.getIdentifier(), event));
                        }
                    });
            return List.copyOf(stream);
        });
    }

    /** The decision: a patient reads their own consent; nobody else reads it here. */
    private static NhsNumber ownPatient(Reader reader, Channel channel) {
        Refusal.requireValue(reader, "reader");
        Refusal.requireValue(channel, "channel");
        Refusal.require(reader.role() == Role.PATIENT, Refusal.Kind.NOT_PERMITTED,
                "consent is read here only by the patient it belongs to");
        return reader.self();
    }

    /** Appends ConsentViewed, then reads, in one transaction; the data leaves only after the commit. */
    private <T> T audited(Reader reader, NhsNumber patient, Channel channel, RecordView view, Supplier<T> read) {
        return transactions.execute(status -> {
            try {
                audit.append(new ConsentViewed(patient, channel, view, Actor.patient(reader.user()),
                        clock.instant()));
            } catch (RuntimeException e) {
                throw new IllegalStateException("the consent read could not be audited, so nothing is returned", e);
            }
            return read.get();
        });
    }
}
