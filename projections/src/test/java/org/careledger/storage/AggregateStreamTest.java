package org.careledger.storage;

import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An aggregate's stream is read in ranges of sequence numbers, and a short range is taken as the last
 * ({@code EventStoreConfiguration}): right only because the ledger's sequence numbers have no gaps, which this
 * checks over every aggregate the shared test ledger holds, and at the batch size's boundaries.
 */
class AggregateStreamTest extends ViewsDatabaseTest {

    @Autowired
    EventStorageEngine engine;
    @Autowired
    LedgerStorageProperties properties;

    @Test
    void aStreamIsReadWholeAcrossBatchesAndAtTheirBoundary() {
        Actor gp = staff(Role.GP, organisation(OrganisationType.GP_PRACTICE));
        NhsNumber patient = patient(gp);
        int batch = properties.batchSize();
        for (int i = 1; i < 2 * batch; i++) {
            entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL);
        }
        // exactly two full batches: the reader must look once more, and find nothing
        assertThat(engine.readEvents(patient.value(), 0).asStream().count()).isEqualTo(2L * batch);
        assertThat(engine.readEvents(patient.value(), 1).asStream().count()).isEqualTo(2L * batch - 1);
        entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL);
        assertThat(engine.readEvents(patient.value(), 0).asStream().mapToLong(e -> e.getSequenceNumber()).toArray())
                .hasSize(2 * batch + 1).startsWith(0L, 1L).endsWith(2L * batch);
    }

    @Test
    void noAggregateInTheLedgerHasAGapInItsSequenceNumbers() {
        Actor gp = staff(Role.GP, organisation(OrganisationType.GP_PRACTICE));
        entry(patient(gp), gp, Section.CONSULTATIONS, Sensitivity.NORMAL);
        assertThat(jdbc.queryForList("""
                SELECT aggregate_identifier FROM domain_event_entry GROUP BY aggregate_identifier
                HAVING min(sequence_number) <> 0 OR max(sequence_number) <> count(*) - 1""", String.class)).isEmpty();
        assertThat(count("domain_event_entry")).isGreaterThan(4);
    }
}
