package org.careledger.demo;

import org.careledger.LedgerCore;
import org.careledger.bulk.BulkWriter;
import org.careledger.shared.Registers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads a small demo region into a real (embedded) PostgreSQL through the bulk write path: every command is
 * accepted by the aggregates, each yields exactly its event, and a second load is skipped.
 */
@SpringBootTest(classes = LedgerCore.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class DemoLoadTest {

    static final Path DATA_DIR = Path.of("target", "test-pg", "demo-" + UUID.randomUUID());

    /** Each demo command and the event it produces. */
    static final Map<String, String> EVENT_OF = Map.ofEntries(
            Map.entry("RegisterOrganisation", "OrganisationRegistered"),
            Map.entry("FormTeam", "TeamFormed"),
            Map.entry("RegisterStaffMember", "StaffMemberRegistered"),
            Map.entry("AssignRole", "RoleAssigned"),
            Map.entry("JoinTeam", "TeamJoined"),
            Map.entry("RegisterPatient", "PatientRegistered"),
            Map.entry("UpdateDemographics", "DemographicsUpdated"),
            Map.entry("TransferRegistration", "RegistrationTransferred"),
            Map.entry("RecordEntry", "EntryRecorded"),
            Map.entry("AmendEntry", "EntryAmended"),
            Map.entry("MarkEntryEnteredInError", "EntryMarkedEnteredInError"),
            Map.entry("ChangeEntrySensitivity", "EntrySensitivityChanged"),
            Map.entry("RecordConsentDecision", "ConsentDecisionRecorded"),
            Map.entry("RecordDissent", "DissentRecorded"),
            Map.entry("WithdrawDissent", "DissentWithdrawn"),
            Map.entry("GrantAccess", "AccessGranted"),
            Map.entry("GrantSealedEntryAccess", "SealedEntryAccessGranted"),
            Map.entry("RevokeAccessGrant", "AccessGrantRevoked"),
            Map.entry("DeclareEmergencyAccess", "EmergencyAccessDeclared"));

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir", DATA_DIR::toString);
    }

    @Autowired
    Registers registers;
    @Autowired
    BulkWriter bulk;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void loadsTheDemoThroughCommandsOnceAndSkipsASecondLoad() {
        int patients = 40;
        DemoLoader loader = new DemoLoader(registers, bulk);
        assertThat(loader.loaded()).isFalse();

        DemoLoader.Result result = loader.load(patients, 42, 3, DemoLoader.Progress.NONE);

        assertThat(result.skipped()).isFalse();
        Map<String, Long> expectedCommands = new DemoRegion(42, patients).commands()
                .collect(Collectors.groupingBy(c -> c.getClass().getSimpleName(), Collectors.counting()));
        assertThat(result.commandsByType()).isEqualTo(expectedCommands);
        Map<String, Long> expectedEvents = new HashMap<>();
        expectedCommands.forEach((command, n) -> expectedEvents.merge(EVENT_OF.get(command), n, Long::sum));
        // the shipped role policy, activated by the system actor when the ledger starts empty (ViewsStartup)
        expectedEvents.merge("PolicyVersionActivated", 1L, Long::sum);
        assertThat(eventsByType()).isEqualTo(expectedEvents);
        assertThat(loader.loaded()).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT aggregate_identifier) FROM domain_event_entry "
                + "WHERE payload_type LIKE '%.PatientRegistered'", Long.class)).isEqualTo(patients);

        long before = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
        DemoLoader.Result second = new DemoLoader(registers, bulk).load(patients, 42, 3, DemoLoader.Progress.NONE);
        assertThat(second.skipped()).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class)).isEqualTo(before);
    }

    private Map<String, Long> eventsByType() {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "SELECT payload_type, count(*) AS n FROM domain_event_entry GROUP BY payload_type");
        Map<String, Long> counts = new HashMap<>();
        for (Map<String, Object> row : rows) {
            String type = (String) row.get("payload_type");
            counts.put(type.substring(type.lastIndexOf('.') + 1), ((Number) row.get("n")).longValue());
        }
        return counts;
    }
}
