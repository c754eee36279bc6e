package org.careledger.reading;

import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.UserId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;

/**
 * Reads of the directory (the register tables of organisations and staff members) for the edge: the organisation
 * list and display names. The directory holds nothing about any patient, so there is no per-patient decision and
 * nothing to audit here; who may call what is the edge's role check (administrators list organisations; the FHIR
 * exports add names to what RecordReads, ConsentReads or the audit trail already decided and audited).
 */
@Component
public class DirectoryReads {

    /** A registered organisation. */
    public record Organisation(OdsCode ods, String name, OrganisationType type) {
    }

    private final JdbcTemplate jdbc;

    public DirectoryReads(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Every registered organisation, by ODS code. */
    public List<Organisation> organisations() {
        return jdbc.query("SELECT ods_code, name, type FROM organisation ORDER BY ods_code",
                (rs, i) -> new Organisation(OdsCode.of(rs.getString(1)), rs.getString(2),
                        OrganisationType.valueOf(rs.getString(3))));
    }

    /** The display name of a staff member, if registered. */
    public Optional<String> staffName(UserId user) {
        return jdbc.query("SELECT display_name FROM staff_member WHERE user_id = ?", (rs, i) -> rs.getString(1),
                user.value()).stream().findFirst();
    }

    /** A role a staff member holds at an organisation, with the organisation's name. */
    public record Assignment(org.careledger.shared.Role role, OdsCode organisation, String organisationName) {
    }

    /** Every role this staff member holds now, in the order they were assigned (their own: nothing to audit). */
    public List<Assignment> assignmentsOf(UserId user) {
        return jdbc.query("""
                SELECT a.role, a.ods_code, o.name FROM role_assignment a
                  LEFT JOIN organisation o ON o.ods_code = a.ods_code
                 WHERE a.user_id = ? ORDER BY a.seq""", (rs, i) -> new Assignment(
                org.careledger.shared.Role.valueOf(rs.getString(1)), OdsCode.of(rs.getString(2)), rs.getString(3)),
                user.value());
    }

    /** The name of an organisation, if registered. */
    public Optional<String> organisationName(OdsCode organisation) {
        return jdbc.query("SELECT name FROM organisation WHERE ods_code = ?", (rs, i) -> rs.getString(1),
                organisation.value()).stream().findFirst();
    }
}
