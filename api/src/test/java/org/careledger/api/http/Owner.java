package org.careledger.api.http;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.careledger.storage.EmbeddedPostgresConfiguration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.sql.SQLException;

/**
 * Test-only: the embedded database as its owner (the superuser that runs the migrations). The application's own
 * role may not touch the ledger's triggers (least privilege), so tests that plant a failing trigger do it as owner.
 */
final class Owner {

    private Owner() {
    }

    /** A template on the same database as {@code application}'s pool, connected as the owner. */
    static JdbcTemplate of(JdbcTemplate application) {
        try {
            HikariDataSource pool = application.getDataSource().unwrap(HikariDataSource.class);
            return new JdbcTemplate(new DriverManagerDataSource(pool.getJdbcUrl(),
                    EmbeddedPostgresConfiguration.OWNER_ROLE, ""));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
