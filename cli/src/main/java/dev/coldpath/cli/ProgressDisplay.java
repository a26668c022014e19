package dev.coldpath.cli;

import dev.coldpath.spark.Progress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows a run's progress: a bar redrawn in place on an interactive terminal, or a plain line every
 * {@code logEvery} elsewhere (logs, schedulers).
 */
final class ProgressDisplay implements Progress.Listener {
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean terminal;
    private final Duration logEvery;
    private long lastLog;

    ProgressDisplay(PrintStream err, boolean terminal, Duration logEvery) {
        this.err = err;
        this.terminal = terminal;
        this.logEvery = logEvery;
    }

    static ProgressDisplay forConsole() {
        return new ProgressDisplay(System.err, System.console() != null, Duration.ofSeconds(10));
    }

    @Override
    public synchronized void update(Progress p) {
        if (p.partitionsTotal() == 0) {
            return; // the scoring job has not started yet
        }
        if (terminal) {
            err.print("\r" + bar(p) + "\u001b[K");
            err.flush();
            return;
        }
        long now = p.elapsed().toMillis();
        if (lastLog == 0 || now - lastLog >= logEvery.toMillis()) {
            lastLog = now;
            err.println("coldpath: progress " + line(p));
            err.flush();
        }
    }

    @Override
    public synchronized void stopped(String line) {
        finish();
        err.println("coldpath: " + line);
        err.flush();
    }

    /** Ends the bar's line so the summary starts on a fresh one. */
    synchronized void finish() {
        if (terminal) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }

    static String bar(Progress p) {
        int filled = (int) Math.round(p.fraction() * WIDTH);
        return "[" + "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "") + "] "
                + line(p);
    }

    static String line(Progress p) {
        String rows = p.rowsTotal().isPresent()
                ? String.format(Locale.ROOT, "%,d/%,d rows", p.rowsDone(), p.rowsTotal().getAsLong())
                : String.format(Locale.ROOT, "%,d rows", p.rowsDone());
        return String.format(Locale.ROOT, "run %s: %d/%d %s, %s, %,.0f rows/s, elapsed %s, ETA %s",
                p.runId(), p.partitionsDone(), p.partitionsTotal(), p.unit().label(), rows, p.rowsPerSecond(),
                format(p.elapsed()), p.eta().map(ProgressDisplay::format).orElse("?"));
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
