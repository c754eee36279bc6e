package org.careledger.ops;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line textual progress bar on stderr ({@code [#####.....]  52%  1,040/2,000 patients  31 s}), redrawn at most
 * every 250 ms. Kept to a few lines rather than adding a progress-bar library (and its terminal dependencies) to
 * the one executable jar; stdout stays clean for the summary.
 */
final class TextProgressBar {

    private static final int WIDTH = 40;

    private final PrintWriter err;
    private final String unit;
    private final long started = System.nanoTime();
    private long lastDraw;
    private int lastDone;
    private int lastTotal;
    private long events = -1;
    private String eventUnit;

    TextProgressBar(PrintWriter err, String unit) {
        this.err = err;
        this.unit = unit;
    }

    synchronized void update(int done, int total) {
        lastDone = Math.max(lastDone, done);
        lastTotal = total;
        long now = System.nanoTime();
        if (now - lastDraw > 250_000_000L || lastDone == total) {
            lastDraw = now;
            draw();
        }
    }

    /**
     * With a second count ({@code events}): the line adds the rates of both and the time left
     * ({@code 12 patients/s  340 events/s  ETA 1m20s}).
     */
    synchronized void update(int done, int total, long events, String eventUnit) {
        this.events = events;
        this.eventUnit = eventUnit;
        update(done, total);
    }

    /** The rates and time left as text, for plain progress lines when stderr is not a terminal. */
    synchronized String rates(int done, int total, long events, String eventUnit) {
        double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
        double perSecond = done / seconds;
        String eta = perSecond <= 0 || done >= total ? "0s" : duration((long) ((total - done) / perSecond));
        return String.format(Locale.ROOT, "%.1f %s/s  %.0f %s/s  ETA %s", perSecond, unit, events / seconds, eventUnit, eta);
    }

    private static String duration(long seconds) {
        return seconds >= 60 ? seconds / 60 + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s" : seconds + "s";
    }

    synchronized void finish() {
        draw();
        err.println();
        err.flush();
    }

    private void draw() {
        int total = Math.max(1, lastTotal);
        int filled = (int) ((long) lastDone * WIDTH / total);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        err.print(String.format(Locale.ROOT, "\r[%s] %3d%%  %,d/%,d %s  %d s", bar, (long) lastDone * 100 / total,
                lastDone, lastTotal, unit, seconds)
                + (events < 0 ? "" : "  " + rates(lastDone, lastTotal, events, eventUnit) + "   "));
        err.flush();
    }
}
