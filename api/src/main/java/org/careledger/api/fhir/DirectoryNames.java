package org.careledger.api.fhir;

import org.careledger.shared.OdsCode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.UUID;

/**
 * The display names the FHIR exports add, from the directory tables (staff members, organisations): who a
 * Practitioner or an AuditEvent's user is, what an organisation is called. Names only, never anything about a
 * patient.
 */
@Component
class DirectoryNames implements FhirNames {

    private final JdbcTemplate jdbc;

    DirectoryNames(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String person(UUID user) {
        return jdbc.query("SELECT display_name FROM staff_member WHERE user_id = ?", (rs, i) -> rs.getString(1), user)
                .stream().findFirst().orElse(null);
    }

    @Override
    public String organisation(OdsCode organisation) {
        return jdbc.query("SELECT name FROM organisation WHERE ods_code = ?", (rs, i) -> rs.getString(1),
                organisation.value()).stream().findFirst().orElse(null);
    }
}
