package dev.coldpath.spark;

import java.io.Serializable;
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
    final LongAccumulator sessionsCreated;
    final LongAccumulator sessionLoadNanos;
    /** One "executorId@pid@host" entry per session opened. */
    final CollectionAccumulator<String> sessionOwners;
    final MetricsAccumulator metrics;
    /** One "executorId: reason" entry per task that fell back from a GPU to the CPU (inference.device: auto). */
    final CollectionAccumulator<String> deviceFallbacks;
    /** When the run started, for throughput over time. */
    final long startMillis;

    ScoringCounters(SparkContext sc, long startMillis) {
        rowsScored = sc.longAccumulator("coldpath.rows.scored");
        rowsRejected = sc.longAccumulator("coldpath.rows.rejected");
        batches = sc.longAccumulator("coldpath.batches");
        sessionsCreated = sc.longAccumulator("coldpath.sessions.created");
        sessionLoadNanos = sc.longAccumulator("coldpath.sessions.load.nanos");
        sessionOwners = sc.collectionAccumulator("coldpath.sessions.owners");
        deviceFallbacks = sc.collectionAccumulator("coldpath.device.fallbacks");
        metrics = new MetricsAccumulator();
        sc.register(metrics, "coldpath.metrics");
        this.startMillis = startMillis;
    }
}
