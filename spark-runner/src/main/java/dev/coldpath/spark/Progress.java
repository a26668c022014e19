package dev.coldpath.spark;

import java.time.Duration;
import java.util.Optional;

/**
 * How far a run is, from Spark's status tracker: partitions (tasks) done of the scoring stage's total, rows
 * scored by finished tasks, time so far; or from the local runner's workers, its splits done of its splits.
 *
 * @param unit what the parts are, as the progress line names them: {@code partitions} or {@code splits}
 */
public record Progress(String runId, int partitionsDone, int partitionsTotal, long rowsDone, Duration elapsed,
                       String unit) {
    /** The progress of a Spark run, counted in partitions. */
    public Progress(String runId, int partitionsDone, int partitionsTotal, long rowsDone, Duration elapsed) {
        this(runId, partitionsDone, partitionsTotal, rowsDone, elapsed, "partitions");
    }

    public double fraction() {
        return partitionsTotal == 0 ? 0 : (double) partitionsDone / partitionsTotal;
    }

    public double rowsPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s > 0 ? rowsDone / s : 0;
    }

    /** Time left if the remaining partitions go as fast as the finished ones. */
    public Optional<Duration> eta() {
        if (partitionsDone == 0 || partitionsTotal == 0) {
            return Optional.empty();
        }
        double perPartition = (double) elapsed.toMillis() / partitionsDone;
        return Optional.of(Duration.ofMillis((long) (perPartition * (partitionsTotal - partitionsDone))));
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
