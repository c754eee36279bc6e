package org.careledger.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The "just run it" PostgreSQL, used only when no {@code spring.datasource.url} is set.
 *
 * @param dataDir     where the cluster keeps its data; kept between runs, so a restart sees the same ledger
 * @param port        the port to listen on; 0 picks a free one at every start
 * @param workingDir  where the PostgreSQL binaries are unpacked; empty means the {@code ot.epg.working-dir}
 *                    system property, else the system temp directory
 * @param startupWait how long to wait for the server to accept connections
 * @param durable     fsync and synchronous commits on (the default: a ledger's commits must survive a crash);
 *                    the test build turns it off for speed
 * @param watchdogInterval how often the server is checked; a server that has died is started again on the same
 *                    port and data; 0 turns the watchdog off
 */
@ConfigurationProperties("careledger.embedded-db")
public record EmbeddedDbProperties(
        @DefaultValue("./data/postgres") Path dataDir,
        @DefaultValue("0") int port,
        Path workingDir,
        @DefaultValue("60s") Duration startupWait,
        @DefaultValue("true") boolean durable,
        @DefaultValue("1s") Duration watchdogInterval) {
}
