package org.careledger.registers;

import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Who may sign in, and in which role at which organisation, as the directory holds it NOW: the registers'
 * {@code role_assignment} and {@code patient} tables, kept in the commands' own transactions by
 * {@link RegistersProjection}. THE one place sign-in is checked against the directory:
 * <ul>
 *     <li>{@link #holds} and {@link #patientRegistered} run on every API request (one primary-key lookup each), so a
 *     role assignment ended (or every role at an organisation ended: the organisation left) refuses the very next
 *     request made with a token issued before;</li>
 *     <li>the development identity provider issues tokens only for what {@link #session}, {@link #nth},
 *     {@link #first} and {@link #sessionsOf} find here, so it knows staff registered after start-up and stops
 *     issuing a role once it has ended.</li>
 * </ul>
 */
@Component
public class SignInDirectory {

    /** A role a staff member holds at an organisation, and their display name. */
    public record StaffSession(UserId user, String name, Role role, OdsCode organisation) {
    }

    private static final String SESSIONS = """
            SELECT a.user_id, s.display_name, a.role, a.ods_code
              FROM role_assignment a LEFT JOIN staff_member s ON s.user_id = a.user_id""";
    private static final RowMapper<StaffSession> SESSION = (rs, i) -> new StaffSession(
            new UserId(rs.getObject(1, UUID.class)), rs.getString(2), Role.valueOf(rs.getString(3)),
            new OdsCode(rs.getString(4)));

    private final JdbcTemplate jdbc;

    public SignInDirectory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Does the directory still hold this role assignment for this staff member? */
    public boolean holds(UserId user, Role role, OdsCode organisation) {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                        SELECT EXISTS (SELECT 1 FROM role_assignment WHERE user_id = ? AND role = ? AND ods_code = ?)""",
                Boolean.class, user.value(), role.name(), organisation.value()));
    }

    /** Is this NHS number a registered patient? */
    public boolean patientRegistered(NhsNumber patient) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM patient WHERE nhs_number = ?)",
                Boolean.class, patient.value()));
    }

    /** The session of this staff member in this role at this organisation, if they hold it. */
    public Optional<StaffSession> session(UserId user, Role role, OdsCode organisation) {
        return jdbc.query(SESSIONS + " WHERE a.user_id = ? AND a.role = ? AND a.ods_code = ?", SESSION,
                user.value(), role.name(), organisation.value()).stream().findFirst();
    }

    /** Every role this staff member holds, in the order they were assigned. */
    public List<StaffSession> sessionsOf(UserId user) {
        return jdbc.query(SESSIONS + " WHERE a.user_id = ? ORDER BY a.seq", SESSION, user.value());
    }

    /** The n-th (from 1) current holder of a role at an organisation, in the order the roles were assigned. */
    public Optional<StaffSession> nth(Role role, OdsCode organisation, int n) {
        if (n < 1) {
            return Optional.empty();
        }
        return jdbc.query(SESSIONS + " WHERE a.role = ? AND a.ods_code = ? ORDER BY a.seq OFFSET ? LIMIT 1", SESSION,
                role.name(), organisation.value(), n - 1).stream().findFirst();
    }

    /** The first current holder of a role anywhere in the region, in the order the roles were assigned. */
    public Optional<StaffSession> first(Role role) {
        return jdbc.query(SESSIONS + " WHERE a.role = ? ORDER BY a.seq LIMIT 1", SESSION, role.name())
                .stream().findFirst();
    }
}
