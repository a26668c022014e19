package dev.coldpath.core.report;

import dev.coldpath.core.metrics.LatencyBin;
import dev.coldpath.core.metrics.OutputSummary;
import dev.coldpath.core.metrics.StageSummary;
import dev.coldpath.core.metrics.ThroughputPoint;
import dev.coldpath.core.table.RunManifest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What the report plots, projected from a manifest's typed metrics: nothing is parsed here. A manifest of
 * format 1 was upgraded when it was read; what it held that format 2 has no field for comes from its
 * {@link RunManifest.Legacy} part: other metrics, outputs summarised another way, and the parts that could not
 * be read (named, so the report can say so).
 */
record ReportMetrics(
        OptionalLong batches,
        List<String> budgetWarnings,
        List<String> deviceFallbacks,
        String quarantinePath,
        double rowsPerSecond,
        List<StageLatency> stages,
        List<ThroughputPoint> throughput,
        List<OutputDistribution> outputs,
        List<Double> sessionLoadMs,
        Map<String, Object> others,
        List<String> unreadable) {

    /** The stages in pipeline order; a stage not listed here follows them in the order the manifest has. */
    static final List<String> STAGE_ORDER = List.of("read", "tokenize", "image", "tensor", "inference", "decode",
            "write");

    ReportMetrics {
        budgetWarnings = List.copyOf(budgetWarnings);
        deviceFallbacks = List.copyOf(deviceFallbacks);
        stages = List.copyOf(stages);
        throughput = List.copyOf(throughput);
        outputs = List.copyOf(outputs);
        sessionLoadMs = List.copyOf(sessionLoadMs);
        others = Collections.unmodifiableMap(new LinkedHashMap<>(others));
        unreadable = List.copyOf(unreadable);
    }

    /** One stage's batch latencies: percentiles in ms (NaN when absent) and a histogram. */
    record StageLatency(String name, long count, double p50, double p95, double p99, double max, double total,
                        List<LatencyBin> histogram) {
        StageLatency {
            histogram = List.copyOf(histogram);
        }
    }

    /** The distribution of one model output's predictions. */
    sealed interface OutputDistribution permits NumericOutput, ClassOutput, UnknownOutput {
        String name();
    }

    /** A numeric output; {@code count} is -1 and the statistics NaN where the manifest does not give them. */
    record NumericOutput(String name, long count, double min, double max, double mean,
                         List<OutputSummary.Bin> histogram) implements OutputDistribution {
        NumericOutput {
            histogram = List.copyOf(histogram);
        }
    }

    /** Predictions per class, in the manifest's order; {@code truncated} when only the most frequent were kept. */
    record ClassOutput(String name, Map<String, Long> counts, boolean truncated) implements OutputDistribution {
        ClassOutput {
            counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        }
    }

    /** An output summarised in a way this report does not plot (format 1 only); shown as its raw values. */
    record UnknownOutput(String name, Object summary) implements OutputDistribution {
    }

    static ReportMetrics of(RunManifest manifest) {
        RunManifest.Metrics m = manifest.metrics();
        RunManifest.Legacy legacy = manifest.legacy() != null ? manifest.legacy()
                : new RunManifest.Legacy(Map.of(), Map.of(), List.of());
        List<StageLatency> stages = new ArrayList<>();
        m.stages().forEach((name, s) -> stages.add(stage(name, s)));
        stages.sort(Comparator.comparingInt(s -> {
            int i = STAGE_ORDER.indexOf(s.name());
            return i < 0 ? STAGE_ORDER.size() : i;
        }));
        List<OutputDistribution> outputs = new ArrayList<>();
        m.outputs().forEach((name, summary) -> {
            if (summary instanceof OutputSummary.Numeric n) {
                outputs.add(new NumericOutput(name, n.count() == null ? -1 : n.count(), orNaN(n.min()),
                        orNaN(n.max()), orNaN(n.mean()), n.histogram()));
            } else if (summary instanceof OutputSummary.Classes c) {
                outputs.add(new ClassOutput(name, c.counts(), c.truncated()));
            }
        });
        legacy.otherOutputs().forEach((name, summary) -> outputs.add(new UnknownOutput(name, summary)));
        return new ReportMetrics(m.batches() == null ? OptionalLong.empty() : OptionalLong.of(m.batches()),
                m.budgetWarnings(), m.deviceFallbacks(), m.quarantinePath(), orNaN(m.rowsPerSecond()), stages,
                m.throughput(), outputs, m.sessionLoadMs(), legacy.otherMetrics(), legacy.unreadable());
    }

    private static StageLatency stage(String name, StageSummary s) {
        return new StageLatency(name, s.count(), s.p50Ms(), s.p95Ms(), s.p99Ms(), s.maxMs(), s.totalMs(),
                s.histogram());
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }
}
