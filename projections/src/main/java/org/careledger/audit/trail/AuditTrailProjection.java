package org.careledger.audit.trail;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.careledger.access.EmergencyAccessDeclared;
import org.careledger.access.UnrecognisedAccessReported;
import org.careledger.alert.AlertClosed;
import org.careledger.alert.AlertReviewed;
import org.careledger.alert.AlertRules;
import org.careledger.alert.AlertRules.Rule;
import org.careledger.audit.AuditTrailQueried;
import org.careledger.audit.ConsentViewed;
import org.careledger.audit.PatientSearched;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.RecordPreviewed;
import org.careledger.audit.RecordView;
import org.careledger.audit.RecordWriteRefused;
import org.careledger.audit.search.Names;
import org.careledger.directory.StaffMemberRegistered;
import org.careledger.policy.PolicyInForce;
import org.careledger.record.DemographicsUpdated;
import org.careledger.record.EntryRecorded;
import org.careledger.record.PatientRegistered;
import org.careledger.record.Demographics;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.storage.BulkScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import jakarta.annotation.PreDestroy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Builds the audit trail from the ledger (subscribing processor {@value AuditTrailConfiguration#PROCESSING_GROUP}):
 * in the transaction that appends the event, so an audit event is in the ledger if and only if its rows are in the
 * trail (ADR 10); a rebuild ({@link AuditTrailRebuild}) replays the ledger through these same handlers. Every write
 * is an INSERT ... ON CONFLICT (its key) DO NOTHING keyed by the source event: replaying an event is harmless and
 * no row is ever updated. The conflict target is always named: a bare ON CONFLICT DO NOTHING also swallowed the
 * UNIQUE global_index, and with it every read whose transaction committed after a later one (ADR 10). Each event
 * is written to every writable generation (the active one and, during a rebuild, the one being built). Logs name
 * ids only.
 */
@Component
@ProcessingGroup(AuditTrailConfiguration.PROCESSING_GROUP)
public class AuditTrailProjection {

    private static final Logger log = LoggerFactory.getLogger(AuditTrailProjection.class);

    private final JdbcTemplate jdbc;
    private final AuditGenerations generations;
    private final PolicyInForce policy;
    private final AlertRules.Thresholds thresholds;
    /** A user's baseline (distinct patients on each of the days before a day) does not change during that day. */
    private final java.util.Map<String, List<Integer>> baselines = new java.util.concurrent.ConcurrentHashMap<>();
    private final TransactionTemplate alertTransaction;
    private final AuditLag lag;
    private final java.util.concurrent.ExecutorService alerts = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
                Thread thread = new Thread(r, "audit-alerts");
                thread.setDaemon(true);
                return thread;
            });
    /** Set by {@link #replayInto}: the one generation a rebuild's replay writes to. */
    private final ThreadLocal<String> replayTarget = new ThreadLocal<>();

    public AuditTrailProjection(JdbcTemplate jdbc, AuditGenerations generations, PolicyInForce policy,
                                PlatformTransactionManager transactions, AuditLag lag,
                                AlertRules.Thresholds thresholds) {
        this.jdbc = jdbc;
        this.lag = lag;
        this.alertTransaction = new TransactionTemplate(transactions);
        this.alertTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.alertTransaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.generations = generations;
        this.policy = policy;
        this.thresholds = thresholds;
    }

    // ---- audit events -------------------------------------------------------------------------------------

    /** A read's row was written and no alert rule applies to its reader (a patient reading their own record). */
    private static final AlertRules.Read NO_RULES = new AlertRules.Read(null, null, null, null, false, false);

    @EventHandler
    void on(RecordAccessed e, EventMessage<?> message) {
        Placement at = place(message);
        String id = message.getIdentifier();
        Disclosures disclosed = Disclosures.of(e.disclosed());
        boolean staff = e.by().role().isStaff();
        UUID user = e.by().user().value();
        String patient = nhs(e.patient());
        Long index = at.index();
        for (String s : at.targets()) {
            // One statement for the read's row with its disclosures (ADR 32: arrays on the row; a row per
            // disclosed entry, ~200 per record, was most of the database's work in an open) and the facts its alert
            // rules compare (a staff reader's; read from before the read's index, so the row inserted here does not
            // count): one round trip, not three (issue 10). Every column it returns has a fixed width (the surnames as
            // `name`, 63 bytes, which is more than any surname the same-surname rule compares): pgjdbc sends an empty
            // Sync, a round trip of its own, before a prepared statement whose row size it cannot bound.
            Filed filed = jdbc.execute(connection -> {
                var statement = connection.prepareStatement("""
                        WITH accessed AS (
                            INSERT INTO %1$s.audit_event (event_id, global_index, kind, occurred_at, user_id, role,
                                organisation, patient, basis, grant_id, emergency_id, purpose, channel, record_view,
                                policy_version, receipt, disclosed_count, withheld_count, disclosed_entries,
                                disclosed_versions, disclosed_sections)
                            VALUES (?, %3$s, 'ACCESSED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, string_to_array(?, ','),
                                    ?, ?, ?::uuid[], ?::int[], %2$s)
                            ON CONFLICT (event_id) DO NOTHING
                            RETURNING event_id, global_index)
                        SELECT EXISTS (SELECT 1 FROM accessed), (SELECT global_index FROM accessed)"""
                        .formatted(s, disclosed == null ? "NULL" : Disclosures.sectionsSql(s), indexValue(at))
                        + (!staff ? "" : """
                        ,
                               (SELECT surname::name FROM %1$s.audit_staff WHERE user_id = ?) AS reader_surname,
                               (SELECT surname::name FROM %1$s.audit_patient_name WHERE patient = ?
                                   AND global_index < (SELECT global_index FROM accessed)
                                 ORDER BY global_index DESC LIMIT 1) AS patient_surname,
                               EXISTS (SELECT 1 FROM %1$s.audit_event WHERE patient = ? AND role = 'PATIENT'
                                          AND user_id = ? AND global_index < (SELECT global_index FROM accessed))
                                      AS own,
                               EXISTS (SELECT 1 FROM %1$s.audit_event p
                                        WHERE p.patient = ? AND p.role = 'PATIENT' AND p.user_id <> ?
                                          AND p.global_index < (SELECT global_index FROM accessed)
                                          AND EXISTS (SELECT 1 FROM %1$s.audit_event st
                                                       WHERE st.user_id = p.user_id AND st.organisation = ?
                                                         AND st.global_index < (SELECT global_index FROM accessed)))
                                      AS colleague""".formatted(s)));
                Object[] arguments = {id, indexArgument(at, id), ts(e.at()), user, e.by().role().name(),
                        org(e.by()), patient, name(e.basis()), e.grant() == null ? null : e.grant().value(),
                        e.emergency() == null ? null : e.emergency().value(), name(e.purpose()), name(e.channel()),
                        name(e.view()), e.policyVersion(), csv(e.receipt()), size(e.disclosed()), e.withheld(),
                        disclosed == null ? null : connection.createArrayOf("uuid", disclosed.entries()),
                        disclosed == null ? null : connection.createArrayOf("integer", disclosed.versions())};
                Object[] alertArguments = {user, patient, patient, user, patient, user, org(e.by())};
                int p = 1;
                for (Object argument : arguments) {
                    statement.setObject(p++, argument);
                }
                if (disclosed != null) { // the sections' subquery
                    statement.setObject(p++, arguments[arguments.length - 2]);
                }
                if (staff) {
                    for (Object argument : alertArguments) {
                        statement.setObject(p++, argument);
                    }
                }
                return statement;
            }, (java.sql.PreparedStatement statement) -> {
                try (var rs = statement.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return null; // already written: a replay into this generation
                    }
                    return new Filed(rs.getLong(2), !staff ? NO_RULES : new AlertRules.Read(e.by().role(), e.at(),
                            rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getBoolean(6)));
                }
            });
            if (filed != null && filed.facts() != NO_RULES) {
                alertsForAccess(s, e, id, filed.index(), filed.facts());
            }
            index = filed == null ? index : Long.valueOf(filed.index());
        }
        log.debug("audit: access {} at index {}", id, index);
    }

    /** A read's row as its statement filed it: at which index, and the facts its alert rules compare. */
    private record Filed(long index, AlertRules.Read facts) {
    }

    @EventHandler
    void on(RecordAccessRefused e, EventMessage<?> message) {
        long index = index(message);
        String id = message.getIdentifier();
        for (String s : targets(message.getIdentifier())) {
            int inserted = jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        patient, purpose, channel, record_view, policy_version, refusal_reason)
                    VALUES (?, ?, 'REFUSED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (event_id) DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    nhs(e.patient()), name(e.purpose()), name(e.channel()), name(e.view()), e.policyVersion(),
                    name(e.reason()));
            if (inserted > 0) {
                dayRule(s, Rule.REPEATED_REFUSALS, e.by().user().value(), localDay(e.at()), "REFUSED", () -> true);
            }
        }
        log.debug("audit: refusal {} at index {}", id, index);
    }

    /**
     * A preview ("view as", ADR 24): a row of kind PREVIEWED, view PREVIEW, naming the previewed role and
     * organisation as its subject ({@code ROLE@ODS}). Its basis and refusal columns stay empty: they would read as the
     * previewer's (the previewed reader's outcome is in the ledger event); the entries shown
     * with content (a GP's preview) are disclosures of the previewer, like a read's. No alert rule counts previews.
     */
    @EventHandler
    void on(RecordPreviewed e, EventMessage<?> message) {
        long index = index(message);
        String id = message.getIdentifier();
        Disclosures disclosed = e.contentShown() ? Disclosures.of(e.disclosed()) : null;
        for (String s : targets(message.getIdentifier())) {
            jdbc.update(connection -> {
                var insert = connection.prepareStatement("""
                        INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role,
                            organisation, patient, basis, purpose, channel, record_view, policy_version, receipt,
                            disclosed_count, withheld_count, refusal_reason, subject, disclosed_entries,
                            disclosed_versions, disclosed_sections)
                        VALUES (?, ?, 'PREVIEWED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, string_to_array(?, ','), ?, ?, ?, ?,
                                ?::uuid[], ?::int[], %s)
                        ON CONFLICT (event_id) DO NOTHING""".formatted(s, disclosed == null ? "NULL"
                        : Disclosures.sectionsSql(s)));
                Object entries = disclosed == null ? null : connection.createArrayOf("uuid", disclosed.entries());
                Object[] arguments = {id, index, ts(e.at()), e.by().user().value(), e.by().role().name(),
                        org(e.by()), nhs(e.patient()), null, name(e.purpose()), name(e.channel()),
                        RecordView.PREVIEW.name(), e.policyVersion(), csv(e.receipt()), size(e.disclosed()),
                        e.withheld(), null, e.asRole().name() + "@" + e.asOrganisation().value(), entries,
                        disclosed == null ? null : connection.createArrayOf("integer", disclosed.versions())};
                int p = 1;
                for (Object argument : arguments) {
                    insert.setObject(p++, argument);
                }
                if (disclosed != null) { // the sections' subquery
                    insert.setObject(p, entries);
                }
                return insert;
            });
        }
        log.debug("audit: preview {} at index {}", id, index);
    }

    @EventHandler
    void on(PatientSearched e, EventMessage<?> message) {
        long index = index(message);
        String id = message.getIdentifier();
        String returned = e.returned() == null ? "" : e.returned().stream().map(NhsNumber::value)
                .collect(Collectors.joining(","));
        for (String s : targets(message.getIdentifier())) {
            jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        channel, search_kind, returned_patients)
                    VALUES (?, ?, 'SEARCHED', ?, ?, ?, ?, ?, ?, string_to_array(?, ','))
                    ON CONFLICT (event_id) DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    name(e.channel()), name(e.query()), returned);
        }
        log.debug("audit: search {} at index {}", id, index);
    }

    @EventHandler
    void on(RecordWriteRefused e, EventMessage<?> message) {
        long index = index(message);
        String id = message.getIdentifier();
        for (String s : targets(message.getIdentifier())) {
            jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        patient, refusal_reason, subject)
                    VALUES (?, ?, 'WRITE_REFUSED', ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (event_id) DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    nhs(e.patient()), name(e.reason()), e.command());
        }
        log.debug("audit: write refused {} at index {}", id, index);
    }

    @EventHandler
    void on(ConsentViewed e, EventMessage<?> message) {
        long index = index(message);
        String id = message.getIdentifier();
        for (String s : targets(message.getIdentifier())) {
            jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        patient, channel, record_view)
                    VALUES (?, ?, 'CONSENT_VIEWED', ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (event_id) DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    nhs(e.patient()), name(e.channel()), name(e.view()));
        }
        log.debug("audit: consent viewed {} at index {}", id, index);
    }

    @EventHandler
    void on(AuditTrailQueried e, EventMessage<?> message) {
        long index = index(message);
        String id = message.getIdentifier();
        for (String s : targets(message.getIdentifier())) {
            jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        question, subject, period_from, period_to)
                    VALUES (?, ?, 'AUDIT_QUERIED', ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (event_id) DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    name(e.question()), e.subject(), ts(e.from()), ts(e.to()));
        }
        log.debug("audit: audit query {} at index {}", id, index);
    }

    /** A declared emergency is itself an IG alert, and shows in the patient's access history. */
    @EventHandler
    void on(EmergencyAccessDeclared e, EventMessage<?> message) {
        long index = index(message);
        String id = message.getIdentifier();
        for (String s : targets(message.getIdentifier())) {
            int inserted = BulkScope.update(jdbc, """
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        patient, basis, emergency_id, emergency_until, emergency_reason)
                    VALUES (?, ?, 'EMERGENCY_DECLARED', ?, ?, ?, ?, ?, 'EMERGENCY', ?, ?, ?)
                    ON CONFLICT (event_id) DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    nhs(e.patient()), e.emergency().value(), ts(e.validUntil()), e.reason());
            if (inserted > 0) {
                for (Rule rule : AlertRules.raised(new AlertRules.EmergencyDeclared(), thresholds, hours())) {
                    alert(s, rule + ":" + id, rule.name(), e.at(), e.by().user().value(), nhs(e.patient()), id, index,
                            "emergency " + e.emergency());
                }
            }
        }
        log.debug("audit: emergency {} at index {}", e.emergency(), index);
    }

    /**
     * A patient does not recognise an access in their history: an IG alert against the reader of that access (or,
     * if the trail does not know the event, against the patient's own user id, so IG still sees it).
     */
    @EventHandler
    void on(UnrecognisedAccessReported e, EventMessage<?> message) {
        long index = index(message);
        String id = message.getIdentifier();
        for (String s : targets(message.getIdentifier())) {
            List<UUID> reader = jdbc.queryForList("SELECT user_id FROM %s.audit_event WHERE event_id = ? AND patient = ?"
                    .formatted(s), UUID.class, e.accessEvent(), nhs(e.patient()));
            for (Rule rule : AlertRules.raised(new AlertRules.UnrecognisedAccessReported(), thresholds, hours())) {
                alert(s, rule + ":" + id, rule.name(), e.at(), reader.isEmpty() ? e.by().user().value()
                        : reader.get(0), nhs(e.patient()), id, index, "patient reported access " + e.accessEvent());
            }
        }
        log.debug("audit: unrecognised access reported {} at index {}", id, index);
    }

    /** An IG officer reviewed an alert: a new row of its case (the alert row itself is never updated). */
    @EventHandler
    void on(AlertReviewed e, EventMessage<?> message) {
        alertCase(e.alert(), "REVIEWED", null, e.note(), e.by(), e.at(), message.getIdentifier(), index(message));
    }

    /** An IG officer closed an alert with an outcome: a new row of its case; the alert now reads CLOSED. */
    @EventHandler
    void on(AlertClosed e, EventMessage<?> message) {
        alertCase(e.alert(), "CLOSED", name(e.outcome()), e.note(), e.by(), e.at(), message.getIdentifier(),
                index(message));
    }

    private void alertCase(String alert, String action, String outcome, String note, Actor by, Instant at, String id,
                           long index) {
        for (String s : targets(id)) {
            jdbc.update("""
                    INSERT INTO %s.ig_alert_review (event_id, global_index, alert_id, action, occurred_at, user_id,
                        role, organisation, outcome, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (event_id) DO NOTHING""".formatted(s),
                    id, index, alert, action, ts(at), by.user().value(), by.role().name(), org(by), outcome, note);
        }
        log.debug("audit: alert {} {} at index {}", alert, action, index);
    }

    // ---- facts the trail and its alerts need (ids, sections, surnames; never clinical content) -------------

    @EventHandler
    void on(EntryRecorded e, EventMessage<?> message) {
        Placement at = place(message);
        for (String s : at.targets()) {
            BulkScope.update(jdbc, """
                    INSERT INTO %s.audit_entry (entry_id, patient, section, global_index) VALUES (?, ?, ?, %s)
                    ON CONFLICT (entry_id) DO NOTHING""".formatted(s, indexValue(at)),
                    e.entry().value(), nhs(e.patient()), e.section().name(),
                    indexArgument(at, message.getIdentifier()));
        }
    }

    @EventHandler
    void on(StaffMemberRegistered e, EventMessage<?> message) {
        long index = index(message);
        for (String s : targets(message.getIdentifier())) {
            BulkScope.update(jdbc, """
                    INSERT INTO %s.audit_staff (user_id, surname, global_index) VALUES (?, ?, ?)
                    ON CONFLICT (user_id) DO NOTHING""".formatted(s),
                    e.user().value(), Names.surnameOf(e.displayName()), index);
        }
    }

    @EventHandler
    void on(PatientRegistered e, EventMessage<?> message) {
        patientName(e.patient(), e.demographics(), index(message), message.getIdentifier());
    }

    @EventHandler
    void on(DemographicsUpdated e, EventMessage<?> message) {
        patientName(e.patient(), e.demographics(), index(message), message.getIdentifier());
    }

    private void patientName(NhsNumber patient, Demographics demographics, long index, String event) {
        for (String s : targets(event)) {
            BulkScope.update(jdbc, """
                    INSERT INTO %s.audit_patient_name (patient, global_index, surname, postcode) VALUES (?, ?, ?, ?)
                    ON CONFLICT (patient, global_index) DO NOTHING""".formatted(s),
                    patient.value(), index, Names.normalise(demographics.familyName()),
                    Names.postcode(demographics.address().postcode()));
        }
    }

    // ---- IG alerts ------------------------------------------------------------------------------------------

    /**
     * The alerts of a staff member's read: the facts the rules compare were read from this generation, before the
     * read (its index), by the statement that wrote the read's row, and {@link AlertRules} decides. Rules keyed by
     * the read are raised here, in its transaction; the rules of the user's day after commit ({@link #afterCommit}),
     * and only on the user's first read of the patient that day (the distinct count can only have grown then).
     */
    private void alertsForAccess(String s, RecordAccessed e, String id, long index, AlertRules.Read read) {
        UUID user = e.by().user().value();
        String patient = nhs(e.patient());
        for (Rule rule : AlertRules.raised(read, thresholds, hours())) {
            alert(s, rule + ":" + id, rule.name(), e.at(), user, patient, id, index, null);
        }
        LocalDate day = localDay(e.at());
        java.util.function.BooleanSupplier grown = () -> firstOfPatientOnDay(s, user, patient, day, index);
        dayRule(s, Rule.MANY_RECORDS, user, day, "ACCESSED", grown);
        dayRule(s, Rule.ABOVE_BASELINE, user, day, "ACCESSED", grown);
    }

    /**
     * A rule of the user's local day ({@link Rule#perDay()}): after commit, the row at which the count reached the
     * rule's threshold ({@link AlertRules#dayThreshold}) raises the alert, once per user and day. Accesses count
     * distinct patients ({@code grown} says whether this read can have grown the count), refusals every row.
     */
    private void dayRule(String s, Rule rule, UUID user, LocalDate day, String kind,
                         java.util.function.BooleanSupplier grown) {
        boolean distinctPatients = kind.equals("ACCESSED");
        String alertId = rule + ":" + user + ":" + day;
        Runnable check = () -> {
            if (!grown.getAsBoolean()) {
                return;
            }
            List<Integer> baseline = rule == Rule.ABOVE_BASELINE ? baseline(s, user, day) : List.of();
            AlertRules.dayThreshold(rule, baseline, thresholds).ifPresent(threshold ->
                    thresholdReached(s, user, day, kind, distinctPatients, threshold)
                            .ifPresent(at -> alert(s, alertId, rule.name(), at.occurredAt(), user, at.patient(),
                                    at.eventId(), at.index(), threshold + (distinctPatients ? " records" : " refusals")
                                            + " on " + day)));
        };
        afterCommit(s, alertId, check);
    }

    /** Distinct patients the user opened on each of the baseline days before {@code day} (oldest first). */
    private List<Integer> baseline(String s, UUID user, LocalDate day) {
        String key = s + ":" + user + ":" + day;
        List<Integer> known = baselines.get(key);
        if (known != null) {
            return known;
        }
        ZoneId zone = hours().zone();
        int days = thresholds.baselineDays();
        LocalDate first = day.minusDays(days);
        Integer[] counts = new Integer[days];
        java.util.Arrays.fill(counts, 0);
        jdbc.query("""
                SELECT (occurred_at AT TIME ZONE ?)::date, count(DISTINCT patient) FROM %s.audit_event
                 WHERE user_id = ? AND kind = 'ACCESSED' AND occurred_at >= ? AND occurred_at < ?
                 GROUP BY 1""".formatted(s), rs -> {
                    int i = (int) java.time.temporal.ChronoUnit.DAYS.between(first, rs.getObject(1, LocalDate.class));
                    if (i >= 0 && i < days) {
                        counts[i] = rs.getInt(2);
                    }
                }, zone.getId(), user, ts(first.atStartOfDay(zone).toInstant()), ts(day.atStartOfDay(zone).toInstant()));
        List<Integer> baseline = List.of(counts);
        if (baselines.size() > 10_000) {
            baselines.clear();
        }
        baselines.put(key, baseline);
        return baseline;
    }

    /** True unless the user opened the patient's record earlier (lower global index) on that local day. */
    private boolean firstOfPatientOnDay(String s, UUID user, String patient, LocalDate day, long index) {
        ZoneId zone = hours().zone();
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT NOT EXISTS (SELECT 1 FROM %s.audit_event WHERE patient = ? AND occurred_at >= ?
                   AND occurred_at < ? AND user_id = ? AND kind = 'ACCESSED' AND global_index < ?)""".formatted(s),
                Boolean.class, patient, ts(day.atStartOfDay(zone).toInstant()),
                ts(day.plusDays(1).atStartOfDay(zone).toInstant()), user, index));
    }

    /** The trail row at which a per-day count reached its threshold. */
    private record Reached(String eventId, long index, Instant occurredAt, String patient) {
    }

    /**
     * The row of a user's local day at which the count (distinct patients opened, or refusals) reached
     * {@code threshold}, in global index order, among the rows committed when the check runs; empty while they are
     * fewer. The alert (one per user and day) is the same on a rebuild; the row it names may differ from the live one
     * when reads committed out of index order (a lower index committing after the check).
     */
    private java.util.Optional<Reached> thresholdReached(String s, UUID user, LocalDate day, String kind,
                                                          boolean distinctPatients, int threshold) {
        ZoneId zone = hours().zone();
        Instant from = day.atStartOfDay(zone).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(zone).toInstant();
        String rows = "SELECT %s event_id, global_index, occurred_at, patient FROM %s.audit_event"
                .formatted(distinctPatients ? "DISTINCT ON (patient)" : "", s)
                + " WHERE user_id = ? AND kind = ? AND occurred_at >= ? AND occurred_at < ?"
                + (distinctPatients ? " ORDER BY patient, global_index" : "");
        return jdbc.query("SELECT * FROM (" + rows + ") counted ORDER BY global_index OFFSET ? LIMIT 1",
                (rs, i) -> new Reached(rs.getString(1), rs.getLong(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4)),
                user, kind, ts(from), ts(to), threshold - 1).stream().findFirst();
    }

    /**
     * Runs a per-day threshold rule (MANY_RECORDS, REPEATED_REFUSALS) once the event's transaction has committed, on
     * the single {@code audit-alerts} thread, in a short READ COMMITTED transaction of its own under an advisory lock
     * on the alert id (one check at a time per alert, even across nodes).
     * <p>
     * Why not in the event's transaction: the trail is written there (ADR 10), and a read's transaction is REPEATABLE
     * READ. Two reads by one user committing together would each count the day in a snapshot without the other
     * (neither might reach the threshold), and two raising the same alert would make the second read fail with a
     * serialization error ({@code ON CONFLICT DO NOTHING} refuses to skip a conflicting row its snapshot cannot see).
     * After commit, the check of the last event to commit sees every row of the day, so the threshold is never
     * missed, and the alert is raised once, naming the row at which the count was reached. Not on the committing
     * thread: it still holds its connection until the commit is complete, and a second connection per read could
     * exhaust the pool. If the process dies before the check, the next event of that user on that day raises the
     * alert (a rebuild always does). A failed check is logged with the alert id only.
     */
    private void afterCommit(String s, String alertId, Runnable rule) {
        Runnable check = () -> alertTransaction.executeWithoutResult(status -> {
            jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtext(?))", alertId);
            if (!alertRaised(s, alertId)) {
                rule.run();
            }
        });
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            check.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                long queued = lag.queued();
                try {
                    alerts.execute(() -> {
                        try {
                            check.run();
                        } catch (RuntimeException ex) {
                            log.warn("audit: alert rule {} not evaluated ({}); the next event of the day "
                                    + "re-evaluates it", alertId, ex.getClass().getSimpleName());
                        } finally {
                            lag.ran(queued);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException ex) {
                    lag.ran(queued);
                    log.warn("audit: alert rule {} not evaluated (shutting down); the next event of the day "
                            + "re-evaluates it", alertId);
                }
            }
        });
    }

    /** Waits until every alert check queued so far has run (tests; a rebuild before it switches generations). */
    public void awaitAlertChecks() {
        try {
            alerts.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the alert checks", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("alert checks failed", e.getCause());
        }
    }

    @PreDestroy
    void stopAlertChecks() throws InterruptedException {
        alerts.shutdown();
        if (!alerts.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
            log.warn("audit: {} alert checks not run at shutdown; later events re-evaluate them",
                    alerts.shutdownNow().size());
        }
    }

    /** True once an alert with this id exists: a per-day alert is raised once, and then nothing needs counting. */
    private boolean alertRaised(String s, String alertId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM %s.ig_alert WHERE alert_id = ?)".formatted(s), Boolean.class, alertId));
    }

    private LocalDate localDay(Instant at) {
        return at.atZone(hours().zone()).toLocalDate();
    }

    private org.careledger.policy.RolePolicy.WorkingHours hours() {
        return policy.current().workingHours();
    }

    private void alert(String s, String alertId, String kind, Instant at, UUID user, String patient, String source,
                       long index, String detail) {
        BulkScope.update(jdbc, """
                INSERT INTO %s.ig_alert (alert_id, kind, raised_at, user_id, patient, source_event_id, global_index,
                    detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (alert_id) DO NOTHING""".formatted(s),
                alertId, kind, ts(at), user, patient, source, index, detail);
    }

    // ---- generations ----------------------------------------------------------------------------------------

    /**
     * The schemas this event is written to: the one a replay fills, or every writable generation (looked up by
     * {@link #index} with the event's index when it had to look that up, otherwise once per unit of work).
     */
    private List<String> targets(String event) {
        String only = replayTarget.get();
        if (only != null) {
            return List.of(only);
        }
        Pending pending = pendingTargets.get();
        if (pending != null) {
            pendingTargets.remove();
            if (pending.event().equals(event)) {
                return pending.schemas();
            }
        }
        return BulkScope.once(WRITABLE_GENERATIONS, generations::writable);
    }

    /** The writable generations {@link #index} read for one event, handed to that event's {@link #targets}. */
    private record Pending(String event, List<String> schemas) {
    }

    private final ThreadLocal<Pending> pendingTargets = new ThreadLocal<>();

    /** The scope's memo of the writable generations (looked up once per unit of work). */
    private static final String WRITABLE_GENERATIONS = "audit-generations";

    /** Applies one replayed event to one generation only (the rebuild's): the same handlers, one target. */
    void replayInto(String schema, Runnable apply) {
        replayTarget.set(AuditGenerations.checked(schema));
        try {
            apply.run();
        } finally {
            replayTarget.remove();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** In a bulk scope: the global index of each event of the run, by event id (looked up once per run). */
    public static final String GLOBAL_INDEXES = "audit-trail-global-indexes";

    /**
     * Where an event's trail rows go, and its index: given (a replay, a bulk run, or a transaction that has not read
     * the writable generations), or null when the statement that writes the row takes it from the event row the store
     * has just inserted ({@link #indexValue}): a read's and a command's transaction read the writable generations with
     * their sharing state ({@link AuditGenerations#WRITABLE_COLUMN}), so they need no round trip for either.
     */
    private record Placement(Long index, List<String> targets) {
    }

    private Placement place(EventMessage<?> message) {
        List<String> bound = AuditGenerations.boundToTransaction();
        boolean tracked = message instanceof TrackedEventMessage<?> t && t.trackingToken() != null;
        if (bound != null && !tracked && replayTarget.get() == null && !BulkScope.active()) {
            return new Placement(null, bound);
        }
        long index = index(message);
        return new Placement(index, targets(message.getIdentifier()));
    }

    /**
     * The SQL of the event's index in its row's INSERT: a parameter, or the event row's own (NULL when the ledger
     * does not hold the event, which the trail's NOT NULL index column refuses: nothing is filed without it).
     */
    private static String indexValue(Placement at) {
        return at.index() != null ? "?" : "(SELECT global_index FROM domain_event_entry WHERE event_identifier = ?)";
    }

    /** The parameter of {@link #indexValue}. */
    private static Object indexArgument(Placement at, String eventId) {
        return at.index() != null ? at.index() : eventId;
    }

    /**
     * The event's global index: from the tracking token when the event is replayed from the ledger, otherwise from
     * the row the event store has just inserted in this same transaction (the store appends before it hands the
     * events to subscribing processors).
     */
    long index(EventMessage<?> message) {
        pendingTargets.remove(); // only ever handed from this event's index() to its own targets()
        if (message instanceof TrackedEventMessage<?> tracked && tracked.trackingToken() != null) {
            return tracked.trackingToken().position()
                    .orElseThrow(() -> new IllegalStateException("tracking token without a position"));
        }
        Map<String, Long> known = BulkScope.memoised(GLOBAL_INDEXES);
        if (known != null && known.containsKey(message.getIdentifier())) {
            return known.get(message.getIdentifier());
        }
        if (replayTarget.get() == null && BulkScope.memoised(WRITABLE_GENERATIONS) == null) {
            // its index and the generations it is written to in one round trip (a command: no bulk scope)
            AuditGenerations.IndexAndWritable both = generations.writableAndIndexOf(message.getIdentifier());
            if (BulkScope.active()) {
                BulkScope.once(WRITABLE_GENERATIONS, both::writable);
            } else {
                pendingTargets.set(new Pending(message.getIdentifier(), both.writable()));
            }
            if (both.index() == null) {
                throw new IllegalStateException("audit trail: event " + message.getIdentifier()
                        + " is not in the ledger");
            }
            return both.index();
        }
        List<Long> index = jdbc.queryForList("SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
                Long.class, message.getIdentifier());
        if (index.isEmpty()) {
            throw new IllegalStateException("audit trail: event " + message.getIdentifier() + " is not in the ledger");
        }
        return index.get(0);
    }

    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static String org(Actor actor) {
        return actor.organisation() == null ? null : actor.organisation().value();
    }

    private static String nhs(NhsNumber patient) {
        return patient == null ? null : patient.value();
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }

    private static int size(Collection<?> c) {
        return c == null ? 0 : c.size();
    }

    private static String csv(Collection<String> values) {
        return values == null ? "" : String.join(",", values);
    }
}
