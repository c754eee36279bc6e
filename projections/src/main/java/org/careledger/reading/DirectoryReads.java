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

    /** The name of an organisation, if registered. */
    public Optional<String> organisationName(OdsCode organisation) {
        return jdbc.query("SELECT name FROM organisation WHERE ods_code = ?", (rs, i) -> rs.getString(1),
                organisation.value()).stream().findFirst();
    }
}
