package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

/**
 * What a {@link Coldpath#scored} DataFrame counted, read from Spark accumulators on the driver: zero until an action
 * computes the rows, and summed over every computation (an uncached DataFrame counted twice is scored twice).
 */
public final class ScoringCounts {
    private final ScoringCounters counters;

    ScoringCounts(ScoringCounters counters) {
        this.counters = requireNonNull(counters, "counters is null");
    }

    /** Rows scored and returned. */
    public long rowsScored() {
        return counters.rowsScored.value();
    }

    /** Rows left out by {@code bad-rows.policy: skip}. */
    public long rowsRejected() {
        return counters.rowsRejected.value();
    }

    /** ONNX Runtime calls. */
    public long batches() {
        return counters.batches.value();
    }

    /** Sessions opened to score these rows: one per executor JVM that had none cached. */
    public long sessionsOpened() {
        return counters.sessions.value().size();
    }

    @Override
    public String toString() {
        return "ScoringCounts[rowsScored=" + rowsScored() + ", rowsRejected=" + rowsRejected() + ", batches="
                + batches() + ", sessionsOpened=" + sessionsOpened() + "]";
    }
}
