package org.careledger.demo;

import org.careledger.bulk.BulkWriter;
import org.careledger.integrity.LedgerChainer;
import org.careledger.shared.Registers;
import org.careledger.views.ViewsStartup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import java.time.Clock;

/**
 * Loads the demo region on start-up when the ledger is empty, through the same {@link DemoLoader} as the
 * {@code demo} command. {@code careledger.demo.enabled} (default true) switches it off;
 * {@code careledger.demo.patients} defaults to {@value DemoRegion#DEFAULT_PATIENTS} on the embedded database and to 0
 * (no demo) when a real {@code spring.datasource.url} is configured. {@code careledger.demo.seed} defaults to 42.
 * Runs before the application reports ready, so readiness waits for the demo, and after the views' start-up duties
 * ({@link ViewsStartup#ORDER}: the shipped policy is in force before the first demo entry is written).
 * <p>
 * It is an auto-configuration of this module (META-INF/spring/...AutoConfiguration.imports), active in the web
 * application only, so the application finds it on its classpath without depending on the demo generator, and the
 * command-line tools (which start no web server) never load a demo by surprise.
 */
@AutoConfiguration
@ConditionalOnWebApplication
@Order(ViewsStartup.ORDER + 1)
public class DemoOnStartup implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoOnStartup.class);

    private final Environment environment;
    private final Registers registers;
    private final BulkWriter bulk;
    private final Clock clock;
    private final LedgerChainer chainer;

    public DemoOnStartup(Environment environment, Registers registers, BulkWriter bulk,
                         Clock clock, LedgerChainer chainer) {
        this.environment = environment;
        this.registers = registers;
        this.bulk = bulk;
        this.clock = clock;
        this.chainer = chainer;
    }

    /** Patients to load: the configured number, else 2,000 on the embedded database and 0 on a real one. */
    static int patients(Environment environment) {
        if (!environment.getProperty("careledger.demo.enabled", Boolean.class, true)) {
            return 0;
        }
        Integer configured = environment.getProperty("careledger.demo.patients", Integer.class);
        if (configured != null) {
            if (configured < 0 || configured > DemoRegion.MAX_PATIENTS) {
                throw new IllegalArgumentException("careledger.demo.patients must be 0 to " + DemoRegion.MAX_PATIENTS);
            }
            return configured;
        }
        return StringUtils.hasText(environment.getProperty("spring.datasource.url")) ? 0 : DemoRegion.DEFAULT_PATIENTS;
    }

    @Override
    public void run(ApplicationArguments args) {
        int patients = patients(environment);
        if (patients == 0) {
            log.info("Demo region not requested");
            return;
        }
        long seed = environment.getProperty("careledger.demo.seed", Long.class, DemoRegion.DEFAULT_SEED);
        int threads = environment.getProperty("careledger.demo.threads", Integer.class, 2);
        DemoLoader loader = new DemoLoader(registers, bulk);
        if (loader.loaded()) {
            log.info("Demo region already loaded: not loading again");
            return;
        }
        int step = Math.max(1, patients / 10);
        // the demo's clock starts four weeks before today, so its grants are in force when it is opened
        DemoRegion region = new DemoRegion(seed, patients, DemoRegion.startBefore(clock.instant()));
        // the ledger chain waits while the demo loads and catches up after it (ADR 38)
        DemoLoader.Result result = chainer.deferredDuring(() -> loader.load(region, threads, (done, total) -> {
            if (done % step == 0) {
                log.info("Demo region: {}/{} patients loaded", done, total);
            }
        }));
        log.info("start-up: demo region loaded: {} patients, {} events in {} s", result.patients(), result.commands(),
                String.format(java.util.Locale.ROOT, "%.1f", result.elapsed().toMillis() / 1000.0));
    }
}
