package org.careledger.api.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Responses are gzip-compressed when the client says it accepts gzip, and only then (the record as JSON and as a FHIR
 * Bundle); the audit trail's lag is on {@code /actuator/prometheus} and in the health.
 */
class CompressionAndAuditLagTest extends ApiTest {

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.boot.actuate.health.HealthContributorRegistry health;
    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    record Raw(int status, String encoding, String type, byte[] body) {
        String text() {
            if (!"gzip".equals(encoding)) {
                return new String(body, StandardCharsets.UTF_8);
            }
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Raw raw(String path, boolean gzip) {
        HttpRequest.Builder b = request(GP_USER, path).GET();
        if (gzip) {
            b.header("Accept-Encoding", "gzip");
        }
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Raw(r.statusCode(), r.headers().firstValue("Content-Encoding").orElse(null),
                    r.headers().firstValue("Content-Type").orElse(null), r.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theRecordAndItsFhirExportAreCompressedWhenTheClientAcceptsGzipAndOnlyThen() throws Exception {
        World w = world();
        for (String path : new String[]{"/api/patients/" + w.patient() + "/record?purpose=DIRECT_CARE",
                "/fhir/Patient/" + w.patient() + "/$everything?purpose=DIRECT_CARE"}) {
            Raw plain = raw(path, false);
            Raw zipped = raw(path, true);
            assertThat(plain.status()).as(plain.text()).isEqualTo(200);
            assertThat(zipped.status()).isEqualTo(200);
            assertThat(plain.encoding()).as(path).isNull();
            assertThat(zipped.encoding()).as(path).isEqualTo("gzip");
            assertThat(zipped.type()).isEqualTo(plain.type());
            String text = zipped.text();
            assertThat(JSON.readTree(text).size()).isEqualTo(JSON.readTree(plain.text()).size());
            assertThat(zipped.body().length).as(path).isLessThan(plain.body().length / 2);
            assertThat(text.length()).isEqualTo(plain.text().length());
        }
    }

    @Test
    void theAuditLagIsAMetricAndAHealthComponent() {
        // tests do not export metrics (Spring Boot turns exporters off in tests): the meters the Prometheus endpoint
        // exposes as careledger_audit_lag_seconds, _pending, _events and careledger_audit_alerts_delay_seconds
        assertThat(meters.get("careledger.audit.lag").gauge().getId().getBaseUnit()).isEqualTo("seconds");
        assertThat(meters.get("careledger.audit.lag.pending").gauge().value()).isGreaterThanOrEqualTo(0);
        assertThat(meters.get("careledger.audit.lag.events").gauge().value()).isZero();
        assertThat(meters.get("careledger.audit.alerts.delay").timer()).isNotNull();
        var indicator = (org.springframework.boot.actuate.health.HealthIndicator) health.getContributor("auditLag");
        assertThat(indicator.health().getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.UP);
    }
}
