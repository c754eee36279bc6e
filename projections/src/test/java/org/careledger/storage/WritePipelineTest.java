package org.careledger.storage;

import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ADR 41 on the real ledger: a command's view and trail writes reach the server in one round trip before it commits,
 * and a write that fails there fails the command with nothing of it stored; the next command on the same thread
 * starts with an empty pipeline.
 */
class WritePipelineTest extends ViewsDatabaseTest {

    @Autowired
    WritePipeline pipeline;

    @Test
    void aRecordedEntrysViewAndTrailRowsGoInOneRoundTrip() {
        Actor gp = staff(Role.GP, organisation(OrganisationType.GP_PRACTICE));
        NhsNumber patient = patient(gp);
        long trips = pipeline.roundTrips();
        long statements = pipeline.statements();

        EntryId entry = entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL);

        assertThat(pipeline.roundTrips() - trips).isEqualTo(1);
        // the entry's view row and the trail's entry row (one per writable generation)
        assertThat(pipeline.statements() - statements).isGreaterThanOrEqualTo(2);
        assertThat(count("view_entry WHERE entry_id = '" + entry.value() + "'")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_entry WHERE entry_id = ?", Long.class,
                entry.value())).isEqualTo(1);
        assertThat(WritePipeline.open()).isFalse();
    }

    @Test
    void aQueuedWriteThatFailsFailsTheCommandAndNothingOfItIsStored() {
        Actor gp = staff(Role.GP, organisation(OrganisationType.GP_PRACTICE));
        NhsNumber patient = patient(gp);
        JdbcTemplate owner = Owner.of(jdbc);
        String name = "test_refuse_view_entry_" + UUID.randomUUID().toString().replace("-", "");
        owner.execute("""
                CREATE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'view store down (test)'; END; $$""".formatted(name));
        owner.execute("CREATE TRIGGER %1$s BEFORE INSERT ON view_entry FOR EACH ROW EXECUTE FUNCTION %1$s()"
                .formatted(name));
        long events = count("domain_event_entry WHERE aggregate_identifier = '" + patient.value() + "'");
        long trail = jdbc.queryForObject("SELECT count(*) FROM audit_entry WHERE patient = ?", Long.class,
                patient.value());
        try {
            assertThatThrownBy(() -> entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL))
                    .hasStackTraceContaining("view store down (test)");
        } finally {
            owner.execute("DROP TRIGGER %1$s ON view_entry".formatted(name));
            owner.execute("DROP FUNCTION %1$s()".formatted(name));
        }
        assertThat(WritePipeline.open()).isFalse();
        assertThat(count("domain_event_entry WHERE aggregate_identifier = '" + patient.value() + "'"))
                .isEqualTo(events);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_entry WHERE patient = ?", Long.class,
                patient.value())).isEqualTo(trail);

        EntryId next = entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL);
        assertThat(count("view_entry WHERE entry_id = '" + next.value() + "'")).isEqualTo(1);
    }
}
