package org.careledger.storage;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A tracking projection (a real pooled streaming processor on the real PostgreSQL ledger) that meets an event it
 * cannot read stops there, loudly: the event's id in the log (no content), a metric, health DOWN; its token stays
 * before the event; once the event can be read it is handled, not skipped, and health is UP again.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProjectionFailuresTest extends LedgerDatabaseTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ProjectionFailures failures;
    @Autowired
    @Qualifier("projectionsHealthIndicator")
    HealthIndicator health;
    @Autowired
    MeterRegistry meters;

    @AfterEach
    void readable() {
        FailureProbe.UNREADABLE.set(false);
    }

    @Test
    void aProjectionStopsAtAnEventItCannotReadAndRetriesItInsteadOfSkippingIt(CapturedOutput output) {
        String marker = "probe-content-" + UUID.randomUUID();
        FailureProbe.UNREADABLE.set(true);
        String eventId = UUID.randomUUID().toString();
        // stored as an older or newer version of the application might have stored it: straight into the ledger
        jdbc.update("""
                INSERT INTO domain_event_entry (event_identifier, aggregate_identifier, sequence_number, type, time_stamp,
                                                payload_type, payload_revision, payload, meta_data)
                VALUES (?, ?, 0, NULL, ?, ?, NULL, ?, ?)""", eventId, eventId, Instant.now().toString(),
                FailureProbe.Probed.class.getName(), ("{\"marker\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));
        long position = jdbc.queryForObject("SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
                Long.class, eventId);

        await("the probe stops at the event").atMost(Duration.ofSeconds(60))
                .until(() -> failures.stuck().containsKey(FailureProbe.PROCESSOR)
                        && failures.stuck().get(FailureProbe.PROCESSOR).eventId().equals(eventId));
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.health().getDetails()).containsKey(FailureProbe.PROCESSOR);
        await("a failed attempt is counted").atMost(Duration.ofSeconds(60))
                .until(() -> meters.find(ProjectionFailures.METRIC).tag("processor", FailureProbe.PROCESSOR).counter() != null
                        && meters.find(ProjectionFailures.METRIC).tag("processor", FailureProbe.PROCESSOR).counter().count() >= 1);
        assertThat(tokenIndex()).as("the token stays before the event").isLessThan(position);
        assertThat(FailureProbe.HANDLED).doesNotContain(marker);
        await("the log names the event id").atMost(Duration.ofSeconds(30))
                .until(() -> output.getAll().contains("projection failure-probe stopped at event " + eventId));
        assertThat(output.getAll()).doesNotContain(marker);

        FailureProbe.UNREADABLE.set(false);
        await("the probe retries the event and goes on").atMost(Duration.ofSeconds(120))
                .until(() -> FailureProbe.HANDLED.contains(marker));
        await("health is UP again").atMost(Duration.ofSeconds(30))
                .until(() -> health.health().getStatus().equals(Status.UP));
        await("the token passes the event").atMost(Duration.ofSeconds(30)).until(() -> tokenIndex() >= position);
        assertThat(output.getAll()).doesNotContain(marker);
    }

    /** The probe's token position (-1 before its first event), read without claiming the token. */
    private long tokenIndex() {
        String token = jdbc.query("SELECT convert_from(token, 'UTF8') FROM token_entry WHERE processor_name = ?",
                rs -> rs.next() ? rs.getString(1) : null, FailureProbe.PROCESSOR);
        if (token == null) {
            return -1;
        }
        com.fasterxml.jackson.databind.JsonNode json;
        try {
            json = LedgerJson.mapper().readTree(token);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return json.has("index") ? json.get("index").asLong() : json.path("globalIndex").asLong(-1);
    }
}
