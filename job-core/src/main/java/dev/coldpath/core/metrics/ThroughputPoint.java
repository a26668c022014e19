package dev.coldpath.core.metrics;

/** Rows finished during one second of a run, counted from the first finished batch. */
public record ThroughputPoint(long second, long rows) {
    public ThroughputPoint {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0: " + rows);
        }
    }
}
