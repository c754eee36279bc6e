package org.careledger.storage;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.sql.SQLException;

/**
 * Test-only: the embedded database as its owner (the superuser that runs the migrations). The application's own
 * role may not touch the ledger's triggers (least privilege), so tests that plant a failing trigger do it as owner.
 */
public final class Owner {

    private Owner() {
    }

    /** A template on the same database as {@code application}'s pool, connected as the owner. */
    public static JdbcTemplate of(JdbcTemplate application) {
        try {
            HikariDataSource pool = application.getDataSource().unwrap(HikariDataSource.class);
            return new JdbcTemplate(new DriverManagerDataSource(pool.getJdbcUrl(),
                    EmbeddedPostgresConfiguration.OWNER_ROLE, ""));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
