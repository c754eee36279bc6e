package org.careledger.search.node;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Elasticsearch for tests: {@code @ExtendWith(ElasticsearchNode.class)} starts one node per test
 * JVM (on first use; every later test class reuses it) as a separate JVM from the Maven Central jars
 * ({@code org.elasticsearch.node.CareLedgerElasticsearch}), on free ports on 127.0.0.1, with its home under
 * {@code target/elasticsearch-node/}; it is stopped when the test JVM exits. {@link #url()} is its HTTP address.
 * <p>
 * With the system property or environment variable {@code CARELEDGER_TEST_ELASTICSEARCH_URL} set, that cluster is
 * used instead and nothing is started (the tests then create and delete indices of their own there).
 */
public final class ElasticsearchNode implements BeforeAllCallback {

    public static final String EXTERNAL = "CARELEDGER_TEST_ELASTICSEARCH_URL";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static String url;

    @Override
    public void beforeAll(ExtensionContext context) {
        url();
    }

    /** The node's HTTP address, starting it if this JVM has not yet. */
    public static synchronized String url() {
        if (url == null) {
            String external = System.getProperty(EXTERNAL, System.getenv(EXTERNAL));
            url = external != null && !external.isBlank() ? external.strip() : start(Path.of("target",
                    "elasticsearch-node", Long.toString(ProcessHandle.current().pid())));
        }
        return url;
    }

    /** Starts a node with its home in {@code home} and waits until it answers; the JVM's exit stops it. */
    public static String start(Path home) {
        try {
            Files.createDirectories(home);
            int http = freePort();
            int transport = freePort();
            Path log = home.resolve("node.log");
            Process process = new ProcessBuilder(command(home, http, transport))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "elasticsearch-node-stop"));
            String address = "http://127.0.0.1:" + http;
            awaitHealthy(process, address, log);
            return address;
        } catch (IOException e) {
            throw new UncheckedIOException("elasticsearch node did not start", e);
        }
    }

    /** {@code java -cp <launcher>:<the node's classpath> org.elasticsearch.node.CareLedgerElasticsearch ...}. */
    public static List<String> command(Path home, int httpPort, int transportPort) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(javaBin, "-Xms512m", "-Xmx512m", "-XX:+UseSerialGC", "-Dlog4j2.disable.jmx=true",
                "-cp", launcherLocation() + java.io.File.pathSeparator + nodeClasspath(),
                "org.elasticsearch.node.CareLedgerElasticsearch", home.toAbsolutePath().toString(),
                Integer.toString(httpPort), Integer.toString(transportPort));
    }

    static String nodeClasspath() {
        try (InputStream in = ElasticsearchNode.class.getResourceAsStream("/careledger/elasticsearch-node.classpath")) {
            if (in == null) {
                throw new IllegalStateException("careledger/elasticsearch-node.classpath is missing: build the "
                        + "elasticsearch-node module (mvn -pl elasticsearch-node -am package)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String launcherLocation() {
        try {
            return Path.of(ElasticsearchNode.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitHealthy(Process process, String address, Path log) throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("elasticsearch node exited with " + process.exitValue() + "; see "
                        + log.toAbsolutePath());
            }
            if (healthy(address)) {
                return;
            }
            try {
                process.waitFor(250, TimeUnit.MILLISECONDS); // returns at once if the node dies
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroy();
                throw new IllegalStateException("interrupted while the elasticsearch node started", e);
            }
        }
        process.destroy();
        throw new IllegalStateException("elasticsearch node not healthy after " + START_TIMEOUT + "; see "
                + log.toAbsolutePath());
    }

    /** True once the cluster is at least yellow. */
    public static boolean healthy(String address) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(address
                    + "/_cluster/health?wait_for_status=yellow&timeout=1s").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(3000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
