package dev.coldpath.spark;

import dev.coldpath.core.compare.BindingComparison;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/** Merges each task's {@link BindingComparison}s, by binding name, on the driver. */
final class ComparisonsAccumulator
        extends AccumulatorV2<Map<String, BindingComparison>, Map<String, BindingComparison>> {
    private Map<String, BindingComparison> comparisons = new LinkedHashMap<>();

    /** As {@link MetricsAccumulator}: a heartbeat may read a task's copy before it is deserialised. */
    private Map<String, BindingComparison> comparisons() {
        Map<String, BindingComparison> c = comparisons;
        return c == null ? new LinkedHashMap<>() : c;
    }

    @Override
    public boolean isZero() {
        return comparisons().isEmpty();
    }

    @Override
    public AccumulatorV2<Map<String, BindingComparison>, Map<String, BindingComparison>> copy() {
        ComparisonsAccumulator copy = new ComparisonsAccumulator();
        copy.add(comparisons());
        return copy;
    }

    @Override
    public void reset() {
        comparisons = new LinkedHashMap<>();
    }

    @Override
    public void add(Map<String, BindingComparison> task) {
        task.forEach((binding, comparison) -> comparisons.computeIfAbsent(binding, b -> comparison.emptyLike())
                .merge(comparison));
    }

    @Override
    public void merge(AccumulatorV2<Map<String, BindingComparison>, Map<String, BindingComparison>> other) {
        add(other.value());
    }

    @Override
    public Map<String, BindingComparison> value() {
        return comparisons();
    }
}
