package org.careledger.reading;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.careledger.shared.GrantReason;
import org.careledger.access.GrantScope;
import org.careledger.access.Grantee;
import org.careledger.access.PatientSharingState;
import org.careledger.access.Reader;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.record.Demographics;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.careledger.storage.LedgerJson;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Loads what decides a basis from the view tables: one patient's {@link PatientSharingState} (with their
 * demographics) and a reader's teams. The one copy of this loading, used by {@link RecordReads} for reads and by
 * {@link ViewCareRelationships} for writes. It runs in the caller's transaction and takes no lock: a read has
 * already locked the views and fixed its snapshot; a command reads the views its own transaction sees (written by
 * the subscribing {@code views} group, so current as of every acknowledged command: ADR 7).
 */
@Component
public class SharingStates {

    private static final ObjectMapper JSON = LedgerJson.mapper();

    private final JdbcTemplate jdbc;

    public SharingStates(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The patient's sharing state, and demographics when the patient is registered (null otherwise). */
    public record Loaded(PatientSharingState state, Demographics demographics) {
    }

    /**
     * The sharing state of a patient: registration, latest consent per organisation and direction, dissent, grants,
     * sealed-entry grants and emergencies. An unknown patient gets an empty state (no practice, nothing else).
     */
    public Loaded load(NhsNumber patient) {
        String nhs = patient.value();
        List<Object[]> registration = jdbc.query(
                "SELECT registered_practice, registration_event, demographics::text FROM view_patient WHERE nhs_number = ?",
                (rs, i) -> new Object[]{rs.getString(1), rs.getString(2), rs.getString(3)}, nhs);
        OdsCode practice = registration.isEmpty() ? null : OdsCode.of((String) registration.get(0)[0]);
        String registrationEvent = registration.isEmpty() ? null : (String) registration.get(0)[1];
        Demographics demographics = registration.isEmpty() ? null
                : read((String) registration.get(0)[2], Demographics.class);

        List<PatientSharingState.Consent> consents = jdbc.query(
                "SELECT organisation, direction, decision, event_id FROM view_consent WHERE nhs_number = ?",
                (rs, i) -> new PatientSharingState.Consent(OdsCode.of(rs.getString(1)),
                        ConsentDirection.valueOf(rs.getString(2)), ConsentDecision.valueOf(rs.getString(3)),
                        rs.getString(4)), nhs);
        PatientSharingState.Dissent dissent = jdbc.query(
                        "SELECT in_force, event_id FROM view_dissent WHERE nhs_number = ?",
                        (rs, i) -> new PatientSharingState.Dissent(rs.getBoolean(1), rs.getString(2)), nhs)
                .stream().findFirst().orElse(PatientSharingState.Dissent.NONE);
        List<PatientSharingState.Grant> grants = new ArrayList<>();
        List<PatientSharingState.SealedGrant> sealed = new ArrayList<>();
        jdbc.query("""
                SELECT grant_id, kind, grantee_kind, grantee_id, reason, scope_sections, entries, valid_from,
                       valid_until, revoked_at, event_id
                FROM view_grant WHERE nhs_number = ?""", rs -> {
            GrantId grant = new GrantId(rs.getObject(1, UUID.class));
            Grantee grantee = new Grantee(Grantee.Kind.valueOf(rs.getString(3)), rs.getString(4));
            if ("SEALED".equals(rs.getString(2))) {
                Set<EntryId> entries = new HashSet<>();
                for (UUID id : (UUID[]) rs.getArray(7).getArray()) {
                    entries.add(new EntryId(id));
                }
                sealed.add(new PatientSharingState.SealedGrant(grant, grantee, entries, instant(rs, 8),
                        instant(rs, 9), instant(rs, 10), rs.getString(11)));
            } else {
                EnumSet<Section> sections = EnumSet.noneOf(Section.class);
                for (String section : (String[]) rs.getArray(6).getArray()) {
                    sections.add(Section.valueOf(section));
                }
                grants.add(new PatientSharingState.Grant(grant, grantee, GrantReason.valueOf(rs.getString(5)),
                        new GrantScope(sections), instant(rs, 8), instant(rs, 9), instant(rs, 10),
                        rs.getString(11)));
            }
        }, nhs);
        List<PatientSharingState.Emergency> emergencies = jdbc.query(
                "SELECT emergency_id, user_id, declared_at, valid_until, event_id FROM view_emergency WHERE nhs_number = ?",
                (rs, i) -> new PatientSharingState.Emergency(new EmergencyAccessId(rs.getObject(1, UUID.class)),
                        new UserId(rs.getObject(2, UUID.class)), instant(rs, 3), instant(rs, 4), rs.getString(5)),
                nhs);
        return new Loaded(new PatientSharingState(patient, practice, registrationEvent, consents, dissent, grants,
                sealed, emergencies), demographics);
    }

    /** The reader as the directory sees them now: their teams at the organisation they act for. */
    public Reader withTeams(Reader reader) {
        if (reader.role() == Role.PATIENT || reader.organisation() == null) {
            return new Reader(reader.user(), reader.role(), reader.organisation(), Set.of(), reader.self());
        }
        List<TeamId> teams = jdbc.query("""
                SELECT m.team_id FROM view_team_member m JOIN view_team t ON t.team_id = m.team_id
                WHERE m.user_id = ? AND t.organisation = ?""",
                (rs, i) -> new TeamId(rs.getObject(1, UUID.class)), reader.user().value(),
                reader.organisation().value());
        return new Reader(reader.user(), reader.role(), reader.organisation(), new HashSet<>(teams), reader.self());
    }

    /**
     * Every staff member's teams, each with the organisation it belongs to: {@link #withTeams} for all readers at
     * once (the bulk write path decides many patients' commands against one directory).
     */
    public Map<UserId, Map<TeamId, OdsCode>> teamMemberships() {
        Map<UserId, Map<TeamId, OdsCode>> memberships = new HashMap<>();
        jdbc.query("""
                SELECT m.user_id, m.team_id, t.organisation FROM view_team_member m
                JOIN view_team t ON t.team_id = m.team_id""", rs -> {
            memberships.computeIfAbsent(new UserId(rs.getObject(1, UUID.class)), k -> new HashMap<>())
                    .put(new TeamId(rs.getObject(2, UUID.class)), OdsCode.of(rs.getString(3)));
        });
        return memberships;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " unreadable", e);
        }
    }
}
