package org.careledger.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * Checks at start-up that PostgreSQL bounds every append transaction well inside the processors' gap timeout.
 * <p>
 * Why: the global index is taken from a sequence when a row is inserted, but becomes visible when the transaction
 * commits. A tracking processor that sees index n+1 before n treats n as a gap and, after {@code gapTimeout}
 * (60 s), skips it for ever (AxonFramework issue 4829): a slow append would silently never reach the projections.
 * The pool sets {@code statement_timeout} and {@code idle_in_transaction_session_timeout} on every connection
 * ({@code spring.datasource.hikari.connection-init-sql} in careledger-core.properties) so that a stuck statement
 * or an abandoned open transaction is killed by the server long before that. This bean refuses to start the
 * ledger when either is missing (0 = unlimited) or not below the gap timeout.
 */
@Component
public class AppendTransactionBounds implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(AppendTransactionBounds.class);

    private final DataSource dataSource;
    private final LedgerStorageProperties properties;

    public AppendTransactionBounds(DataSource dataSource, LedgerStorageProperties properties) {
        this.dataSource = dataSource;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        Duration statement = setting(jdbc, "statement_timeout");
        Duration idle = setting(jdbc, "idle_in_transaction_session_timeout");
        Duration gap = properties.gapTimeout();
        if (statement.isZero() || statement.compareTo(gap) >= 0 || idle.isZero() || idle.compareTo(gap) >= 0) {
            throw new IllegalStateException("append transactions must be bounded below the gap timeout " + gap
                    + ": statement_timeout=" + statement + ", idle_in_transaction_session_timeout=" + idle
                    + " (set them in spring.datasource.hikari.connection-init-sql)");
        }
        log.info("Append transactions bounded: statement_timeout={}, idle_in_transaction_session_timeout={}, "
                + "gap timeout={}", statement, idle, gap);
    }

    public static Duration setting(JdbcTemplate jdbc, String name) {
        // pg_settings reports both timeouts in milliseconds
        Long millis = jdbc.queryForObject("SELECT setting::bigint FROM pg_settings WHERE name = ?", Long.class, name);
        return Duration.ofMillis(millis == null ? 0 : millis);
    }
}
