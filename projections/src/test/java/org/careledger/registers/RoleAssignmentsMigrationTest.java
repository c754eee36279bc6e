package org.careledger.registers;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ledger written before the registers held role assignments: the migration fills {@code role_assignment} from the
 * ledger's RoleAssigned and RoleAssignmentEnded events, keeping only the assignments whose latest event assigned
 * them, in the order they were made.
 */
class RoleAssignmentsMigrationTest {

    static final UUID ANN = UUID.fromString("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f");
    static final UUID BOB = UUID.fromString("7a1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f");
    int sequence;

    @Test
    void existing_ledgers_get_the_assignments_still_in_force() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            DataSource db = postgres.getPostgresDatabase();
            Flyway.configure().dataSource(db).locations("classpath:db/migration").placeholders(java.util.Map.of("approle", "careledger")).target("40").load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(db);
            event(jdbc, ANN, "RoleAssigned", "GP", "Y01211");
            event(jdbc, BOB, "RoleAssigned", "GP", "Y01211");
            event(jdbc, ANN, "RoleAssigned", "SPECIALIST", "RCX");
            event(jdbc, ANN, "RoleAssignmentEnded", "GP", "Y01211");
            event(jdbc, BOB, "RoleAssigned", "PHARMACIST", "FA123");
            event(jdbc, BOB, "RoleAssignmentEnded", "PHARMACIST", "FA123");
            event(jdbc, BOB, "RoleAssigned", "PHARMACIST", "FA123"); // assigned again: in force

            Flyway.configure().dataSource(db).locations("classpath:db/migration").placeholders(java.util.Map.of("approle", "careledger")).load().migrate();

            List<String> held = jdbc.query("SELECT user_id, role, ods_code FROM role_assignment ORDER BY seq",
                    (rs, i) -> (rs.getObject(1, UUID.class).equals(ANN) ? "ann" : "bob") + " " + rs.getString(2) + "@"
                            + rs.getString(3));
            assertThat(held).containsExactly("bob GP@Y01211", "ann SPECIALIST@RCX", "bob PHARMACIST@FA123");
        }
    }

    void event(JdbcTemplate jdbc, UUID user, String type, String role, String organisation) {
        String reason = type.equals("RoleAssignmentEnded") ? "\"reason\":\"Left\"," : "";
        String payload = "{\"user\":\"" + user + "\",\"role\":\"" + role + "\",\"organisation\":\"" + organisation
                + "\"," + reason + "\"by\":{\"user\":\"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\",\"role\":\"ADMINISTRATOR\","
                + "\"organisation\":\"X26\"},\"at\":\"2026-03-03T09:15:30Z\"}";
        jdbc.update("""
                INSERT INTO domain_event_entry (event_identifier, aggregate_identifier, sequence_number, type, time_stamp,
                                                payload_type, payload_revision, payload)
                VALUES (?, ?, ?, 'StaffMember', '2026-03-03T09:15:30Z', ?, '1', ?)""",
                UUID.randomUUID().toString(), user.toString(), sequence++, "org.careledger.directory." + type,
                payload.getBytes(StandardCharsets.UTF_8));
    }
}
