package org.careledger.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.util.Locale;

/**
 * The last line of the start-up log: ready, on which port, how long from launch (Spring Boot's own "Started ... in"
 * line comes before the start-up runners, so before the policy activation and the demo load).
 */
@Component
class ReadyLog {

    private static final Logger log = LoggerFactory.getLogger(ReadyLog.class);

    @EventListener
    void onReady(ApplicationReadyEvent event) {
        Environment environment = event.getApplicationContext().getEnvironment();
        String port = environment.getProperty("local.server.port", "-");
        double seconds = event.getTimeTaken() == null ? -1 : event.getTimeTaken().toMillis() / 1000.0;
        log.info("start-up: CareLedger ready on port {} in {} s", port, String.format(Locale.ROOT, "%.1f", seconds));
    }
}
