package org.careledger.reading;

import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.audit.trail.AuditGenerations;
import org.careledger.audit.trail.AuditTrailRebuild;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A read's and a command's audit rows go to the generations their transaction read with its sharing state
 * ({@link AuditGenerations#WRITABLE_COLUMN}), at the index of their own event, with no lookup of their own: during a
 * rebuild that is both generations, exactly as the rows the rebuild's replay writes.
 */
class AuditPlacementTest extends ViewsDatabaseTest {

    @Autowired
    SharingStates sharingStates;
    @Autowired
    AuditGenerations generations;
    @Autowired
    AuditTrailRebuild rebuild;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void theSharingStateHandsItsTransactionTheWritableGenerations() {
        OdsCode practice = organisation(OrganisationType.GP_PRACTICE);
        Actor gp = staff(Role.GP, practice);
        NhsNumber patient = patient(gp);
        Reader reader = Reader.staff(gp.user(), gp.role(), practice, Set.of());
        assertThat(AuditGenerations.boundToTransaction()).isNull();
        List<String> bound = new TransactionTemplate(transactions).execute(status -> {
            sharingStates.loadForCommand(reader, patient);
            return AuditGenerations.boundToTransaction();
        });
        assertThat(bound).isNotEmpty().isEqualTo(generations.writable());
        // and the binding ends with the transaction
        assertThat(AuditGenerations.boundToTransaction()).isNull();
    }

    @Test
    void duringARebuildAReadAndAnEntryAreFiledInBothGenerationsAtTheirOwnIndex() {
        OdsCode practice = organisation(OrganisationType.GP_PRACTICE);
        Actor gp = staff(Role.GP, practice);
        NhsNumber patient = patient(gp);
        AuditGenerations.Generation active = generations.active();
        AuditGenerations.Generation building = rebuild.start();
        try {
            EntryId entry = entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL);
            RecordRead read = reads.open(Reader.staff(gp.user(), gp.role(), practice, Set.of()), patient,
                    Purpose.DIRECT_CARE, Channel.WEB);
            assertThat(read.allowed()).isTrue();
            long readIndex = ledgerIndex(read.auditEvent());
            long entryIndex = jdbc.queryForObject("""
                    SELECT global_index FROM domain_event_entry
                     WHERE payload_type = 'org.careledger.record.EntryRecorded' AND aggregate_identifier = ?
                     ORDER BY global_index DESC LIMIT 1""", Long.class, patient.value());
            for (String schema : List.of(active.schema(), building.schema())) {
                // the read's own transaction filed it in both, before it answered
                assertThat(jdbc.queryForList("SELECT global_index FROM %s.audit_event WHERE event_id = ?"
                        .formatted(schema), Long.class, read.auditEvent())).as(schema).containsExactly(readIndex);
                assertThat(jdbc.queryForObject("SELECT cardinality(disclosed_entries) FROM %s.audit_event "
                        .formatted(schema) + "WHERE event_id = ?", Integer.class, read.auditEvent())).as(schema)
                        .isEqualTo(1);
                assertThat(jdbc.queryForList("SELECT global_index FROM %s.audit_entry WHERE entry_id = ?"
                        .formatted(schema), Long.class, entry.value())).as(schema).containsExactly(entryIndex);
            }
        } finally {
            await().atMost(Duration.ofSeconds(120)).until(rebuild::finishIfCaughtUp);
        }
        assertThat(generations.active().generation()).isEqualTo(building.generation());
    }

    private long ledgerIndex(String eventId) {
        return jdbc.queryForObject("SELECT global_index FROM domain_event_entry WHERE event_identifier = ?", Long.class,
                eventId);
    }
}
