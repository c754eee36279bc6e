package org.careledger.views;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.LedgerCore;
import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.policy.PolicyVersions;
import org.careledger.policy.RolePolicy;
import org.careledger.reading.ReadEntry;
import org.careledger.reading.RecordReads;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.storage.Fixtures;
import org.careledger.storage.TestData;
import org.junit.jupiter.api.Test;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Views are never left behind by the order of start-up work, on a real PostgreSQL that each test starts for itself
 * (a ledger context of its own, as {@code java -jar} or a CLI command starts one):
 * <ul>
 *     <li>entries written before the first policy activation (data first) are in every role view afterwards;</li>
 *     <li>a node stopped in the middle of a rebuild has it redone on its next start.</li>
 * </ul>
 * The other order (policy first, as every start now does) and activations that widen or narrow a view on a ledger
 * with data are in {@link PolicyActivationViewsTest}.
 */
class ViewsStartOrderTest {

    private final Path dataDir = Path.of("target", "test-pg", "views-start-" + UUID.randomUUID());

    private ConfigurableApplicationContext start(Class<?>... extra) {
        List<Class<?>> sources = new ArrayList<>(List.of(LedgerCore.class));
        sources.addAll(List.of(extra));
        return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
                .web(WebApplicationType.NONE)
                .properties("careledger.embedded-db.data-dir=" + dataDir)
                .run();
    }

    /** A start-up runner ordered before the views' start-up duties: it writes a record before any policy exists. */
    static final class DataFirst implements ApplicationRunner, Ordered {
        static final OdsCode PRACTICE = OdsCode.of("C84001");
        static final Actor GP = Fixtures.gpAt(PRACTICE);
        static final NhsNumber PATIENT = TestData.nhsNumber();
        static final EntryId NOTE = new EntryId(UUID.randomUUID());
        static volatile Boolean policyExistedBeforeTheData;

        private final CommandGateway commands;
        private final JdbcTemplate jdbc;

        DataFirst(CommandGateway commands, JdbcTemplate jdbc) {
            this.commands = commands;
            this.jdbc = jdbc;
        }

        @Override
        public int getOrder() {
            return ViewsStartup.ORDER - 1;
        }

        @Override
        public void run(ApplicationArguments args) {
            policyExistedBeforeTheData = policyEvents(jdbc) > 0;
            commands.sendAndWait(Fixtures.gpPractice(PRACTICE, "Data First Surgery"));
            commands.sendAndWait(Fixtures.registerPatient(PATIENT, PRACTICE));
            commands.sendAndWait(Fixtures.consultationNote(PATIENT, NOTE, GP, "synthetic note"));
        }
    }

    @Test
    void entriesWrittenBeforeTheFirstPolicyActivationAreInEveryRoleViewAfterIt() {
        try (ConfigurableApplicationContext ledger = start(DataFirst.class)) {
            JdbcTemplate jdbc = ledger.getBean(JdbcTemplate.class);
            assertThat(DataFirst.policyExistedBeforeTheData).as("the data came first").isFalse();
            assertThat(policyEvents(jdbc)).as("the shipped policy was activated at start-up").isEqualTo(1);

            List<String> roles = jdbc.queryForList("SELECT role FROM view_role_entry WHERE entry_id = ? ORDER BY role",
                    String.class, DataFirst.NOTE.value());
            List<String> expected = ViewTables.ROLES_WITH_VIEW.stream()
                    .filter(r -> RolePolicy.defaultPolicy().mayRead(r, Section.CONSULTATIONS))
                    .map(Role::name).sorted().toList();
            assertThat(roles).isEqualTo(expected).contains("GP", "PATIENT").doesNotContain("PHARMACIST");

            Reader gp = Reader.staff(DataFirst.GP.user(), Role.GP, DataFirst.PRACTICE, Set.of());
            assertThat(ledger.getBean(RecordReads.class)
                    .open(gp, DataFirst.PATIENT, Purpose.DIRECT_CARE, Channel.WEB).entries())
                    .extracting(ReadEntry::entry).containsExactly(DataFirst.NOTE);
        }
    }

    @Test
    void aRebuildStoppedBeforeItsSwapIsRedoneOnTheNextStart() {
        OdsCode practice = OdsCode.of("C84002");
        Actor gp = Fixtures.gpAt(practice);
        NhsNumber patient = TestData.nhsNumber();
        EntryId note = new EntryId(UUID.randomUUID());
        try (ConfigurableApplicationContext first = start()) {
            CommandGateway commands = first.getBean(CommandGateway.class);
            JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
            commands.sendAndWait(Fixtures.gpPractice(practice, "Restart Surgery"));
            commands.sendAndWait(Fixtures.registerPatient(patient, practice));
            commands.sendAndWait(Fixtures.consultationNote(patient, note, gp, "synthetic note"));
            // the live views lose their entries (as after restoring an older copy of the view tables) ...
            jdbc.update("DELETE FROM view_entry");
            // ... and the rebuild that would restore them stops after its first batch, before the swap
            ViewRebuild rebuild = first.getBean(ViewRebuild.class);
            assertThatThrownBy(() -> rebuild.rebuild((done, total) -> {
                if (done > 0) {
                    throw new IllegalStateException("node stopped");
                }
            })).hasMessage("node stopped");
            assertThat(needsRebuild(jdbc)).isTrue();
            assertThat(nextSchemaExists(jdbc)).isTrue();
            assertThat(roleRows(jdbc, note)).isZero();
        }
        try (ConfigurableApplicationContext second = start()) {
            JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
            assertThat(needsRebuild(jdbc)).isFalse();
            assertThat(nextSchemaExists(jdbc)).isFalse();
            assertThat(roleRows(jdbc, note)).isEqualTo(ViewTables.ROLES_WITH_VIEW.stream()
                    .filter(r -> RolePolicy.defaultPolicy().mayRead(r, Section.CONSULTATIONS)).count());
            Reader reader = Reader.staff(gp.user(), Role.GP, practice, Set.of());
            assertThat(second.getBean(RecordReads.class).open(reader, patient, Purpose.DIRECT_CARE, Channel.WEB)
                    .entries()).extracting(ReadEntry::entry).containsExactly(note);
        }
    }

    static long policyEvents(JdbcTemplate jdbc) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, PolicyVersions.STREAM);
    }

    private static boolean needsRebuild(JdbcTemplate jdbc) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT needs_rebuild FROM view_build", Boolean.class));
    }

    private static boolean nextSchemaExists(JdbcTemplate jdbc) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = ?)", Boolean.class,
                ViewTables.NEXT_SCHEMA));
    }

    private static long roleRows(JdbcTemplate jdbc, EntryId entry) {
        return jdbc.queryForObject("SELECT count(*) FROM view_role_entry WHERE entry_id = ?", Long.class,
                entry.value());
    }
}
