package dev.coldpath.spark;

import java.io.Serializable;
import java.util.UUID;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * The job's accumulators: rows scored and rejected, sessions opened and where, per-stage metrics. Created on
 * the driver, updated by tasks, read on the driver after the job. Serializable (accumulators travel with the
 * partition function).
 */
final class ScoringCounters implements Serializable {
    final LongAccumulator rowsScored;
    final LongAccumulator rowsRejected;
    final LongAccumulator batches;
    /** The sessions this run opened, reported by every task that used one, counted once each. */
    final SessionsAccumulator sessions;
    final MetricsAccumulator metrics;
    /** One "executorId: reason" entry per task that fell back from a GPU to the CPU (inference.device: auto). */
    final CollectionAccumulator<String> deviceFallbacks;
    /** The batch size and session settings each task ran with, as it resolved them (threads and device). */
    final CollectionAccumulator<ResolvedInference> inference;
    /** When the run started, for throughput over time. */
    final long startMillis;
    /** This run among others of the same application, for the executors' record of who opened a session. */
    final String run;

    ScoringCounters(SparkContext sc, long startMillis) {
        rowsScored = sc.longAccumulator("coldpath.rows.scored");
        rowsRejected = sc.longAccumulator("coldpath.rows.rejected");
        batches = sc.longAccumulator("coldpath.batches");
        sessions = new SessionsAccumulator();
        sc.register(sessions, "coldpath.sessions");
        deviceFallbacks = sc.collectionAccumulator("coldpath.device.fallbacks");
        inference = sc.collectionAccumulator("coldpath.inference");
        metrics = new MetricsAccumulator();
        sc.register(metrics, "coldpath.metrics");
        this.startMillis = startMillis;
        this.run = UUID.randomUUID().toString();
    }

    /**
     * Counters outside Spark (the local runner, docs/architecture.md): the same accumulators, registered with no
     * context; one per worker thread, as accumulators are not thread safe, merged with {@link #merge}.
     */
    ScoringCounters(long startMillis, String run) {
        rowsScored = new LongAccumulator();
        rowsRejected = new LongAccumulator();
        batches = new LongAccumulator();
        sessions = new SessionsAccumulator();
        deviceFallbacks = new CollectionAccumulator<>();
        inference = new CollectionAccumulator<>();
        metrics = new MetricsAccumulator();
        this.startMillis = startMillis;
        this.run = run;
    }

    /** Adds what {@code other} counted to these counters. */
    void merge(ScoringCounters other) {
        rowsScored.merge(other.rowsScored);
        rowsRejected.merge(other.rowsRejected);
        batches.merge(other.batches);
        sessions.merge(other.sessions);
        deviceFallbacks.merge(other.deviceFallbacks);
        inference.merge(other.inference);
        metrics.merge(other.metrics);
    }
}
