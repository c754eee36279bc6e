package org.careledger.api.http;

import org.careledger.ops.CareLedgerCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IG asks for the inclusion proof of a read's audit event against a fresh checkpoint and checks it offline with the
 * documented command; nobody else may ask; bad parameters are refused with problem+json.
 */
class LedgerIntegrityEndpointsTest extends ApiTest {

    @TempDir
    Path dir;

    @Test
    void ig_gets_a_proof_for_an_audit_event_that_checks_offline_and_nobody_else_may_ask() throws Exception {
        World w = world();
        Answer read = get("district-nurse", "/api/patients/" + w.patient().value() + "/record?purpose=DIRECT_CARE");
        assertThat(read.status()).as(read.raw()).isEqualTo(200);
        String event = read.body().get("auditEvent").asText();

        Answer[] proof = new Answer[1];
        eventually(() -> {
            Answer made = post("ig-officer", "/api/audit/ledger/checkpoints", Map.of());
            if (made.status() != 201) {
                return false;
            }
            proof[0] = get("ig-officer", "/api/audit/ledger/proof?event=" + event);
            return proof[0].status() == 200;
        }, "a checkpoint that covers the read's audit event");
        assertThat(proof[0].body().get("eventId").asText()).isEqualTo(event);
        assertThat(proof[0].raw()).doesNotContain("Asthma");

        Answer checkpoints = get("ig-officer", "/api/audit/ledger/checkpoints");
        assertThat(checkpoints.status()).isEqualTo(200);
        assertThat(checkpoints.body().get("checkpoints").size()).isPositive();
        Path proofFile = Files.writeString(dir.resolve("proof.json"), proof[0].raw());
        Path key = Files.writeString(dir.resolve("ledger.pub.pem"), checkpoints.body().get("publicKey").asText());

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CareLedgerCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("check-proof", proofFile.toString(), "--public-key", key.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("valid: event " + event);

        assertProblem(get(GP_USER, "/api/audit/ledger/proof?event=" + event), 403, "forbidden");
        assertProblem(post("district-nurse", "/api/audit/ledger/checkpoints", Map.of()), 403, "forbidden");
        assertProblem(get("ig-officer", "/api/audit/ledger/proof?event=no%20such"), 400, "validation-failed");
        assertProblem(get("ig-officer", "/api/audit/ledger/proof?event=" + event + "&checkpoint=0"), 400,
                "validation-failed");
        assertProblem(get("ig-officer", "/api/audit/ledger/proof?event=never-written"), 404, "not-found");
    }
}
