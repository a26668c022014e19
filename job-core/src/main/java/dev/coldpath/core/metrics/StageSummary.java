package dev.coldpath.core.metrics;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One stage's batch latencies, as manifests store them: percentiles, maximum and total in milliseconds, and a
 * histogram. Percentiles are NaN only in a manifest of format 1 that did not record them.
 *
 * @param count batches timed
 */
public record StageSummary(long count, double p50Ms, double p95Ms, double p99Ms, double maxMs, double totalMs,
                           List<LatencyBin> histogram) {
    public StageSummary {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
        histogram = List.copyOf(requireNonNull(histogram, "histogram is null"));
    }
}
