package org.careledger.storage;

import java.util.List;
import java.util.UUID;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ADR 40 on the real ledger: the events a command appends, and the view rows keyed by them, carry version-7
 * identifiers of the time they were appended, their milliseconds in the order of the ledger's global
 * index.
 */
class StoredIdentifiersTest extends ViewsDatabaseTest {

    @Test
    void appendedEventsAndTheirViewRowsCarryTimeOrderedIdentifiers() {
        long before = System.currentTimeMillis();
        Actor gp = staff(Role.GP, organisation(OrganisationType.GP_PRACTICE));
        NhsNumber patient = patient(gp);
        EntryId first = entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL);
        entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL);
        long after = System.currentTimeMillis();

        List<String> ids = jdbc.queryForList("""
                SELECT event_identifier FROM domain_event_entry WHERE aggregate_identifier = ?
                ORDER BY global_index""", String.class, patient.value());
        assertThat(ids).hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(id -> assertThat(UUID.fromString(id).version()).isEqualTo(7));
        // the millisecond leads; within one millisecond the order is random, so compare the milliseconds
        assertThat(ids.stream().map(UUID::fromString).map(TimeOrderedIdentifierFactory::epochMillis).toList())
                .isSorted().allSatisfy(millis -> assertThat(millis).isBetween(before, after));
        assertThat(jdbc.queryForObject("SELECT event_id FROM view_entry WHERE entry_id = ?",
                String.class, first.value())).isIn(ids);
    }
}
