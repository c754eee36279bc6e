package org.careledger.ops;

import org.careledger.integrity.Checkpoint;
import org.careledger.integrity.InclusionProof;
import org.careledger.integrity.MerkleTree;
import org.careledger.integrity.SigningKey;
import org.careledger.storage.LedgerJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code careledger check-proof} offline, with no database: a proof as the API serves it is valid against the key that
 * signed its checkpoint, and invalid against another key or once its path is altered. {@code verify} refuses bad
 * input before booting.
 */
class CheckProofCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CareLedgerCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void aProofIsValidAgainstTheSigningKeyAndNotAgainstAnotherOrWhenAltered() throws Exception {
        SigningKey key = SigningKey.loadOrGenerate(dir.resolve("signing.pem"));
        SigningKey other = SigningKey.loadOrGenerate(dir.resolve("other.pem"));
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((byte) 0);
            d.update(("event " + i).getBytes(StandardCharsets.UTF_8));
            leaves.add(d.digest());
        }
        byte[] root = MerkleTree.root(leaves, 0, leaves.size());
        byte[] head = new byte[32];
        Instant at = Instant.parse("2026-12-01T22:00:00Z");
        byte[] signature = key.sign(Checkpoint.statement(3, 12, 11, head, root, at).getBytes(StandardCharsets.UTF_8));
        Checkpoint checkpoint = new Checkpoint(3, 12, 11, head, root, at, key.keyId(), key.publicKey().getEncoded(),
                signature);
        InclusionProof proof = InclusionProof.of("event-7", 8, 7, leaves.get(7), MerkleTree.path(leaves, 7, 11),
                checkpoint);
        Path file = dir.resolve("proof.json");
        LedgerJson.mapper().writeValue(file.toFile(), proof);
        Path pub = SigningKey.publicKeyFile(dir.resolve("signing.pem"));
        Path otherPub = SigningKey.publicKeyFile(dir.resolve("other.pem"));

        assertThat(run("check-proof", file.toString(), "--public-key", pub.toString())).isZero();
        assertThat(out.toString()).contains("valid: event event-7", "leaf 7 of the 11-event tree", "checkpoint 3");
        assertThat(run("check-proof", file.toString(), "--public-key", otherPub.toString()))
                .isEqualTo(CareLedgerCli.FAILED);
        assertThat(err.toString()).contains("NOT VALID", "not by the trusted key " + other.keyId());

        List<String> path = new ArrayList<>(proof.path());
        path.set(1, path.get(0));
        LedgerJson.mapper().writeValue(file.toFile(), new InclusionProof(proof.format(), proof.eventId(),
                proof.globalIndex(), proof.leafIndex(), proof.leafHash(), path, proof.checkpoint()));
        err.getBuffer().setLength(0);
        assertThat(run("check-proof", file.toString(), "--public-key", pub.toString())).isEqualTo(CareLedgerCli.FAILED);
        assertThat(err.toString().strip().lines()).singleElement().asString().contains("does not lead");
    }

    @Test
    void unreadableInputIsOneLineAndExitTwo() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.json"), "{not json");
        assertThat(run("check-proof", junk.toString(), "--public-key", junk.toString())).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("check-proof", dir.resolve("missing.json").toString(), "--public-key", junk.toString()))
                .isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("check-proof")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("verify", "--everything")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(err.toString().strip().lines()).hasSize(4)
                .allSatisfy(line -> assertThat(line).matches("(check-proof|verify): .*"));
        assertThat(CareLedgerCli.handles("verify")).isTrue();
        assertThat(CareLedgerCli.handles("check-proof")).isTrue();
    }
}
