package org.careledger.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.careledger.record.Demographics;
import org.careledger.shared.NhsNumber;
import org.careledger.storage.LedgerJson;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.Optional;

/**
 * Whether a patient is already in the ledger, and with which demographics: what the import needs to skip a patient
 * it imported before (idempotent, resumable) and to refuse a duplicate NHS number with different demographics. The
 * demographics are only compared, never shown or returned to anyone, so this is not a read of the record (nothing
 * leaves: nothing to audit).
 */
public interface LedgerPatients {

    Optional<Demographics> demographics(NhsNumber patient);

    /** The ledger's patient view ({@code view_patient}, written in the registering transaction: never stale). */
    static LedgerPatients of(JdbcTemplate jdbc) {
        ObjectMapper json = LedgerJson.mapper();
        return patient -> {
            List<String> rows = jdbc.queryForList("SELECT demographics::text FROM view_patient WHERE nhs_number = ?",
                    String.class, patient.value());
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(json.readValue(rows.get(0), Demographics.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable demographics of patient " + patient, e);
            }
        };
    }
}
