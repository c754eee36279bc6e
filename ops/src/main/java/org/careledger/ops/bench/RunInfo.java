package org.careledger.ops.bench;

import javax.sql.DataSource;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What every harness prints beside its figures: the JVM's and the database's settings, the process's CPU time, and
 * the heap after a full GC and the resident set size (RSS) at the end of a run.
 */
public final class RunInfo {

    private RunInfo() {
    }

    public static String jvm() {
        Runtime rt = Runtime.getRuntime();
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", "));
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        return String.format(Locale.ROOT, "JVM: %s %s, %d processors, max heap %d MB, GC %s, arguments %s",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                rt.availableProcessors(), rt.maxMemory() >> 20, gcs, args.isEmpty() ? "(none)" : args);
    }

    public static String database(DataSource dataSource) throws SQLException {
        StringBuilder settings = new StringBuilder("PostgreSQL: ");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            boolean first = true;
            for (String name : List.of("server_version", "fsync", "synchronous_commit", "wal_sync_method",
                    "full_page_writes", "commit_delay", "max_connections", "shared_buffers", "work_mem",
                    "effective_cache_size", "max_wal_size", "checkpoint_timeout")) {
                try (ResultSet rs = s.executeQuery("show " + name)) {
                    rs.next();
                    settings.append(first ? "" : ", ").append(name).append('=').append(rs.getString(1));
                    first = false;
                }
            }
        }
        return settings.toString();
    }

    /** {@link #database(DataSource)} of the application's data source (for callers that do not touch JDBC). */
    public static String database(org.springframework.beans.factory.BeanFactory application) throws SQLException {
        return database(application.getBean(DataSource.class));
    }

    /** CPU time of this whole process (all threads) so far, in nanoseconds. */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * CPU time of the PostgreSQL server's processes so far (from /proc, when it runs on this machine), in ns; -1 when
     * it cannot be told. The postmaster is found as the parent of this connection's backend: the application's
     * least-privileged role may not read {@code data_directory} (and so the postmaster.pid file's path).
     */
    public static long serverCpuNanos(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            Path backend = Path.of("/proc", Long.toString(rs.getLong(1)));
            if (!Files.isReadable(backend.resolve("stat"))
                    || !Files.readString(backend.resolve("comm")).strip().startsWith("postgres")) {
                return -1; // another machine, or another process namespace
            }
            String stat = Files.readString(backend.resolve("stat"));
            long postmaster = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
            return treeCpuNanos(postmaster);
        } catch (SQLException | IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of a process and its live children (from /proc), in ns; -1 when /proc cannot tell. */
    private static long treeCpuNanos(long root) throws IOException {
        long ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(name);
                    long ppid = Long.parseLong(f[1]);
                    if (pid == root || ppid == root) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException ignoredVanishedProcess) {
                    // a backend that exited between the listing and the read: its time is no longer countable
                }
            }
        }
        return ticks * 10_000_000L; // USER_HZ = 100 on Linux
    }

    /** Heap used after a full GC, and the process's resident set size, as one line. */
    public static String memory() {
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return String.format(Locale.ROOT, "memory: heap after full GC %d MB (committed %d MB), RSS %s",
                heap.getUsed() >> 20, heap.getCommitted() >> 20, rss());
    }

    private static String rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return (kb >> 10) + " MB";
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }
}
