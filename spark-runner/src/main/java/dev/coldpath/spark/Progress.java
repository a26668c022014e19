package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How far a run is, from Spark's status tracker: partitions (tasks) done of the scoring stage's total, rows
 * scored by finished tasks, time so far; or from the local runner's workers: its splits done of its splits, and the
 * rows written so far of the input's rows, which its footers count.
 *
 * @param rowsTotal the input's rows, when known: the bar and the ETA then go by rows, which move within a part
 * @param unit      what the parts are, as the progress line names them
 */
public record Progress(String runId, int partitionsDone, int partitionsTotal, long rowsDone, OptionalLong rowsTotal,
                       Duration elapsed, Unit unit) {
    /** What a run's parts are. */
    public enum Unit {
        /** Spark's tasks of the scoring stage. */
        PARTITIONS,
        /** The local runner's splits of the input, each a part file. */
        SPLITS;

        /** As the progress line names them. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Progress {
        requireNonNull(rowsTotal, "rowsTotal is null");
        requireNonNull(elapsed, "elapsed is null");
        requireNonNull(unit, "unit is null");
    }

    /** The progress of a Spark run, counted in partitions. */
    public Progress(String runId, int partitionsDone, int partitionsTotal, long rowsDone, Duration elapsed) {
        this(runId, partitionsDone, partitionsTotal, rowsDone, OptionalLong.empty(), elapsed, Unit.PARTITIONS);
    }

    public double fraction() {
        if (byRows()) {
            return Math.min(1, (double) rowsDone / rowsTotal.getAsLong());
        }
        return partitionsTotal == 0 ? 0 : (double) partitionsDone / partitionsTotal;
    }

    public double rowsPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s > 0 ? rowsDone / s : 0;
    }

    /**
     * Time left if the remaining rows go as fast as those done, when the input's rows are known; else if the
     * remaining partitions go as fast as the finished ones.
     */
    public Optional<Duration> eta() {
        if (byRows()) {
            if (rowsDone == 0) {
                return Optional.empty();
            }
            long left = Math.max(0, rowsTotal.getAsLong() - rowsDone);
            return Optional.of(Duration.ofMillis((long) ((double) elapsed.toMillis() / rowsDone * left)));
        }
        if (partitionsDone == 0 || partitionsTotal == 0) {
            return Optional.empty();
        }
        double perPartition = (double) elapsed.toMillis() / partitionsDone;
        return Optional.of(Duration.ofMillis((long) (perPartition * (partitionsTotal - partitionsDone))));
    }

    private boolean byRows() {
        return rowsTotal.isPresent() && rowsTotal.getAsLong() > 0;
    }

    /** Receives progress while a run writes; called from a background thread. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = p -> { };

        void update(Progress progress);

        /**
         * The run was stopped because the JVM is shutting down (TERM, Ctrl-C): {@code line} says so and what was
         * left, to be shown as the run's one line; called from the JVM's shutdown hook.
         */
        default void stopped(String line) {
        }
    }
}
