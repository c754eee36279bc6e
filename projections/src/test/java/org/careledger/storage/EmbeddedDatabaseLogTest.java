package org.careledger.storage;

import org.careledger.LedgerCore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Statements that fail on record-like text (a NUL escape in a JSON document, a duplicate key) leave no trace of that
 * text in the application log: the embedded server's own log is not relayed, and it is terse (no DETAIL, CONTEXT or
 * STATEMENT lines, which quote the data). The server's log does record that the errors happened.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedDatabaseLogTest {

    private static final String TERM = "Synthetic-Term-5521";
    private static final String KEY = "Synthetic-Key-8842";

    @Test
    void errorsOnRecordTextReachNeitherTheApplicationLogNorTheServerLogsDetail(CapturedOutput output) {
        Path dataDir = Path.of("target", "test-pg", "log-" + UUID.randomUUID()).toAbsolutePath();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(LedgerCore.class)
                .web(WebApplicationType.NONE)
                .properties("careledger.embedded-db.data-dir=" + dataDir)
                .run()) {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE log_probe_json (doc jsonb)");
            jdbc.execute("CREATE TABLE log_probe_key (term text PRIMARY KEY)");
            assertThatThrownBy(() -> jdbc.update("INSERT INTO log_probe_json VALUES (?::jsonb)",
                    "{\"displayTerm\":\"" + TERM + "\\u0000\"}"))
                    .isInstanceOf(DataAccessException.class);
            jdbc.update("INSERT INTO log_probe_key VALUES (?)", KEY);
            assertThatThrownBy(() -> jdbc.update("INSERT INTO log_probe_key VALUES (?)", KEY))
                    .isInstanceOf(DataAccessException.class);

            Path logDirectory = context.getBean(EmbeddedPostgresServer.class).logDirectory();
            // the server has logged both errors (their primary message only) by now
            await().atMost(Duration.ofSeconds(30)).until(() -> serverLog(logDirectory).contains(
                    "duplicate key value violates unique constraint"));
            String serverLog = serverLog(logDirectory);
            assertThat(serverLog).contains("unsupported Unicode escape sequence")
                    .doesNotContain(TERM, KEY, "DETAIL:", "CONTEXT:", "STATEMENT:");
        }
        assertThat(output.getAll()).doesNotContain(TERM, KEY, "DETAIL:", "CONTEXT:", "STATEMENT:",
                "unsupported Unicode escape sequence", "duplicate key value violates unique constraint");
    }

    private static String serverLog(Path directory) {
        if (!Files.isDirectory(directory)) {
            return "";
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
