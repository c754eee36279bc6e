package org.careledger.ops.bench;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A JDK Flight Recorder profile of a benchmark's subject: started before the subject's phases, stopped after, then
 * read back with {@code jdk.jfr.consumer}: the {@code jdk.ExecutionSample} events (Java threads on CPU, sampled every
 * 10-20 ms with the "profile" settings) aggregated by their top frame (where the CPU time is spent) and by the first
 * CareLedger frame on the stack (which of our code leads there). What the next optimisation is chosen from.
 */
public final class Profile implements AutoCloseable {

    private final Recording recording;
    private final Path file;

    private Profile(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /** Starts a recording with the JDK's "profile" settings. */
    public static Profile start() throws IOException, ParseException {
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        // waiting, not only running: database round trips (socket reads) and lock/park waits of 1 ms or more
        recording.enable("jdk.SocketRead").withThreshold(java.time.Duration.ofMillis(1)).withStackTrace();
        recording.enable("jdk.ThreadPark").withThreshold(java.time.Duration.ofMillis(1)).withStackTrace();
        recording.enable("jdk.JavaMonitorEnter").withThreshold(java.time.Duration.ofMillis(1)).withStackTrace();
        recording.setToDisk(true);
        recording.start();
        Path file = Files.createTempFile("careledger-bench-", ".jfr");
        return new Profile(recording, file);
    }

    /** A window of wall-clock time (epoch ms) in which the subject ran; only samples inside windows count. */
    private final List<long[]> windows = new ArrayList<>();

    public void window(long fromEpochMillis, long toEpochMillis) {
        windows.add(new long[]{fromEpochMillis, toEpochMillis});
    }

    /** Stops the recording and prints the top frames of the subject's windows. */
    public List<String> topFrames(int top) throws IOException {
        recording.stop();
        recording.dump(file);
        Map<String, Long> byTopFrame = new HashMap<>();
        Map<String, Long> byOurFrame = new HashMap<>();
        long samples = 0;
        Map<String, Long> waits = new HashMap<>();
        long waitedNanos = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!inWindow(e.getStartTime().toEpochMilli())) {
                continue;
            }
            String type = e.getEventType().getName();
            if ((type.equals("jdk.SocketRead") || type.equals("jdk.ThreadPark") || type.equals("jdk.JavaMonitorEnter"))
                    && e.getStackTrace() != null) {
                String ours = null;
                boolean harness = false;
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    String n = name(f);
                    if (n.startsWith("org.careledger.ops.bench.")) {
                        harness = true;
                    } else if (n.startsWith("org.careledger.") && ours == null) {
                        ours = n;
                    }
                }
                if (ours == null && harness && !(type.equals("jdk.ThreadPark") && inHarnessWait(e))) {
                    ours = "(no CareLedger frame: the framework, e.g. the commit)";
                }
                if (ours != null && !ours.startsWith("org.careledger.ops.")
                        && !ours.startsWith("org.careledger.registers.SignInNotifications.")) {
                    // the harness's own idle threads (the main thread, clients waiting for arrivals) are not the
                    // subject, nor is the sign-in listener waiting on its connection for a notification (ADR 34)
                    long nanos = e.getDuration().toNanos();
                    waits.merge(type.substring(4) + " under " + ours, nanos, Long::sum);
                    waitedNanos += nanos;
                }
                continue;
            }
            if (!type.equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            byTopFrame.merge(name(stack.getFrames().get(0)), 1L, Long::sum);
            String ours = "(no CareLedger frame)";
            for (RecordedFrame f : stack.getFrames()) {
                String n = name(f);
                if (n.startsWith("org.careledger.") && !n.startsWith("org.careledger.ops.bench.")) {
                    ours = n;
                    break;
                }
            }
            byOurFrame.merge(ours, 1L, Long::sum);
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "JFR profile of the subject: %d execution samples", samples));
        lines.add("top frames (where the CPU goes):");
        lines.addAll(top(byTopFrame, samples, top));
        lines.add("first CareLedger frame on the stack (which code leads there):");
        lines.addAll(top(byOurFrame, samples, top));
        lines.add(String.format(Locale.ROOT, "waits of 1 ms or more under CareLedger code (socket reads = database round "
                + "trips and commits, parks and monitors = locks and pools): %.1f s in total, by first CareLedger frame:",
                waitedNanos / 1e9));
        long allWaits = waitedNanos;
        waits.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(w -> lines.add(String.format(Locale.ROOT, "  %5.1f %%  %8.1f ms  %s",
                        100.0 * w.getValue() / Math.max(1, allWaits), w.getValue() / 1e6, w.getKey())));
        return lines;
    }

    /**
     * A client thread of the harness parked waiting for work (the open loop's pool), not for the subject; or the
     * sign-in notifications' listener waiting for a notification (idle, ADR 34).
     */
    private static boolean inHarnessWait(RecordedEvent e) {
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (n.startsWith("java.util.concurrent.ThreadPoolExecutor.getTask")
                    || n.startsWith("org.careledger.ops.bench.OpenLoop.run")
                    || n.startsWith("org.careledger.ops.bench.ClosedLoop.waitUntil")
                    || n.startsWith("org.careledger.registers.SignInNotifications.listen")) {
                return true;
            }
        }
        return false;
    }

    private boolean inWindow(long at) {
        if (windows.isEmpty()) {
            return true;
        }
        for (long[] w : windows) {
            if (at >= w[0] && at <= w[1]) {
                return true;
            }
        }
        return false;
    }

    private static List<String> top(Map<String, Long> counts, long total, int n) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .map(e -> String.format(Locale.ROOT, "  %5.1f %%  %s", 100.0 * e.getValue() / Math.max(1, total),
                        e.getKey())).toList();
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    @Override
    public void close() throws IOException {
        recording.close();
        Files.deleteIfExists(file);
    }
}
