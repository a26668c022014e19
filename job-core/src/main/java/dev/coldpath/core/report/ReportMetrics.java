package dev.coldpath.core.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The parts of a manifest's {@code metrics} map that the report plots, read leniently: a part that is absent
 * (older manifests hold only {@code batches}) or not in the expected shape is left out and named in
 * {@link #unreadable}, so the report shows what it can. docs/operations.md describes the shape.
 */
record ReportMetrics(
        OptionalLong batches,
        double rowsPerSecond,
        List<StageLatency> stages,
        List<ThroughputPoint> throughput,
        List<OutputDistribution> outputs,
        List<Double> sessionLoadMs,
        Map<String, Object> others,
        List<String> unreadable) {

    /** The stages in pipeline order; a stage not listed here follows them in the order the manifest has. */
    static final List<String> STAGE_ORDER = List.of("read", "tensor", "inference", "decode", "write");
    static final Set<String> KNOWN_KEYS = Set.of("batches", "rows_per_second", "stages", "throughput", "outputs",
            "session_load_ms");

    ReportMetrics {
        stages = List.copyOf(stages);
        throughput = List.copyOf(throughput);
        outputs = List.copyOf(outputs);
        sessionLoadMs = List.copyOf(sessionLoadMs);
        others = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(others));
        unreadable = List.copyOf(unreadable);
    }

    /** One stage's batch latencies: percentiles in ms (NaN when absent) and a histogram. */
    record StageLatency(String name, long count, double p50, double p95, double p99, double max, double total,
                        List<LatencyBin> histogram) {
        StageLatency {
            histogram = List.copyOf(histogram);
        }
    }

    /** Batches that took at most {@code upperMs} (and more than the previous bin's bound); +∞ for overflow. */
    record LatencyBin(double upperMs, long count) {
    }

    /** Rows finished during one second of the run, counted from its start. */
    record ThroughputPoint(double second, long rows) {
    }

    /** The distribution of one model output's predictions. */
    sealed interface OutputDistribution permits NumericOutput, ClassOutput, UnknownOutput {
        String name();
    }

    record NumericOutput(String name, long count, double min, double max, double mean, List<ValueBin> histogram)
            implements OutputDistribution {
        NumericOutput {
            histogram = List.copyOf(histogram);
        }
    }

    record ValueBin(double lower, double upper, long count) {
    }

    /** Predictions per class, in the manifest's order. */
    record ClassOutput(String name, Map<String, Long> counts) implements OutputDistribution {
        ClassOutput {
            counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        }
    }

    /** An output summarised in a way this report does not plot; shown as its raw values. */
    record UnknownOutput(String name, Object summary) implements OutputDistribution {
    }

    static ReportMetrics from(Map<String, Object> metrics) {
        List<String> unreadable = new ArrayList<>();
        Map<String, Object> m = metrics == null ? Map.of() : metrics;
        OptionalLong batches = OptionalLong.empty();
        if (m.get("batches") instanceof Number n) {
            batches = OptionalLong.of(n.longValue());
        }
        double rowsPerSecond = m.get("rows_per_second") instanceof Number n ? n.doubleValue() : Double.NaN;
        List<StageLatency> stages = read(m, "stages", unreadable, ReportMetrics::stages);
        List<ThroughputPoint> throughput = read(m, "throughput", unreadable, ReportMetrics::throughput);
        List<OutputDistribution> outputs = read(m, "outputs", unreadable, ReportMetrics::outputs);
        List<Double> loads = read(m, "session_load_ms", unreadable, v -> list(v).stream().map(x -> num(x)).toList());
        Map<String, Object> others = new LinkedHashMap<>();
        m.entrySet().stream().filter(e -> !KNOWN_KEYS.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> others.put(e.getKey(), e.getValue()));
        return new ReportMetrics(batches, rowsPerSecond, stages, throughput, outputs, loads, others, unreadable);
    }

    private interface Reader<T> {
        List<T> read(Object value);
    }

    private static <T> List<T> read(Map<String, Object> m, String key, List<String> unreadable, Reader<T> reader) {
        Object value = m.get(key);
        if (value == null) {
            return List.of();
        }
        try {
            return reader.read(value);
        } catch (RuntimeException e) {
            unreadable.add(key + " (" + e.getMessage() + ")");
            return List.of();
        }
    }

    private static List<StageLatency> stages(Object value) {
        List<StageLatency> stages = new ArrayList<>();
        for (Map.Entry<String, Object> e : map(value, "stages").entrySet()) {
            Map<String, Object> s = map(e.getValue(), "stages." + e.getKey());
            List<LatencyBin> bins = new ArrayList<>();
            for (Object b : list(s.getOrDefault("histogram", List.of()))) {
                Map<String, Object> bin = map(b, "stages." + e.getKey() + ".histogram[]");
                Object upper = bin.get("upper_ms");
                bins.add(new LatencyBin(upper == null ? Double.POSITIVE_INFINITY : num(upper), whole(bin.get("count"))));
            }
            bins.sort(Comparator.comparingDouble(LatencyBin::upperMs));
            stages.add(new StageLatency(e.getKey(), s.get("count") == null ? 0 : whole(s.get("count")),
                    optional(s.get("p50_ms")), optional(s.get("p95_ms")), optional(s.get("p99_ms")),
                    optional(s.get("max_ms")), optional(s.get("total_ms")), bins));
        }
        stages.sort(Comparator.comparingInt(s -> {
            int i = STAGE_ORDER.indexOf(s.name());
            return i < 0 ? STAGE_ORDER.size() : i;
        }));
        return stages;
    }

    private static List<ThroughputPoint> throughput(Object value) {
        List<ThroughputPoint> points = new ArrayList<>();
        for (Object p : list(value)) {
            Map<String, Object> point = map(p, "throughput[]");
            points.add(new ThroughputPoint(num(point.get("second")), whole(point.get("rows"))));
        }
        points.sort(Comparator.comparingDouble(ThroughputPoint::second));
        return points;
    }

    private static List<OutputDistribution> outputs(Object value) {
        List<OutputDistribution> outputs = new ArrayList<>();
        for (Map.Entry<String, Object> e : map(value, "outputs").entrySet()) {
            String name = e.getKey();
            Map<String, Object> o = map(e.getValue(), "outputs." + name);
            Object kind = o.get("kind");
            if ("numeric".equals(kind)) {
                List<ValueBin> bins = new ArrayList<>();
                for (Object b : list(o.getOrDefault("histogram", List.of()))) {
                    Map<String, Object> bin = map(b, "outputs." + name + ".histogram[]");
                    bins.add(new ValueBin(num(bin.get("lower")), num(bin.get("upper")), whole(bin.get("count"))));
                }
                bins.sort(Comparator.comparingDouble(ValueBin::lower));
                outputs.add(new NumericOutput(name, o.get("count") == null ? -1 : whole(o.get("count")),
                        optional(o.get("min")), optional(o.get("max")), optional(o.get("mean")), bins));
            } else if ("classes".equals(kind)) {
                Map<String, Long> counts = new LinkedHashMap<>();
                map(o.get("counts"), "outputs." + name + ".counts").forEach((k, v) -> counts.put(k, whole(v)));
                outputs.add(new ClassOutput(name, counts));
            } else {
                outputs.add(new UnknownOutput(name, o));
            }
        }
        return outputs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        throw new IllegalArgumentException(what + " is not an object");
    }

    private static List<Object> list(Object value) {
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        throw new IllegalArgumentException("not a list: " + value);
    }

    private static double num(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("not a number: " + value);
    }

    private static long whole(Object value) {
        double v = num(value);
        if (v < 0 || v != Math.rint(v)) {
            throw new IllegalArgumentException("not a count: " + value);
        }
        return (long) v;
    }

    private static double optional(Object value) {
        return value == null ? Double.NaN : num(value);
    }
}
