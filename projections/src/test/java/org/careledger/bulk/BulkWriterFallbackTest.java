package org.careledger.bulk;

import org.careledger.registers.FailingRegisterHandler;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Registers;
import org.careledger.storage.Fixtures;
import org.careledger.storage.LedgerDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a bulk transaction fails in the store phase (here a register handler fails for one unit, as a constraint or
 * a lost race would), the bulk writer stores each unit alone: the others are written, the failing one is refused
 * with the failure's class (never its message) and leaves nothing behind.
 */
class BulkWriterFallbackTest extends LedgerDatabaseTest {

    @Autowired
    BulkWriter bulk;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Registers registers;

    @Test
    void aUnitThatCannotBeStoredIsRefusedAndTheOthersAreStoredAlone() {
        int n = ThreadLocalRandom.current().nextInt(10_000, 90_000);
        OdsCode first = OdsCode.of("K" + n);
        OdsCode failing = OdsCode.of("K" + (n + 1));
        OdsCode third = OdsCode.of("K" + (n + 2));

        List<BulkWriter.Outcome> outcomes = bulk.writeDirectory(List.of(
                Fixtures.gpPractice(first, "Fallback First Surgery"),
                Fixtures.gpPractice(failing, FailingRegisterHandler.FAILING_NAME),
                Fixtures.gpPractice(third, "Fallback Third Surgery")));

        assertThat(outcomes).extracting(BulkWriter.Outcome::written).containsExactly(true, false, true);
        assertThat(outcomes.get(1).reason()).isEqualTo("could not be stored: IllegalStateException");
        assertThat(eventsOf(failing)).isZero();
        assertThat(registers.organisationType(failing)).isEmpty();
        assertThat(eventsOf(first)).isEqualTo(1);
        assertThat(eventsOf(third)).isEqualTo(1);
        assertThat(registers.organisationType(first)).contains(OrganisationType.GP_PRACTICE);
        assertThat(registers.organisationType(third)).contains(OrganisationType.GP_PRACTICE);
    }

    private long eventsOf(OdsCode organisation) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, organisation.value());
    }
}
