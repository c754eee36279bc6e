package org.careledger.api.me;

import org.careledger.shared.NhsNumber;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.List;

/** The patient's consent as it stands, from the views: dissent and each organisation's two decisions, with names. */
@Component
class MyConsent {

    record Decision(String organisation, String organisationName, String direction, String decision) {
    }

    record Consent(boolean dissentInForce, List<Decision> decisions) {
    }

    private final JdbcTemplate jdbc;

    MyConsent(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Consent of(NhsNumber patient) {
        boolean dissent = jdbc.query("SELECT in_force FROM view_dissent WHERE nhs_number = ?",
                (rs, i) -> rs.getBoolean(1), patient.value()).stream().findFirst().orElse(false);
        List<Decision> decisions = jdbc.query("""
                SELECT c.organisation, o.name, c.direction, c.decision FROM view_consent c
                  LEFT JOIN organisation o ON o.ods_code = c.organisation
                 WHERE c.nhs_number = ? ORDER BY o.name, c.organisation, c.direction""",
                (rs, i) -> new Decision(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                patient.value());
        return new Consent(dissent, decisions);
    }
}
