package org.careledger.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.careledger.LedgerCore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code spring.datasource.url} set, the ledger uses that server (here a PostgreSQL started by the test as a
 * stand-in for an external one) and starts none of its own; the append bounds apply there too.
 */
class ExternalDataSourceTest {

    @Test
    void aConfiguredServerIsUsedWithTheSameBounds() throws Exception {
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().start();
             ConfigurableApplicationContext context = new SpringApplicationBuilder(LedgerCore.class)
                     .web(WebApplicationType.NONE)
                     .properties(
                             "spring.datasource.url=" + external.getJdbcUrl("postgres", "postgres"),
                             "spring.datasource.username=postgres")
                     .run()) {
            assertThat(context.getBeanNamesForType(EmbeddedPostgresServer.class)).isEmpty();
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT inet_server_port()", Integer.class)).isEqualTo(external.getPort());
            assertThat(jdbc.queryForObject("SELECT count(*) FROM flyway_schema_history WHERE success", Integer.class))
                    .isGreaterThanOrEqualTo(3);
            assertThat(AppendTransactionBounds.setting(jdbc, "statement_timeout")).isEqualTo(Duration.ofSeconds(15));
            assertThat(AppendTransactionBounds.setting(jdbc, "idle_in_transaction_session_timeout"))
                    .isEqualTo(Duration.ofSeconds(20));
        }
    }
}
