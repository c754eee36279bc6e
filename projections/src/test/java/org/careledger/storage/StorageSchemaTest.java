package org.careledger.storage;

import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorageSchemaTest extends LedgerDatabaseTest {

    /** A stand-in event for storage-level tests that need rows but no domain. */
    public record StorageProbe(String note) {
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStore eventStore;

    @Test
    void noColumnIsAnOidAndBinaryColumnsAreBytea() {
        List<String> oidColumns = jdbc.queryForList("""
                SELECT c.relname || '.' || a.attname
                  FROM pg_attribute a
                  JOIN pg_class c ON c.oid = a.attrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = current_schema() AND c.relkind = 'r'
                   AND a.attnum > 0 AND NOT a.attisdropped
                   AND a.atttypid = 'oid'::regtype""", String.class);
        assertThat(oidColumns).isEmpty();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM information_schema.columns
                 WHERE table_schema = current_schema() AND data_type = 'oid'""", Integer.class)).isZero();

        Map<String, String> binary = Map.of(
                "domain_event_entry.payload", "bytea",
                "domain_event_entry.meta_data", "bytea",
                "snapshot_event_entry.payload", "bytea",
                "snapshot_event_entry.meta_data", "bytea",
                "token_entry.token", "bytea");
        binary.forEach((column, type) -> {
            String[] parts = column.split("\\.");
            assertThat(jdbc.queryForObject("""
                    SELECT data_type FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?""",
                    String.class, parts[0], parts[1])).as(column).isEqualTo(type);
        });
    }

    @Test
    void theLedgerRefusesUpdateDeleteAndTruncate() {
        appendProbes(1);
        long events = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
        // the application's role lacks the privilege (least privilege), on the events, their chain and checkpoints
        assertThat(jdbc.queryForObject("SELECT current_user", String.class))
                .isEqualTo(EmbeddedPostgresConfiguration.APP_ROLE);
        for (String table : List.of("domain_event_entry", "ledger_chain", "ledger_checkpoint")) {
            assertThatThrownBy(() -> jdbc.update("UPDATE " + table + " SET global_index = global_index"
                    .replace("global_index", table.equals("ledger_checkpoint") ? "checkpoint_id" : "global_index")))
                    .as(table).rootCause().hasMessageContaining("permission denied");
            assertThatThrownBy(() -> jdbc.update("DELETE FROM " + table)).as(table).rootCause()
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> jdbc.execute("TRUNCATE " + table)).as(table).rootCause()
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> jdbc.execute("ALTER TABLE " + table + " DISABLE TRIGGER USER")).as(table)
                    .rootCause().hasMessageContaining("must be owner");
            assertThatThrownBy(() -> jdbc.execute("DROP TABLE " + table)).as(table).rootCause()
                    .hasMessageContaining("must be owner");
            assertThatThrownBy(() -> jdbc.execute("CREATE TRIGGER sneaky BEFORE INSERT ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION careledger_refuse_ledger_change()")).as(table).rootCause()
                    .hasMessageContaining("permission denied");
        }
        // and the owner, who may, is still refused by the trigger
        JdbcTemplate owner = Owner.of(jdbc);
        assertThatThrownBy(() -> owner.update("UPDATE domain_event_entry SET type = 'Tampered'"))
                .rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> owner.update("DELETE FROM domain_event_entry"))
                .rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> owner.execute("TRUNCATE domain_event_entry"))
                .rootCause().hasMessageContaining("append-only");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class)).isEqualTo(events);

        // derived state stays mutable
        jdbc.update("DELETE FROM snapshot_event_entry WHERE aggregate_identifier = 'none'");
        jdbc.update("DELETE FROM token_entry WHERE processor_name = 'none'");
    }

    @Test
    void theGlobalIndexHasItsOwnSequenceIncrementingByOne() {
        Map<String, Object> sequence = jdbc.queryForMap("""
                SELECT increment_by, cache_size FROM pg_sequences
                 WHERE schemaname = current_schema() AND sequencename = 'domain_event_entry_global_index_seq'""");
        assertThat(sequence).containsEntry("increment_by", 1L).containsEntry("cache_size", 1L);
        assertThat(jdbc.queryForObject("""
                SELECT column_default FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'domain_event_entry'
                   AND column_name = 'global_index'""", String.class))
                .isEqualTo("nextval('domain_event_entry_global_index_seq'::regclass)");

        String aggregate = appendProbes(5);
        List<Long> indexes = jdbc.queryForList("""
                SELECT global_index FROM domain_event_entry WHERE aggregate_identifier = ?
                 ORDER BY sequence_number""", Long.class, aggregate);
        assertThat(indexes).hasSize(5);
        for (int i = 1; i < indexes.size(); i++) {
            assertThat(indexes.get(i)).isEqualTo(indexes.get(i - 1) + 1);
        }
    }

    @Test
    void appendTransactionsAreBoundedBelowTheGapTimeout() {
        Duration statement = AppendTransactionBounds.setting(jdbc, "statement_timeout");
        Duration idle = AppendTransactionBounds.setting(jdbc, "idle_in_transaction_session_timeout");
        assertThat(statement).isEqualTo(Duration.ofSeconds(15));
        assertThat(idle).isEqualTo(Duration.ofSeconds(20));
        assertThat(statement).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void eventsAreStoredAsReadableJson() {
        String aggregate = appendProbes(1);
        String json = jdbc.queryForObject(
                "SELECT convert_from(payload, 'UTF8') FROM domain_event_entry WHERE aggregate_identifier = ?",
                String.class, aggregate);
        assertThat(json).isEqualTo("{\"note\":\"probe 0\"}");
    }

    @Test
    void aSecondWriterAtTheSameSequenceNumberIsAConcurrencyConflict() {
        String aggregate = appendProbes(2);
        assertThatThrownBy(() -> eventStore.publish(
                new GenericDomainEventMessage<>("StorageProbe", aggregate, 1, new StorageProbe("late writer"))))
                .hasMessageContaining("already inserted")
                // record content must never reach a log: pgjdbc would otherwise quote the bound payload bytes
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\\x7b").doesNotContain("bytea"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, aggregate)).isEqualTo(2);
    }

    private String appendProbes(int count) {
        String aggregate = "probe-" + UUID.randomUUID();
        GenericDomainEventMessage<?>[] events = new GenericDomainEventMessage<?>[count];
        for (int i = 0; i < count; i++) {
            events[i] = new GenericDomainEventMessage<>("StorageProbe", aggregate, i, new StorageProbe("probe " + i));
        }
        eventStore.publish(events);
        return aggregate;
    }
}
