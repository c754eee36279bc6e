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
import org.careledger.audit.trail.AuditGenerations;
import org.careledger.storage.LedgerJson;
import org.careledger.views.ViewTables;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.sql.PreparedStatement;
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

    /** A reader as the directory sees them now (with their teams), and a patient's sharing state. */
    public record ReaderAndState(Reader reader, Loaded loaded) {
    }

    /**
     * The sharing state of a patient: registration, latest consent per organisation and direction, dissent, grants,
     * sealed-entry grants and emergencies. An unknown patient gets an empty state (no practice, nothing else).
     */
    public Loaded load(NhsNumber patient) {
        return load(null, patient).loaded();
    }

    /**
     * The reader as the directory sees them now (their teams at the organisation they act for; none for a patient)
     * and the patient's sharing state, in the same round trip: every read and every command needs both.
     */
    public ReaderAndState load(Reader reader, NhsNumber patient) {
        Object[] row = jdbc.queryForObject(STATE, SharingStates::row, stateArguments(reader, patient));
        return complete(row, reader, patient);
    }

    /**
     * {@link #load(Reader, NhsNumber)} for a command, which may go on to write the views: the same query, after the
     * views write gate is taken shared (in the same round trip), so the command holds the gate before it holds any
     * view table. A rebuild's swap takes the gate exclusively and then the tables: a command that held a view table
     * while waiting for the gate could deadlock with it. The views' writers then skip taking the gate again.
     */
    public ReaderAndState loadForCommand(Reader reader, NhsNumber patient) {
        Object[] arguments = stateArguments(reader, patient);
        Object[] row = jdbc.execute((ConnectionCallback<Object[]>) connection -> {
            try (PreparedStatement statement = connection.prepareStatement(ViewTables.GATE_SHARED + ";\n" + STATE)) {
                for (int i = 0; i < arguments.length; i++) {
                    statement.setObject(i + 1, arguments[i]);
                }
                statement.execute(); // the gate's result
                if (!statement.getMoreResults()) {
                    throw new IllegalStateException("the sharing state's query returned no result set");
                }
                try (ResultSet rs = statement.getResultSet()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("the sharing state's query returned no row");
                    }
                    return row(rs, 0);
                }
            }
        });
        ViewTables.markGateHeld();
        return complete(row, reader, patient);
    }

    /**
     * One round trip for the reader's teams, what nearly every patient has (registration, consents, dissent) and
     * whether there is anything rarer (grants, emergencies), which {@link #complete} then loads by its own query: five
     * round trips per load were a third of a command's waiting, and the teams' own a further eighth (issue 10). Its
     * last column is the audit trail's writable generations, which {@link #complete} binds to the transaction, so
     * that the read's or the command's audit rows need no round trip to find them. Its parameters are
     * {@link #stateArguments}; a read sends it in the same round trip as its other statements.
     */
    static final String STATE = """
            SELECT p.registered_practice, p.registration_event, p.demographics::text,
                   (SELECT json_agg(json_build_array(c.organisation, c.direction, c.decision, c.event_id))
                      FROM view_consent c WHERE c.nhs_number = n.nhs)::text,
                   d.in_force, d.event_id,
                   EXISTS (SELECT 1 FROM view_grant g WHERE g.nhs_number = n.nhs),
                   EXISTS (SELECT 1 FROM view_emergency e WHERE e.nhs_number = n.nhs),
                   (SELECT array_agg(m.team_id) FROM view_team_member m JOIN view_team t ON t.team_id = m.team_id
                      WHERE m.user_id = n.reader AND t.organisation = n.organisation),
                   %s
            FROM (SELECT ?::char(10) AS nhs, ?::uuid AS reader, ?::text AS organisation) n
            LEFT JOIN view_patient p ON p.nhs_number = n.nhs
            LEFT JOIN view_dissent d ON d.nhs_number = n.nhs""".formatted(AuditGenerations.WRITABLE_COLUMN);

    /** The parameters of {@link #STATE}: the patient, and the reader and organisation whose teams apply. */
    static Object[] stateArguments(Reader reader, NhsNumber patient) {
        boolean teamsApply = reader != null && reader.role() != Role.PATIENT && reader.organisation() != null;
        return new Object[]{patient.value(), teamsApply ? reader.user().value() : null,
                teamsApply ? reader.organisation().value() : null};
    }

    /** The one row of {@link #STATE}, as read before any further query on the connection. */
    static Object[] row(ResultSet rs, int rowNumber) throws SQLException {
        java.sql.Array teams = rs.getArray(9);
        return new Object[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getObject(5) == null ? null : rs.getBoolean(5), rs.getString(6), rs.getBoolean(7),
                rs.getBoolean(8), teams == null ? null : (UUID[]) teams.getArray(),
                (String[]) rs.getArray(10).getArray()};
    }

    /** The reader and the patient's sharing state from a {@link #row}, with the rarer parts loaded when present. */
    ReaderAndState complete(Object[] row, Reader reader, NhsNumber patient) {
        // the audit generations this transaction's audit rows go to, read with the state (no round trip of its own)
        AuditGenerations.bindToTransaction((String[]) row[9]);
        String nhs = patient.value();
        OdsCode practice = row[0] == null ? null : OdsCode.of((String) row[0]);
        String registrationEvent = (String) row[1];
        Demographics demographics = row[0] == null ? null : read((String) row[2], Demographics.class);
        List<PatientSharingState.Consent> consents = new ArrayList<>();
        if (row[3] != null) {
            for (com.fasterxml.jackson.databind.JsonNode c : read((String) row[3],
                    com.fasterxml.jackson.databind.JsonNode.class)) {
                consents.add(new PatientSharingState.Consent(OdsCode.of(c.get(0).asText()),
                        ConsentDirection.valueOf(c.get(1).asText()), ConsentDecision.valueOf(c.get(2).asText()),
                        c.get(3).asText()));
            }
        }
        PatientSharingState.Dissent dissent = row[4] == null ? PatientSharingState.Dissent.NONE
                : new PatientSharingState.Dissent((Boolean) row[4], (String) row[5]);
        boolean anyGrant = (Boolean) row[6];
        boolean anyEmergency = (Boolean) row[7];
        List<PatientSharingState.Grant> grants = new ArrayList<>();
        List<PatientSharingState.SealedGrant> sealed = new ArrayList<>();
        if (anyGrant) {
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
        }
        List<PatientSharingState.Emergency> emergencies = !anyEmergency ? List.of() : jdbc.query(
                "SELECT emergency_id, user_id, declared_at, valid_until, event_id FROM view_emergency WHERE nhs_number = ?",
                (rs, i) -> new PatientSharingState.Emergency(new EmergencyAccessId(rs.getObject(1, UUID.class)),
                        new UserId(rs.getObject(2, UUID.class)), instant(rs, 3), instant(rs, 4), rs.getString(5)),
                nhs);
        Loaded loaded = new Loaded(new PatientSharingState(patient, practice, registrationEvent, consents, dissent,
                grants, sealed, emergencies), demographics);
        if (reader == null) {
            return new ReaderAndState(null, loaded);
        }
        Set<TeamId> teams = new HashSet<>();
        if (row[8] != null) {
            for (UUID team : (UUID[]) row[8]) {
                teams.add(new TeamId(team));
            }
        }
        return new ReaderAndState(new Reader(reader.user(), reader.role(), reader.organisation(), teams,
                reader.self()), loaded);
    }

    /**
     * Every staff member's teams, each with the organisation it belongs to: the teams of {@link #load(Reader,
     * NhsNumber)} for all readers at once (the bulk write path decides many patients' commands against one directory).
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
