package org.careledger.api.http;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web application's journeys in a real browser: Debian's headless Chromium (installed by {@code .ci/run}),
 * driven by playwright-core from {@code web/e2e/} (Node's test runner), against THIS application — the shared
 * {@link ApiTest} context: embedded PostgreSQL, the demo region's directory, the development identity provider
 * signing people in with the authorization code flow and PKCE, the UI served from the jar's static resources.
 * One application start for every browser test; each journey checks its pages with axe-core (WCAG 2.2 A/AA).
 * <p>
 * {@code -Dcareledger.ui.screenshots=<folder>} saves the key pages as PNG there (docs/ui.md names the command).
 * The journeys get a genuinely expired token of the demo GP ({@code EXPIRED_GP_TOKEN}, signed by this application's
 * identity provider, expired an hour ago) for "an expired sign-in goes back through sign-in".
 */
class BrowserJourneyTest extends ApiTest {

    static final Path WEB = Path.of("..", "web").toAbsolutePath().normalize();
    static final Path CHROMIUM = Path.of(System.getProperty("careledger.chromium", "/usr/bin/chromium"));

    @Autowired
    JWKSource<SecurityContext> signingKey;

    @Test
    void everyJourneyPassesInHeadlessChromium() throws IOException, InterruptedException {
        assertThat(Files.isExecutable(CHROMIUM))
                .as("the browser tests need Debian's chromium (apt-get install chromium chromium-driver; .ci/run does), not found at " + CHROMIUM)
                .isTrue();
        assertThat(WEB.resolve("node_modules/playwright-core")).as("web/node_modules (the build runs npm ci)").exists();
        Path log = Path.of("target", "browser-journeys.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder node = new ProcessBuilder(List.of("node", "--test", "--test-concurrency=1",
                "--test-reporter=tap", "e2e/"))
                .directory(WEB.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        node.environment().put("BASE_URL", "http://127.0.0.1:" + port);
        node.environment().put("CHROMIUM", CHROMIUM.toString());
        JwtClaimsSet expired = JwtClaimsSet.builder().subject(GP.user().toString()).claim("role", "GP")
                .claim("ods", GP.organisation().value())
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)).build();
        node.environment().put("EXPIRED_GP_TOKEN",
                new NimbusJwtEncoder(signingKey).encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.ES256).build(), expired)).getTokenValue());
        String shots = System.getProperty("careledger.ui.screenshots");
        if (shots != null && !shots.isBlank()) {
            node.environment().put("SCREENSHOTS", Path.of(shots).toAbsolutePath().toString());
        }
        Process run = node.start();
        boolean finished = run.waitFor(20, TimeUnit.MINUTES);
        if (!finished) {
            run.destroyForcibly();
        }
        String out = Files.readString(log);
        System.out.println(out);
        assertThat(finished).as("the browser journeys finished (log: " + log + ")").isTrue();
        assertThat(out).as("browser journeys (log: " + log + ")").contains("# fail 0").doesNotContain("not ok ");
        assertThat(run.exitValue()).as("node --test exit code (log: " + log + ")").isZero();
    }
}
