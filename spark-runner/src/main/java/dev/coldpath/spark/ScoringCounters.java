package dev.coldpath.spark;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * The job's accumulators: rows scored, sessions opened and where. Created on the driver, updated by tasks,
 * read on the driver after the job. Serializable (accumulators travel with the partition function).
 */
final class ScoringCounters implements Serializable {
    final LongAccumulator rowsScored;
    final LongAccumulator batches;
    final LongAccumulator sessionsCreated;
    final LongAccumulator sessionLoadNanos;
    /** One "executorId@host:pid" entry per session opened. */
    final CollectionAccumulator<String> sessionOwners;

    ScoringCounters(SparkContext sc) {
        rowsScored = sc.longAccumulator("coldpath.rows.scored");
        batches = sc.longAccumulator("coldpath.batches");
        sessionsCreated = sc.longAccumulator("coldpath.sessions.created");
        sessionLoadNanos = sc.longAccumulator("coldpath.sessions.load.nanos");
        sessionOwners = sc.collectionAccumulator("coldpath.sessions.owners");
    }
}
