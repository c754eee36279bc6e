package org.careledger.reading;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.careledger.access.AccessDecision;
import org.careledger.access.AccessPolicy;
import org.careledger.access.EntryFacts;
import org.careledger.access.PatientSharingState;
import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.DisclosedEntry;
import org.careledger.audit.Purpose;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.RecordView;
import org.careledger.policy.LedgerPolicy;
import org.careledger.policy.RolePolicy;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;
import org.careledger.views.ViewTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * THE enforcement point for reading a patient's record. Nothing else returns record content.
 * <p>
 * Each read is one database transaction at REPEATABLE READ. Its first statement sets that isolation and locks the
 * view tables in ACCESS SHARE mode (before the snapshot is taken: PostgreSQL takes it at the first query, not at
 * LOCK), so a rebuild's swap can neither happen under it nor leave it looking at half-swapped tables. In that one
 * snapshot, and in the same round trip, it loads the policy in force, the patient's sharing state and the reader's
 * teams (the query of {@link SharingStates}, shared with the write side's {@link ViewCareRelationships}) and the
 * entries of the reader's ROLE VIEW;
 * decides with the pure {@link AccessPolicy}; appends {@link RecordAccessed} or {@link RecordAccessRefused} to the
 * ledger through Axon's event bus in a unit of work bound to this same transaction; commits; and only then returns
 * data. If the audit event cannot be stored, the transaction rolls back and the caller gets an exception and
 * nothing else. Since the views are written in the same transaction as the events (subscribing processor), a read
 * that starts after a command was acknowledged sees its effects. Reads never load aggregates.
 * <p>
 * An unknown patient is decided like any other (no registration, consent or grant: NO_BASIS for staff), so a
 * refusal does not tell whether the patient exists. Logs name ids only.
 */
@Component
public class RecordReads {

    private static final Logger log = LoggerFactory.getLogger(RecordReads.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final TransactionManager axonTransactions;
    private final EventBus eventBus;
    private final LedgerPolicy policy;
    private final Clock clock;
    private final SharingStates sharingStates;
    private final StoredContents contents;

    public RecordReads(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
                       TransactionManager axonTransactions, EventBus eventBus, LedgerPolicy policy, Clock clock,
                       SharingStates sharingStates, StoredContents contents) {
        this.jdbc = jdbc;
        this.contents = contents;
        this.sharingStates = sharingStates;
        this.transactions = new TransactionTemplate(transactionManager);
        // REPEATABLE READ: set by the transaction's first statement (SNAPSHOT)
        this.axonTransactions = axonTransactions;
        this.eventBus = eventBus;
        this.policy = policy;
        this.clock = clock;
    }

    /** Opens the patient's current record in the reader's role view. */
    public RecordRead open(Reader reader, NhsNumber patient, Purpose purpose, Channel channel) {
        return open(reader, patient, purpose, channel, RecordView.CURRENT);
    }

    /**
     * Opens the patient's current record in the reader's role view, audited as the given view: {@link
     * RecordView#CURRENT} for reading it on screen, {@link RecordView#EXPORT} when it leaves as a download (the
     * FHIR export). The same decision and the same audit either way; only the event's view differs.
     */
    public RecordRead open(Reader reader, NhsNumber patient, Purpose purpose, Channel channel, RecordView view) {
        check(reader, patient, purpose, channel);
        Refusal.requireValue(view, "view");
        Refusal.require(view != RecordView.HISTORY, Refusal.Kind.INVALID_INPUT,
                "an entry's history is read with history(...)");
        return transactions.execute(status -> {
            Snapshot s = load(reader, patient, null);
            AccessDecision decision = AccessPolicy.decide(s.policy, s.reader, s.state, s.facts(), s.now);
            if (!decision.allowed()) {
                return refuse(s, decision, purpose, channel, view);
            }
            List<ReadEntry> disclosed = new ArrayList<>();
            List<DisclosedEntry> audit = new ArrayList<>();
            for (AccessDecision.EntryVerdict v : decision.disclosed()) {
                Row row = s.rows.get(v.entry());
                disclosed.add(new ReadEntry(row.facts.entry(), row.facts.version(), row.facts.section(),
                        row.facts.authoringOrganisation(), row.facts.author(), row.facts.sensitivity(),
                        row.content, row.recordedAt, row.content.effectiveDate()));
                audit.add(new DisclosedEntry(v.entry(), v.version()));
            }
            int withheld = Math.toIntExact(decision.withheldCount());
            String eventId = publish(new RecordAccessed(patient, decision.basis(), decision.grant(),
                    decision.emergency(), purpose, channel, view, decision.policyVersion(),
                    receipt(decision), audit, withheld, actor(reader), s.now));
            log.debug("read {} of a record: basis {}, {} disclosed, {} withheld", eventId, decision.basis(),
                    audit.size(), withheld);
            return new RecordRead(patient, decision.basis(), null, decision.grant(), decision.emergency(),
                    decision.policyVersion(), receipt(decision), s.demographics, disclosed, List.of(), withheld,
                    eventId, s.state.registeredPractice(), decision.withheldByReason());
        });
    }

    /** The versions of one entry that the reader may see (the history view: AccessPolicy.decideHistory). */
    public RecordRead history(Reader reader, NhsNumber patient, EntryId entry, Purpose purpose, Channel channel) {
        check(reader, patient, purpose, channel);
        Refusal.requireValue(entry, "entry");
        return transactions.execute(status -> {
            Snapshot s = load(reader, patient, entry);
            AccessDecision decision = AccessPolicy.decideHistory(s.policy, s.reader, s.state, s.facts(), s.now);
            if (!decision.allowed()) {
                return refuse(s, decision, purpose, channel, RecordView.HISTORY);
            }
            List<EntryVersion> versions = new ArrayList<>();
            List<DisclosedEntry> audit = new ArrayList<>();
            for (AccessDecision.EntryVerdict v : decision.disclosed()) {
                for (EntryVersion version : versionsOf(v.entry())) {
                    versions.add(version);
                    if (version.isVersion()) {
                        audit.add(new DisclosedEntry(v.entry(), version.version()));
                    }
                }
            }
            int withheld = Math.toIntExact(decision.withheldCount());
            String eventId = publish(new RecordAccessed(patient, decision.basis(), decision.grant(),
                    decision.emergency(), purpose, channel, RecordView.HISTORY, decision.policyVersion(),
                    receipt(decision), audit, withheld, actor(reader), s.now));
            return new RecordRead(patient, decision.basis(), null, decision.grant(), decision.emergency(),
                    decision.policyVersion(), receipt(decision), s.demographics, List.of(), versions, withheld,
                    eventId, s.state.registeredPractice(), decision.withheldByReason());
        });
    }

    // ---- the snapshot ------------------------------------------------------------------------------------------

    private record Row(EntryFacts facts, EntryContent content, Instant recordedAt) {
    }

    private record Snapshot(RolePolicy policy, Reader reader, PatientSharingState state, Demographics demographics,
                            Map<EntryId, Row> rows, Instant now) {
        List<EntryFacts> facts() {
            return rows.values().stream().map(Row::facts).toList();
        }
    }

    /**
     * The first statements of a read's transaction, in its first round trip: its isolation, then the lock on the
     * view tables, taken before the snapshot (see the class comment). Set here rather than by the transaction
     * manager, which would ask the connection for its isolation, set it, and set it back: three round trips more.
     */
    static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; "
            + ViewTables.lockAll("ACCESS SHARE");

    /**
     * Loads a read's snapshot in one round trip: {@link #SNAPSHOT}, the sha of the policy in force, the patient's
     * sharing state with the reader's teams ({@link SharingStates#STATE}) and the entries of the reader's role view,
     * as one multi-statement; only a patient with grants or emergencies, or a policy not seen before, costs more.
     */
    private Snapshot load(Reader given, NhsNumber patient, EntryId onlyEntry) {
        boolean hasView = ViewTables.ROLES_WITH_VIEW.contains(given.role());
        boolean ownIfPatient = given.role() != Role.PATIENT || patient.equals(given.self());
        boolean withEntries = hasView && ownIfPatient;
        String sql = SNAPSHOT + ";\n" + LedgerPolicy.SHA_IN_FORCE + ";\n" + SharingStates.STATE
                + (withEntries ? ";\n" + ENTRIES + (onlyEntry == null ? "" : " AND entry_id = ?")
                + " ORDER BY recorded_at, entry_id" : "");
        List<Object> args = new ArrayList<>(Arrays.asList(SharingStates.stateArguments(given, patient)));
        if (withEntries) {
            args.add(given.role().name());
            args.add(patient.value());
            if (onlyEntry != null) {
                args.add(onlyEntry.value());
            }
        }
        Map<EntryId, Row> rows = new LinkedHashMap<>();
        Object[][] loaded = new Object[2][];
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < args.size(); i++) {
                    statement.setObject(i + 1, args.get(i));
                }
                int resultSets = 0;
                for (boolean isResultSet = statement.execute(); isResultSet || statement.getUpdateCount() != -1;
                     isResultSet = statement.getMoreResults()) {
                    if (!isResultSet) {
                        continue; // SET TRANSACTION, LOCK
                    }
                    try (ResultSet rs = statement.getResultSet()) {
                        switch (resultSets++) {
                            case 0 -> loaded[0] = new Object[]{rs.next() ? rs.getString(1) : null};
                            case 1 -> loaded[1] = rs.next() ? SharingStates.row(rs, 0) : null;
                            default -> {
                                while (rs.next()) {
                                    EntryFacts facts = new EntryFacts(new EntryId(rs.getObject(1, UUID.class)),
                                            rs.getInt(2), Section.valueOf(rs.getString(3)),
                                            OdsCode.of(rs.getString(4)), new UserId(rs.getObject(5, UUID.class)),
                                            Sensitivity.valueOf(rs.getString(6)), rs.getBoolean(7));
                                    rows.put(facts.entry(), new Row(facts, contents.read(rs.getBytes(8)),
                                            instant(rs, 9)));
                                }
                            }
                        }
                    }
                }
                if (loaded[0] == null || loaded[1] == null) {
                    throw new IllegalStateException("a read's snapshot statement returned "
                            + resultSets + " result sets");
                }
            }
            return null;
        });
        RolePolicy inForce = policy.inSnapshot((String) loaded[0][0]);
        Instant now = clock.instant();
        SharingStates.ReaderAndState both = sharingStates.complete(loaded[1], given, patient);
        SharingStates.Loaded state = both.loaded();
        return new Snapshot(inForce, both.reader(), state.state(), state.demographics(), rows, now);
    }

    private static final String ENTRIES = """
            SELECT entry_id, version, section, authoring_organisation, author_user, sensitivity,
                   entered_in_error, content, recorded_at
            FROM view_role_entry
            WHERE role = ? AND nhs_number = ?""";

    /** An entry's versions and changes: its history rows, or, for an entry never changed, version 1 (ADR 30). */
    private List<EntryVersion> versionsOf(EntryId entry) {
        return jdbc.query("""
                SELECT h.seq, h.change, h.version,
                       COALESCE(h.content, CASE WHEN h.change = 'RECORDED' AND e.version = 1 THEN e.content END),
                       h.sensitivity, h.by_user, h.by_role, h.by_organisation, h.at, h.reason
                FROM view_entry_history h LEFT JOIN view_entry e ON e.entry_id = h.entry_id
                WHERE h.entry_id = ?
                UNION ALL
                SELECT 1, 'RECORDED', 1, e.content, e.sensitivity, e.author_user, e.author_role,
                       e.authoring_organisation, e.recorded_at, NULL
                FROM view_entry e
                WHERE e.entry_id = ? AND NOT EXISTS (SELECT 1 FROM view_entry_history h WHERE h.entry_id = e.entry_id)
                ORDER BY 1""", (rs, i) -> {
            byte[] content = rs.getBytes(4);
            String sensitivity = rs.getString(5);
            String organisation = rs.getString(8);
            return new EntryVersion(entry, rs.getInt(1), EntryVersion.Change.valueOf(rs.getString(2)), rs.getInt(3),
                    content == null ? null : contents.read(content),
                    sensitivity == null ? null : Sensitivity.valueOf(sensitivity),
                    new Actor(new UserId(rs.getObject(6, UUID.class)), Role.valueOf(rs.getString(7)),
                            organisation == null ? null : OdsCode.of(organisation)),
                    instant(rs, 9), rs.getString(10));
        }, entry.value(), entry.value());
    }

    // ---- audit -------------------------------------------------------------------------------------------------

    private RecordRead refuse(Snapshot s, AccessDecision decision, Purpose purpose, Channel channel, RecordView view) {
        String eventId = publish(new RecordAccessRefused(s.state.patient(), decision.refused(), purpose, channel,
                view, decision.policyVersion(), actor(s.reader), s.now));
        log.debug("read refused ({}): {}", eventId, decision.refused());
        return new RecordRead(s.state.patient(), null, decision.refused(), null, null, decision.policyVersion(),
                List.of(), null, List.of(), List.of(), 0, eventId);
    }

    /**
     * Appends the audit event to the ledger in a unit of work bound to the read's transaction (the Axon
     * transaction manager joins the Spring transaction already open), so it commits with the read or not at all.
     */
    private String publish(Object auditEvent) {
        return publish(auditEvent, axonTransactions, eventBus);
    }

    /** {@link #publish(Object)} for the other read services of this package (one way to audit a read). */
    static String publish(Object auditEvent, TransactionManager axonTransactions, EventBus eventBus) {
        GenericEventMessage<Object> message = new GenericEventMessage<>(auditEvent);
        DefaultUnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        try {
            unitOfWork.attachTransaction(axonTransactions);
            eventBus.publish(message);
            unitOfWork.commit();
        } catch (RuntimeException e) {
            if (unitOfWork.isActive()) {
                unitOfWork.rollback(e);
            }
            throw new IllegalStateException("the read could not be audited, so nothing is returned", e);
        }
        return message.getIdentifier();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static void check(Reader reader, NhsNumber patient, Purpose purpose, Channel channel) {
        Refusal.requireValue(reader, "reader");
        Refusal.requireValue(patient, "patient");
        Refusal.requireValue(purpose, "purpose");
        Refusal.requireValue(channel, "channel");
    }

    private static List<String> receipt(AccessDecision decision) {
        return decision.receipt().stream().sorted().toList();
    }

    private static Actor actor(Reader reader) {
        return new Actor(reader.user(), reader.role(), reader.organisation());
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
