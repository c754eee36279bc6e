package org.careledger.reading;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventBus;
import org.careledger.access.AccessDecision;
import org.careledger.access.AccessPolicy;
import org.careledger.access.EntryFacts;
import org.careledger.access.PatientSharingState;
import org.careledger.access.Preview;
import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.DisclosedEntry;
import org.careledger.audit.Purpose;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordPreviewed;
import org.careledger.audit.RecordView;
import org.careledger.policy.LedgerPolicy;
import org.careledger.policy.RolePolicy;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * "View as" (ADR 24): a GP or an IG officer previews what a member of staff in another role at an organisation would
 * see of a record now. Beside {@link RecordReads} and built the same way (ADR 15): one REPEATABLE READ transaction
 * that locks the view tables, loads the policy in force, the patient's sharing state and the patient's current
 * entries in one snapshot; the real {@link AccessPolicy} decides for the previewer and for the hypothetical reader
 * ({@link Preview#hypothetical}); {@link Preview#decide} says what may be shown; the audit event
 * ({@link RecordPreviewed}, or {@link RecordAccessRefused} with view PREVIEW when the preview is refused) is appended
 * in the same transaction; only after commit is anything returned. If the audit cannot be stored, nothing is.
 * <p>
 * All of the patient's current entries are decided (not a role view's), so entries outside the previewed role's
 * view are counted as ROLE_VIEW. Logs name ids only.
 */
@Component
public class RecordPreviews {

    private static final Logger log = LoggerFactory.getLogger(RecordPreviews.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final TransactionManager axonTransactions;
    private final EventBus eventBus;
    private final LedgerPolicy policy;
    private final Clock clock;
    private final SharingStates sharingStates;
    private final StoredContents contents;

    public RecordPreviews(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
                          TransactionManager axonTransactions, EventBus eventBus, LedgerPolicy policy, Clock clock,
                          SharingStates sharingStates, StoredContents contents) {
        this.contents = contents;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        // REPEATABLE READ: set by the transaction's first statement (RecordReads.SNAPSHOT)
        this.axonTransactions = axonTransactions;
        this.eventBus = eventBus;
        this.policy = policy;
        this.clock = clock;
        this.sharingStates = sharingStates;
    }

    /**
     * What a preview returned, after its audit event was stored. When {@code refused} is set the preview was refused
     * as a whole and nothing else is set. Otherwise {@code basis} / {@code previewedRefused} say whether the previewed
     * reader could open the record; {@code entries} are the entries shown (content only when {@code contentShown});
     * the counts are {@link Preview.Outcome}'s.
     */
    public record RecordPreview(NhsNumber patient, Role asRole, OdsCode asOrganisation,
                                AccessDecision.Refused refused, AccessDecision.Basis basis,
                                AccessDecision.Refused previewedRefused, String policyVersion, boolean contentShown,
                                List<ReadEntry> entries, Map<AccessDecision.Withheld, Integer> withheldReasons,
                                int wouldSee, int withheld, int notShown, String auditEvent) {
        public RecordPreview {
            entries = List.copyOf(entries);
            withheldReasons = Map.copyOf(withheldReasons);
        }

        public boolean allowed() {
            return refused == null;
        }
    }

    /**
     * Previews the record of {@code patient} as someone in {@code asRole} at {@code asOrganisation} would see it now.
     * Bad input (a role that cannot be previewed, an organisation the directory does not hold) is refused before
     * anything is read; every other refusal is audited.
     */
    public RecordPreview preview(Reader previewer, NhsNumber patient, Role asRole, OdsCode asOrganisation,
                                 Purpose purpose, Channel channel) {
        Refusal.requireValue(previewer, "previewer");
        Refusal.requireValue(patient, "patient");
        Refusal.requireValue(asRole, "role to preview");
        Refusal.requireValue(asOrganisation, "organisation to preview");
        Refusal.requireValue(purpose, "purpose");
        Refusal.requireValue(channel, "channel");
        Refusal.require(Preview.previewable(asRole), Refusal.Kind.INVALID_INPUT,
                "only the view of a staff role that reads records can be previewed");
        return transactions.execute(status -> {
            jdbc.execute(RecordReads.SNAPSHOT); // first statement: see RecordReads
            RolePolicy inForce = policy.inSnapshot();
            Instant now = clock.instant();
            Refusal.require(Boolean.TRUE.equals(jdbc.queryForObject(
                            "SELECT EXISTS (SELECT 1 FROM organisation WHERE ods_code = ?)", Boolean.class,
                            asOrganisation.value())),
                    Refusal.Kind.UNKNOWN_ORGANISATION, "no organisation " + asOrganisation.value());
            SharingStates.ReaderAndState both = sharingStates.load(previewer, patient);
            Reader reader = both.reader();
            PatientSharingState state = both.loaded().state();
            Map<EntryId, Row> rows = entries(patient);
            List<EntryFacts> facts = rows.values().stream().map(Row::facts).toList();

            AccessDecision own = AccessPolicy.decide(inForce, reader, state, facts, now);
            AccessDecision previewed = AccessPolicy.decide(inForce, Preview.hypothetical(asRole, asOrganisation),
                    state, facts, now);
            Preview.Outcome outcome = Preview.decide(reader.role(), own, previewed);
            Actor by = new Actor(reader.user(), reader.role(), reader.organisation());
            if (!outcome.allowed()) {
                String eventId = RecordReads.publish(new RecordAccessRefused(patient, outcome.refused(), purpose,
                        channel, RecordView.PREVIEW, inForce.version(), by, now), axonTransactions, eventBus);
                log.debug("preview refused ({}): {}", eventId, outcome.refused());
                return new RecordPreview(patient, asRole, asOrganisation, outcome.refused(), null, null,
                        inForce.version(), false, List.of(), Map.of(), 0, 0, 0, eventId);
            }
            List<ReadEntry> shown = new ArrayList<>();
            List<DisclosedEntry> audit = new ArrayList<>();
            for (AccessDecision.EntryVerdict v : outcome.shown()) {
                Row row = rows.get(v.entry());
                EntryFacts f = row.facts();
                shown.add(outcome.contentShown()
                        ? new ReadEntry(f.entry(), f.version(), f.section(), f.authoringOrganisation(), f.author(),
                        f.sensitivity(), row.content(), row.recordedAt(), row.effectiveDate())
                        : new ReadEntry(f.entry(), f.version(), f.section(), null, null, null, null, null, null));
                audit.add(new DisclosedEntry(v.entry(), v.version()));
            }
            List<String> receipt = previewed.receipt().stream().sorted().toList();
            String eventId = RecordReads.publish(new RecordPreviewed(patient, asRole, asOrganisation,
                    previewed.basis(), previewed.refused(), purpose, channel, previewed.policyVersion(), receipt,
                    audit, outcome.contentShown(), outcome.wouldSee(), outcome.withheldCount(), outcome.notShown(),
                    by, now), axonTransactions, eventBus);
            log.debug("preview {} as {}@{}: {} shown, {} not shown", eventId, asRole, asOrganisation.value(),
                    shown.size(), outcome.notShown());
            return new RecordPreview(patient, asRole, asOrganisation, null, previewed.basis(), previewed.refused(),
                    previewed.policyVersion(), outcome.contentShown(), shown, outcome.withheld(), outcome.wouldSee(),
                    outcome.withheldCount(), outcome.notShown(), eventId);
        });
    }

    private record Row(EntryFacts facts, EntryContent content, Instant recordedAt, LocalDate effectiveDate) {
    }

    /** Every current entry of the patient (all sections: the policy decides the role views). */
    private Map<EntryId, Row> entries(NhsNumber patient) {
        Map<EntryId, Row> rows = new LinkedHashMap<>();
        jdbc.query("""
                SELECT entry_id, version, section, authoring_organisation, author_user, sensitivity, entered_in_error,
                       content, recorded_at, effective_date
                FROM view_entry WHERE nhs_number = ? ORDER BY recorded_at, entry_id""", rs -> {
            EntryFacts facts = new EntryFacts(new EntryId(rs.getObject(1, UUID.class)), rs.getInt(2),
                    Section.valueOf(rs.getString(3)), OdsCode.of(rs.getString(4)),
                    new UserId(rs.getObject(5, UUID.class)), Sensitivity.valueOf(rs.getString(6)), rs.getBoolean(7));
            rows.put(facts.entry(), new Row(facts, contents.read(rs.getBytes(8)),
                    rs.getObject(9, OffsetDateTime.class).toInstant(), rs.getObject(10, LocalDate.class)));
        }, patient.value());
        return rows;
    }

}
