package dev.coldpath.spark;

import dev.coldpath.core.metrics.RunMetrics;
import org.apache.spark.util.AccumulatorV2;

/** Merges each task's {@link RunMetrics} on the driver. */
final class MetricsAccumulator extends AccumulatorV2<RunMetrics, RunMetrics> {
    private RunMetrics metrics = new RunMetrics();

    /**
     * Spark's heartbeater may read a task's accumulator before its fields are deserialised, so a null here means
     * "nothing yet".
     */
    private RunMetrics metrics() {
        RunMetrics m = metrics;
        return m == null ? new RunMetrics() : m;
    }

    @Override
    public boolean isZero() {
        return metrics().isEmpty();
    }

    @Override
    public AccumulatorV2<RunMetrics, RunMetrics> copy() {
        MetricsAccumulator copy = new MetricsAccumulator();
        copy.metrics = metrics().copy();
        return copy;
    }

    @Override
    public void reset() {
        metrics = new RunMetrics();
    }

    @Override
    public void add(RunMetrics task) {
        metrics.merge(task);
    }

    @Override
    public void merge(AccumulatorV2<RunMetrics, RunMetrics> other) {
        metrics.merge(other.value());
    }

    @Override
    public RunMetrics value() {
        return metrics();
    }
}
