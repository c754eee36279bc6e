package org.careledger.audit.trail;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The generations of the audit projection (V20__audit_trail.sql): which schema answers queries (ACTIVE), which one
 * a rebuild is filling (BUILDING). The views the queries read are re-pointed only by {@link #activate}.
 */
@Component
public class AuditGenerations {

    private static final Pattern SCHEMA = Pattern.compile("audit_g[0-9]+");

    /** A generation and its state. */
    public record Generation(int generation, String schema, String state, Long rebuildHead) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public AuditGenerations(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
    }

    private static final String WRITABLE = """
            SELECT schema_name FROM audit_generation WHERE state IN ('ACTIVE', 'BUILDING') ORDER BY generation""";

    /**
     * {@link #WRITABLE} as one column, which a read or a command selects with its first query of the views
     * ({@code SharingStates.STATE}) and hands to its transaction ({@link #bindToTransaction}): its audit rows then
     * need no round trip of their own to learn where to go (issue 10). Read at any point of the transaction, the
     * answer is as good as at its end: a rebuild's new generation is either visible to every statement of a
     * transaction that began after it was committed, or the rebuild waits for the transaction to end and replays its
     * events ({@link AuditTrailRebuild}); a switch only retires a generation, which may take a row more.
     */
    public static final String WRITABLE_COLUMN = "ARRAY(" + WRITABLE + ")";

    /** The key of the writable generations bound to a Spring transaction. */
    private static final Object BOUND = new Object();

    /** Binds the writable generations read by this transaction ({@link #WRITABLE_COLUMN}) to it; no-op outside one. */
    public static void bindToTransaction(String[] schemas) {
        if (schemas == null || !TransactionSynchronizationManager.isSynchronizationActive()
                || TransactionSynchronizationManager.hasResource(BOUND)) {
            return;
        }
        List<String> checked = java.util.Arrays.stream(schemas).map(AuditGenerations::checked).toList();
        TransactionSynchronizationManager.bindResource(BOUND, checked);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(BOUND);
            }
        });
    }

    /** The writable generations this transaction has read ({@link #bindToTransaction}), or null. */
    @SuppressWarnings("unchecked")
    public static List<String> boundToTransaction() {
        return (List<String>) TransactionSynchronizationManager.getResource(BOUND);
    }

    /** The schemas the projection writes to: the active one and, during a rebuild, the one being built. */
    public List<String> writable() {
        return jdbc.queryForList(WRITABLE, String.class).stream().map(AuditGenerations::checked).toList();
    }

    /** An event's global index (null when the ledger does not hold it) and the schemas it is written to. */
    public record IndexAndWritable(Long index, List<String> writable) {
    }

    /**
     * {@link #writable()} and the global index of an event the store has just appended in this transaction, in one
     * round trip: a subscribed event's audit rows need both, and each was a round trip of every command (issue 10).
     */
    public IndexAndWritable writableAndIndexOf(String eventIdentifier) {
        return jdbc.queryForObject("SELECT (SELECT global_index FROM domain_event_entry WHERE event_identifier = ?), "
                + "ARRAY(" + WRITABLE + ")", (rs, row) -> {
                    long index = rs.getLong(1);
                    Long found = rs.wasNull() ? null : index;
                    String[] schemas = (String[]) rs.getArray(2).getArray();
                    return new IndexAndWritable(found,
                            java.util.Arrays.stream(schemas).map(AuditGenerations::checked).toList());
                }, eventIdentifier);
    }

    public Generation active() {
        return jdbc.queryForObject("SELECT * FROM audit_generation WHERE state = 'ACTIVE'", this::map);
    }

    public Optional<Generation> building() {
        return jdbc.query("SELECT * FROM audit_generation WHERE state = 'BUILDING'", this::map).stream().findFirst();
    }

    public List<Generation> all() {
        return jdbc.query("SELECT * FROM audit_generation ORDER BY generation", this::map);
    }

    /** Creates the next generation's empty tables, in state BUILDING; {@code head} is the ledger's last index. */
    Generation create(long head) {
        return transaction.execute(status -> {
            int next = jdbc.queryForObject("SELECT coalesce(max(generation), 0) + 1 FROM audit_generation",
                    Integer.class);
            String schema = "audit_g" + next;
            jdbc.update("""
                    INSERT INTO audit_generation (generation, schema_name, state, rebuild_head)
                    VALUES (?, ?, 'BUILDING', ?)""", next, schema, head);
            jdbc.queryForObject("SELECT careledger_audit_create_generation(?)", String.class, next);
            return new Generation(next, schema, "BUILDING", head);
        });
    }

    /** In one transaction: the built generation becomes ACTIVE, the old one RETIRED, and the views follow. */
    void activate(Generation built) {
        transaction.executeWithoutResult(status -> {
            jdbc.update("UPDATE audit_generation SET state = 'RETIRED' WHERE state = 'ACTIVE'");
            jdbc.update("UPDATE audit_generation SET state = 'ACTIVE', activated_at = now() WHERE generation = ?",
                    built.generation());
            jdbc.queryForObject("SELECT careledger_audit_point_views(?)::text", String.class, checked(built.schema()));
        });
    }

    private Generation map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        long head = rs.getLong("rebuild_head");
        return new Generation(rs.getInt("generation"), checked(rs.getString("schema_name")), rs.getString("state"),
                rs.wasNull() ? null : head);
    }

    /** Schema names are interpolated into SQL: only our own generation names pass. */
    static String checked(String schema) {
        if (schema == null || !SCHEMA.matcher(schema).matches()) {
            throw new IllegalStateException("not an audit generation schema: " + schema);
        }
        return schema;
    }
}
