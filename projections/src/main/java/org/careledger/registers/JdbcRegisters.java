package org.careledger.registers;

import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Registers;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * The registers as command handlers see them. Reads join the caller's transaction (the command's), so a command
 * sees the registers as of the events committed before it, plus those of its own unit of work.
 */
@Component
public class JdbcRegisters implements Registers {

    private final JdbcTemplate jdbc;

    public JdbcRegisters(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<OrganisationType> organisationType(OdsCode organisation) {
        return jdbc.query("SELECT type FROM organisation WHERE ods_code = ?",
                        (rs, i) -> OrganisationType.valueOf(rs.getString(1)), organisation.value())
                .stream().findFirst();
    }

    @Override
    public Optional<OdsCode> teamOrganisation(TeamId team) {
        return jdbc.query("SELECT ods_code FROM team WHERE team_id = ?",
                        (rs, i) -> new OdsCode(rs.getString(1)), team.value())
                .stream().findFirst();
    }

    @Override
    public boolean staffMemberExists(UserId user) {
        return exists("SELECT EXISTS (SELECT 1 FROM staff_member WHERE user_id = ?)", user.value());
    }

    @Override
    public boolean patientRegistered(NhsNumber patient) {
        return exists("SELECT EXISTS (SELECT 1 FROM patient WHERE nhs_number = ?)", patient.value());
    }

    /** The GP practice a patient is registered at, if the patient is registered. */
    public Optional<OdsCode> registeredPractice(NhsNumber patient) {
        return jdbc.query("SELECT registered_practice FROM patient WHERE nhs_number = ?",
                        (rs, i) -> rs.getString(1), patient.value())
                .stream().filter(java.util.Objects::nonNull).map(OdsCode::new).findFirst();
    }

    private boolean exists(String sql, Object id) {
        return Boolean.TRUE.equals(jdbc.queryForObject(sql, Boolean.class, id));
    }
}
