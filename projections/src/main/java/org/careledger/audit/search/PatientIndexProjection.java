package org.careledger.audit.search;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.careledger.record.DemographicsUpdated;
import org.careledger.record.PatientRegistered;
import org.careledger.record.RegistrationTransferred;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code patient_index} in step with the record streams, inside the command's transaction
 * ({@link PatientIndexConfiguration}). A search index, not a ledger: rows are upserted. Logs name no patient.
 */
@Component
@ProcessingGroup(PatientIndexConfiguration.PROCESSING_GROUP)
public class PatientIndexProjection {

    private static final Logger log = LoggerFactory.getLogger(PatientIndexProjection.class);

    private final JdbcTemplate jdbc;

    public PatientIndexProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(PatientRegistered event) {
        jdbc.update("""
                INSERT INTO patient_index (nhs_number, family_name, birth_date, registered_practice)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (nhs_number) DO UPDATE SET family_name = EXCLUDED.family_name,
                    birth_date = EXCLUDED.birth_date, registered_practice = EXCLUDED.registered_practice""",
                event.patient().value(), Names.normalise(event.demographics().familyName()),
                event.demographics().birthDate(), event.registeredPractice().value());
        log.debug("patient index: registered at {}", event.registeredPractice());
    }

    @EventHandler
    void on(DemographicsUpdated event) {
        jdbc.update("UPDATE patient_index SET family_name = ?, birth_date = ? WHERE nhs_number = ?",
                Names.normalise(event.demographics().familyName()), event.demographics().birthDate(),
                event.patient().value());
        log.debug("patient index: demographics updated");
    }

    @EventHandler
    void on(RegistrationTransferred event) {
        jdbc.update("UPDATE patient_index SET registered_practice = ? WHERE nhs_number = ?",
                event.toPractice().value(), event.patient().value());
        log.debug("patient index: transferred {} -> {}", event.fromPractice(), event.toPractice());
    }
}
