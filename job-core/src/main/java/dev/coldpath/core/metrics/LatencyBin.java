package dev.coldpath.core.metrics;

/**
 * Batches that took more than {@code lowerMs} and at most {@code upperMs} milliseconds. {@code upperMs} is
 * infinite only for the overflow bin of a manifest of format 1.
 */
public record LatencyBin(double lowerMs, double upperMs, long count) {
    public LatencyBin {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
    }
}
