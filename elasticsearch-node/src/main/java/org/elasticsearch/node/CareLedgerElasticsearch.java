package org.elasticsearch.node;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.MockPluginsService;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Starts one real single-node Elasticsearch in this JVM from the Maven Central jars: the server's own node
 * construction with a classpath plugin service (netty4 for HTTP and transport), as {@code MockNode} does, but without
 * the test runner (which, like {@code bin/elasticsearch}, refuses to run as root: shared/NOTES.md). In this package
 * because the node-construction hooks are package-private. Security is not part of the server jar: the node listens
 * on 127.0.0.1 only. For a real cluster, point CareLedger at it instead (docs/operations.md).
 * <p>
 * Arguments: {@code <home directory> <http port> [<transport port>]}. Prints one line {@code elasticsearch: started
 * http://127.0.0.1:<port>} when it listens, and stops the node on SIGTERM.
 */
public final class CareLedgerElasticsearch {

    private CareLedgerElasticsearch() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CareLedgerElasticsearch <home directory> <http port> [<transport port>]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int httpPort = Integer.parseInt(args[1]);
        String transportPort = args.length > 2 ? args[2] : "0";
        Files.createDirectories(home.resolve("config"));
        Settings settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", "careledger-local")
                .put("node.name", "careledger-local-1")
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPort)
                .put("transport.port", transportPort)
                .put("http.type", Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
                .put("transport.type", Netty4Plugin.NETTY_TRANSPORT_NAME)
                // a laptop's or CI runner's disk is often more than 90 % full: do not go read-only for that
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .build();
        // the server's own logging (log4j to the console, level INFO) before any of its classes logs
        LogConfigurator.configureESLogging();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null,
                () -> "careledger-local-1");
        NodeServiceProvider classpathPlugins = new NodeServiceProvider() {
            @Override
            PluginsService newPluginService(Environment env, PluginsLoader loader) {
                return new MockPluginsService(env.settings(), env, List.of(Netty4Plugin.class));
            }
        };
        Node node = new Node(NodeConstruction.prepareConstruction(environment, null, classpathPlugins, true));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("elasticsearch: stop failed: " + e.getClass().getSimpleName());
            } finally {
                stopped.countDown();
            }
        }, "careledger-elasticsearch-stop"));
        node.start();
        System.out.println("elasticsearch: started http://127.0.0.1:" + httpPort);
        System.out.flush();
        stopped.await();
    }
}
