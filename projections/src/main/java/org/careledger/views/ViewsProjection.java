package org.careledger.views;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.careledger.access.AccessGrantRevoked;
import org.careledger.access.AccessGranted;
import org.careledger.access.EmergencyAccessDeclared;
import org.careledger.shared.GrantReason;
import org.careledger.access.SealedEntryAccessGranted;
import org.careledger.consent.ConsentDecisionRecorded;
import org.careledger.consent.DissentRecorded;
import org.careledger.consent.DissentWithdrawn;
import org.careledger.directory.TeamFormed;
import org.careledger.directory.TeamJoined;
import org.careledger.directory.TeamLeft;
import org.careledger.policy.LedgerPolicy;
import org.careledger.policy.PolicyVersionActivated;
import org.careledger.policy.RolePolicy;
import org.careledger.record.DemographicsUpdated;
import org.careledger.record.EntryAmended;
import org.careledger.record.EntryMarkedEnteredInError;
import org.careledger.record.EntryRecorded;
import org.careledger.record.EntrySensitivityChanged;
import org.careledger.record.PatientRegistered;
import org.careledger.record.RegistrationTransferred;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.storage.BulkScope;
import org.careledger.storage.LedgerJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.StringReader;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Keeps the sharing state and the entries (and so the role views, ADR 27) in step with the ledger. Runs in the
 * subscribing processor "views" ({@link ViewsConfiguration}), inside the command's transaction; {@link ViewRebuild}
 * replays the ledger through these very handlers (with {@code search_path} pointing at the next schema), so there is
 * one implementation.
 * <p>
 * Table names are unqualified on purpose: they resolve through {@code search_path}. Every handler first takes the
 * views write gate shared ({@link ViewTables#WRITE_GATE}), so a swap never deadlocks with a writer. Handlers are
 * idempotent (keyed upserts, history keyed by event id), except that a replayed revocation keeps its first time.
 * Logs name ids only.
 */
@Component
@ProcessingGroup(ViewsConfiguration.PROCESSING_GROUP)
public class ViewsProjection {

    private static final Logger log = LoggerFactory.getLogger(ViewsProjection.class);
    /**
     * The ledger's JSON without null members (ADR 30): a view's JSON is read back only through the same types, where
     * an absent member is null, and an entry's content has three null members on average (~50 bytes of jsonb).
     */
    private static final ObjectMapper JSON = LedgerJson.mapper()
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    private final JdbcTemplate jdbc;
    private final LedgerPolicy policy;

    public ViewsProjection(JdbcTemplate jdbc, LedgerPolicy policy) {
        this.jdbc = jdbc;
        this.policy = policy;
    }

    // ---- registration and demographics ----------------------------------------------------------------------

    @EventHandler
    void on(PatientRegistered event, @MessageIdentifier String eventId) {
        gate();
        BulkScope.update(jdbc, """
                INSERT INTO view_patient (nhs_number, registered_practice, registration_event, demographics,
                                          demographics_event)
                VALUES (?, ?, ?, ?::jsonb, ?)
                ON CONFLICT (nhs_number) DO UPDATE SET registered_practice = EXCLUDED.registered_practice,
                    registration_event = EXCLUDED.registration_event, demographics = EXCLUDED.demographics,
                    demographics_event = EXCLUDED.demographics_event""",
                event.patient().value(), event.registeredPractice().value(), eventId, json(event.demographics()),
                eventId);
        log.debug("views: patient registered at {} ({})", event.registeredPractice(), eventId);
    }

    @EventHandler
    void on(DemographicsUpdated event, @MessageIdentifier String eventId) {
        gate();
        BulkScope.update(jdbc, "UPDATE view_patient SET demographics = ?::jsonb, demographics_event = ? WHERE nhs_number = ?",
                json(event.demographics()), eventId, event.patient().value());
    }

    @EventHandler
    void on(RegistrationTransferred event, @MessageIdentifier String eventId) {
        gate();
        BulkScope.update(jdbc, "UPDATE view_patient SET registered_practice = ?, registration_event = ? WHERE nhs_number = ?",
                event.toPractice().value(), eventId, event.patient().value());
    }

    // ---- consent ----------------------------------------------------------------------------------------------

    @EventHandler
    void on(ConsentDecisionRecorded event, @MessageIdentifier String eventId) {
        gate();
        BulkScope.update(jdbc, """
                INSERT INTO view_consent (nhs_number, organisation, direction, decision, event_id)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (nhs_number, organisation, direction) DO UPDATE
                    SET decision = EXCLUDED.decision, event_id = EXCLUDED.event_id""",
                event.patient().value(), event.organisation().value(), event.direction().name(),
                event.decision().name(), eventId);
    }

    @EventHandler
    void on(DissentRecorded event, @MessageIdentifier String eventId) {
        dissent(event.patient().value(), true, eventId);
    }

    @EventHandler
    void on(DissentWithdrawn event, @MessageIdentifier String eventId) {
        dissent(event.patient().value(), false, eventId);
    }

    private void dissent(String patient, boolean inForce, String eventId) {
        gate();
        BulkScope.update(jdbc, """
                INSERT INTO view_dissent (nhs_number, in_force, event_id) VALUES (?, ?, ?)
                ON CONFLICT (nhs_number) DO UPDATE SET in_force = EXCLUDED.in_force, event_id = EXCLUDED.event_id""",
                patient, inForce, eventId);
    }

    // ---- grants and emergencies -------------------------------------------------------------------------------

    @EventHandler
    void on(AccessGranted event, @MessageIdentifier String eventId) {
        gate();
        String[] sections = event.scope().sections().stream().map(Section::name).sorted().toArray(String[]::new);
        BulkScope.update(jdbc, """
                INSERT INTO view_grant (grant_id, nhs_number, kind, grantee_kind, grantee_id, reason,
                                        scope_sections, entries, valid_from, valid_until, revoked_at, event_id)
                VALUES (?, ?, 'ACCESS', ?, ?, ?, ?, NULL, ?, ?, NULL, ?)
                ON CONFLICT (grant_id) DO NOTHING""",
                event.grant().value(), event.patient().value(), event.grantee().kind().name(), event.grantee().id(),
                event.reason().name(), BulkScope.array("text", sections), time(event.validFrom()),
                time(event.validUntil()), eventId);
    }

    @EventHandler
    void on(SealedEntryAccessGranted event, @MessageIdentifier String eventId) {
        gate();
        UUID[] entries = event.entries().stream().map(EntryId::value).distinct().sorted().toArray(UUID[]::new);
        BulkScope.update(jdbc, """
                INSERT INTO view_grant (grant_id, nhs_number, kind, grantee_kind, grantee_id, reason,
                                        scope_sections, entries, valid_from, valid_until, revoked_at, event_id)
                VALUES (?, ?, 'SEALED', ?, ?, ?, NULL, ?, ?, ?, NULL, ?)
                ON CONFLICT (grant_id) DO NOTHING""",
                event.grant().value(), event.patient().value(), event.grantee().kind().name(), event.grantee().id(),
                GrantReason.SEALED_ENTRY_DISCLOSURE.name(), BulkScope.array("uuid", entries),
                time(event.validFrom()), time(event.validUntil()), eventId);
    }

    @EventHandler
    void on(AccessGrantRevoked event) {
        gate();
        BulkScope.update(jdbc, "UPDATE view_grant SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL",
                time(event.at()), event.grant().value());
    }

    @EventHandler
    void on(EmergencyAccessDeclared event, @MessageIdentifier String eventId) {
        gate();
        BulkScope.update(jdbc, """
                INSERT INTO view_emergency (emergency_id, nhs_number, user_id, declared_at, valid_until, event_id)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (emergency_id) DO NOTHING""",
                event.emergency().value(), event.patient().value(), event.by().user().value(), time(event.at()),
                time(event.validUntil()), eventId);
    }

    // ---- teams ------------------------------------------------------------------------------------------------

    @EventHandler
    void on(TeamFormed event) {
        gate();
        BulkScope.update(jdbc, """
                INSERT INTO view_team (team_id, organisation) VALUES (?, ?)
                ON CONFLICT (team_id) DO UPDATE SET organisation = EXCLUDED.organisation""",
                event.team().value(), event.organisation().value());
    }

    @EventHandler
    void on(TeamJoined event, @MessageIdentifier String eventId) {
        gate();
        BulkScope.update(jdbc, """
                INSERT INTO view_team_member (user_id, team_id, event_id) VALUES (?, ?, ?)
                ON CONFLICT (user_id, team_id) DO UPDATE SET event_id = EXCLUDED.event_id""",
                event.user().value(), event.team().value(), eventId);
    }

    @EventHandler
    void on(TeamLeft event) {
        gate();
        BulkScope.update(jdbc, "DELETE FROM view_team_member WHERE user_id = ? AND team_id = ?",
                event.user().value(), event.team().value());
    }

    // ---- entries ----------------------------------------------------------------------------------------------

    @EventHandler
    void on(EntryRecorded event, @MessageIdentifier String eventId) {
        gate();
        // the entry's version 1, and with it the first row of its history: an entry that is never changed has no
        // history row of its own (ADR 30); firstChange writes that row before anything changes this one
        BulkScope.update(jdbc, """
                INSERT INTO view_entry (entry_id, nhs_number, version, section, authoring_organisation, author_user,
                                        author_role, sensitivity, entered_in_error, content, recorded_at,
                                        effective_date, event_id)
                VALUES (?, ?, 1, ?, ?, ?, ?, ?, false, ?, ?, ?, ?)
                ON CONFLICT (entry_id) DO NOTHING""",
                event.entry().value(), event.patient().value(), event.section().name(),
                event.by().organisation().value(), event.by().user().value(), event.by().role().name(),
                event.sensitivity().name(), content(event.content()), time(event.at()),
                event.content().effectiveDate(), eventId);
    }

    @EventHandler
    void on(EntryAmended event, @MessageIdentifier String eventId) {
        gate();
        firstChange(event.entry());
        // version 1's content moves into its history row before view_entry's is replaced (ADR 28); a no-op once it
        // is there, so also for a second amendment in the same bulk run (this text runs before the next ones)
        BulkScope.update(jdbc, """
                UPDATE view_entry_history h SET content = e.content FROM view_entry e
                WHERE h.entry_id = ? AND h.version = 1 AND h.change = 'RECORDED' AND h.content IS NULL
                  AND e.entry_id = h.entry_id AND e.version = 1""", event.entry().value());
        BulkScope.update(jdbc, """
                UPDATE view_entry SET version = ?, content = ?, effective_date = ?, event_id = ?
                WHERE entry_id = ? AND version < ?""",
                event.version(), content(event.content()), event.content().effectiveDate(), eventId,
                event.entry().value(), event.version());
        history(eventId, event.entry(), event.patient().value(), "AMENDED", event.version(), content(event.content()),
                null, event.by(), event.at(), event.reason());
    }

    @EventHandler
    void on(EntryMarkedEnteredInError event, @MessageIdentifier String eventId) {
        gate();
        firstChange(event.entry());
        BulkScope.update(jdbc, "UPDATE view_entry SET entered_in_error = true WHERE entry_id = ?", event.entry().value());
        history(eventId, event.entry(), event.patient().value(), "ENTERED_IN_ERROR", null, null, null, event.by(),
                event.at(), event.reason());
    }

    @EventHandler
    void on(EntrySensitivityChanged event, @MessageIdentifier String eventId) {
        gate();
        firstChange(event.entry());
        BulkScope.update(jdbc, "UPDATE view_entry SET sensitivity = ? WHERE entry_id = ?", event.to().name(),
                event.entry().value());
        history(eventId, event.entry(), event.patient().value(), "SENSITIVITY_CHANGED", null, null,
                event.to().name(), event.by(), event.at(), event.reason());
    }

    /**
     * Before an entry's first change: its version-1 history row, from its view_entry row while that still describes
     * version 1 as recorded (ADR 30). Content stays null while version 1 is current (ADR 28). A no-op once the entry
     * has history, so also for a second change in the same bulk run (this text runs before the change's own).
     */
    private void firstChange(EntryId entry) {
        BulkScope.update(jdbc, """
                INSERT INTO view_entry_history (event_id, entry_id, nhs_number, seq, change, version, content,
                                                sensitivity, by_user, by_role, by_organisation, at, reason)
                SELECT e.event_id, e.entry_id, e.nhs_number, 1, 'RECORDED', 1, NULL, e.sensitivity, e.author_user,
                       e.author_role, e.authoring_organisation, e.recorded_at, NULL
                FROM view_entry e
                WHERE e.entry_id = ? AND e.version = 1
                  AND NOT EXISTS (SELECT 1 FROM view_entry_history h WHERE h.entry_id = e.entry_id)
                ON CONFLICT (event_id) DO NOTHING""", entry.value());
    }

    /** One row of an entry's history; {@code version} null means "the entry's current version". */
    private void history(String eventId, EntryId entry, String patient, String change, Integer version,
                         byte[] content, String sensitivity, Actor by, Instant at, String reason) {
        BulkScope.update(jdbc, """
                INSERT INTO view_entry_history (event_id, entry_id, nhs_number, seq, change, version, content,
                                                sensitivity, by_user, by_role, by_organisation, at, reason)
                SELECT ?, ?, ?, COALESCE((SELECT max(seq) FROM view_entry_history WHERE entry_id = ?), 0) + 1, ?,
                       COALESCE(?, (SELECT version FROM view_entry WHERE entry_id = ?)), ?::bytea, ?, ?, ?, ?, ?, ?
                ON CONFLICT (event_id) DO NOTHING""",
                eventId, entry.value(), patient, entry.value(), change, version, entry.value(), content, sensitivity,
                by.user().value(), by.role().name(), by.organisation() == null ? null : by.organisation().value(),
                time(at), reason);
    }

    // ---- policy -----------------------------------------------------------------------------------------------

    /**
     * The policy in force and each role's sections under it, in the activation's own transaction. The role views are
     * computed from {@code view_entry} and these sections (ADR 27), so once it commits every read sees the new
     * version's views, and before, the old one's: never a mix, nothing to rebuild. The views write gate is taken
     * exclusively, as by a rebuild's swap: writers in flight finish first.
     */
    @EventHandler
    void on(PolicyVersionActivated event, @MessageIdentifier String eventId) throws Exception {
        jdbc.queryForList("SELECT pg_advisory_xact_lock(?)", ViewTables.WRITE_GATE);
        RolePolicy parsed = RolePolicy.load(new StringReader(event.source()));
        jdbc.update("""
                INSERT INTO view_policy (id, version, sha256, source, activated_at, event_id) VALUES (1, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, sha256 = EXCLUDED.sha256,
                    source = EXCLUDED.source, activated_at = EXCLUDED.activated_at, event_id = EXCLUDED.event_id""",
                event.version(), event.sha256(), event.source(), time(event.at()), eventId);
        List<Object[]> sections = new ArrayList<>();
        for (Role role : ViewTables.ROLES_WITH_VIEW) {
            for (Section section : parsed.readableSections(role)) {
                sections.add(new Object[]{role.name(), section.name()});
            }
        }
        jdbc.update("DELETE FROM view_role_section");
        jdbc.batchUpdate("INSERT INTO view_role_section (role, section) VALUES (?, ?)", sections);
        policy.refreshAfterCommit();
        log.info("views: policy version {} in force ({}): {} role sections", event.version(), eventId,
                sections.size());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /**
     * The views write gate, shared; once per transaction in a bulk scope, and not again in a command's transaction
     * that took it with its first read of the views ({@link org.careledger.reading.SharingStates#loadForCommand}).
     */
    private void gate() {
        if (ViewTables.gateHeld()) {
            return;
        }
        BulkScope.once("views-write-gate", () -> jdbc.queryForList(ViewTables.GATE_SHARED));
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** An entry's content as the views store it (EntryContentCodec). */
    static byte[] content(org.careledger.record.EntryContent content) {
        return EntryContentCodec.encode(json(content));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
