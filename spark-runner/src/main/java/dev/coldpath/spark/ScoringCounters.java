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
    final String run = UUID.randomUUID().toString();

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
    }
}
