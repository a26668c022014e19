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
        List<String> budgetWarnings,
        String quarantinePath,
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
            "session_load_ms", "budget_warnings", "quarantine_path");

    ReportMetrics {
        budgetWarnings = List.copyOf(budgetWarnings);
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

    /** Batches that took more than {@code lowerMs} and at most {@code upperMs}; +∞ for overflow. */
    record LatencyBin(double lowerMs, double upperMs, long count) {
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

    /** Predictions per class, in the manifest's order; {@code truncated} when only the most frequent were kept. */
    record ClassOutput(String name, Map<String, Long> counts, boolean truncated) implements OutputDistribution {
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
        List<String> warnings = read(m, "budget_warnings", unreadable, v -> list(v).stream().map(String::valueOf)
                .toList());
        String quarantine = m.get("quarantine_path") == null ? null : String.valueOf(m.get("quarantine_path"));
        Map<String, Object> others = new LinkedHashMap<>();
        m.entrySet().stream().filter(e -> !KNOWN_KEYS.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> others.put(e.getKey(), e.getValue()));
        return new ReportMetrics(batches, warnings, quarantine, rowsPerSecond, stages, throughput, outputs, loads,
                others, unreadable);
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
            List<double[]> raw = new ArrayList<>(); // lower (NaN if not given), upper, count
            for (Object b : list(s.getOrDefault("histogram", List.of()))) {
                Map<String, Object> bin = map(b, "stages." + e.getKey() + ".histogram[]");
                Object upper = bin.get("upper_ms");
                raw.add(new double[] {optional(bin.get("lower_ms")),
                    upper == null ? Double.POSITIVE_INFINITY : num(upper), whole(bin.get("count"))});
            }
            raw.sort(Comparator.comparingDouble(r -> r[1]));
            List<LatencyBin> bins = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                double[] r = raw.get(i);
                double lower = !Double.isNaN(r[0]) ? r[0] : i > 0 ? raw.get(i - 1)[1] : firstLower(raw);
                bins.add(new LatencyBin(lower, r[1], (long) r[2]));
            }
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

    /**
     * The lower bound of the first latency bin when the manifest gives none: the bins' own spacing continued
     * one step down when their upper bounds are evenly spaced on a log scale (as RunMetrics writes them) or a
     * linear one, allowing for their rounding to the microsecond; else 0.
     */
    static double firstLower(List<double[]> bins) {
        List<Double> uppers = bins.stream().map(b -> b[1]).filter(Double::isFinite).toList();
        int n = uppers.size();
        if (n < 3 || uppers.get(0) <= 0) {
            return 0;
        }
        double first = uppers.get(0);
        double last = uppers.get(n - 1);
        double ratio = Math.pow(last / first, 1.0 / (n - 1));
        double step = (last - first) / (n - 1);
        boolean geometric = ratio > 1;
        boolean linear = step > 0;
        for (int i = 0; i < n; i++) {
            double u = uppers.get(i);
            geometric &= Math.abs(u - first * Math.pow(ratio, i)) <= 0.0015 + 0.01 * u;
            linear &= Math.abs(u - (first + step * i)) <= 0.0015 + 0.01 * u;
        }
        if (geometric) {
            return first / ratio;
        }
        return linear && first - step >= 0 ? first - step : 0;
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
                outputs.add(new ClassOutput(name, counts, Boolean.TRUE.equals(o.get("truncated"))));
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
