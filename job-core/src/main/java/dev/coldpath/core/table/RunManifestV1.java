package dev.coldpath.core.table;

import dev.coldpath.core.metrics.LatencyBin;
import dev.coldpath.core.metrics.OutputSummary;
import dev.coldpath.core.metrics.StageSummary;
import dev.coldpath.core.metrics.ThroughputPoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A manifest of format 1, as coldpath wrote it before format 2: one model, and metrics as a free-form map. The
 * one place that reads metrics leniently: {@link #upgrade} turns it into a {@link RunManifest} of format 2, and
 * a part of its metrics that is absent (the oldest manifests hold only {@code batches}) or not in the shape
 * format 1 wrote is left out and named in {@link RunManifest.Legacy#unreadable}, so a report of an old run
 * shows what it can. Read-only: coldpath never writes format 1 again.
 */
public record RunManifestV1(
        int formatVersion,
        String runId,
        String coldpathVersion,
        String dataPath,
        Model model,
        RunManifest.Input input,
        RunManifest.Rows rows,
        String startedAt,
        String endedAt,
        long wallMs,
        Map<String, Object> job,
        RunManifest.Spark spark,
        RunManifest.Sessions sessions,
        List<RunManifest.OutputColumn> outputColumns,
        Map<String, Object> metrics) {
    /** The stages in pipeline order; a stage not listed here follows them in the order the manifest has. */
    static final List<String> STAGE_ORDER = List.of("read", "tensor", "inference", "decode", "write");
    private static final Set<String> KNOWN_METRICS = Set.of("batches", "rows_per_second", "stages", "throughput",
            "outputs", "session_load_ms", "budget_warnings", "device_fallbacks", "quarantine_path");

    public RunManifestV1 {
        job = job == null ? Map.of() : new LinkedHashMap<>(job);
        outputColumns = outputColumns == null ? List.of() : List.copyOf(outputColumns);
        metrics = metrics == null ? Map.of() : new LinkedHashMap<>(metrics);
    }

    /** The model's identity: registry name and version ("" for a plain file), the exact bytes' sha256. */
    public record Model(String name, String version, String sha256, String location, long sizeBytes,
                        Map<String, String> metadata) {
    }

    /**
     * The same run as a manifest of format 2: the model becomes the one binding, with the prediction columns and
     * its share of the metrics; the rest is read leniently into the run's metrics.
     */
    public RunManifest upgrade() {
        List<String> unreadable = new ArrayList<>();
        Map<String, Object> m = metrics;
        Long batches = m.get("batches") instanceof Number n ? n.longValue() : null;
        Double rowsPerSecond = m.get("rows_per_second") instanceof Number n ? n.doubleValue() : null;
        Map<String, StageSummary> stages = read(m, "stages", unreadable, RunManifestV1::stages, Map.of());
        List<ThroughputPoint> throughput = read(m, "throughput", unreadable, RunManifestV1::throughput, List.of());
        Map<String, Object> otherOutputs = new LinkedHashMap<>();
        Map<String, OutputSummary> outputs = read(m, "outputs", unreadable, v -> outputs(v, otherOutputs), Map.of());
        List<Double> loads = read(m, "session_load_ms", unreadable, v -> list(v).stream().map(RunManifestV1::num)
                .toList(), List.of());
        List<String> warnings = read(m, "budget_warnings", unreadable, RunManifestV1::strings, List.of());
        List<String> fallbacks = read(m, "device_fallbacks", unreadable, RunManifestV1::strings, List.of());
        String quarantine = m.get("quarantine_path") == null ? null : String.valueOf(m.get("quarantine_path"));
        Map<String, Object> others = new LinkedHashMap<>();
        m.entrySet().stream().filter(e -> !KNOWN_METRICS.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> others.put(e.getKey(), e.getValue()));

        RunManifest.Metrics runMetrics = new RunManifest.Metrics(batches, rowsPerSecond, stages, throughput, outputs,
                loads, warnings, fallbacks, quarantine);
        List<RunManifest.ModelRun> models = new ArrayList<>();
        if (model != null) {
            Map<String, StageSummary> modelStages = new LinkedHashMap<>();
            for (String stage : List.of("tensor", "inference", "decode")) {
                if (stages.containsKey(stage)) {
                    modelStages.put(stage, stages.get(stage));
                }
            }
            models.add(new RunManifest.ModelRun(RunManifest.ModelRun.PRIMARY, model.name(), model.version(),
                    model.sha256(), model.location(), model.sizeBytes(), model.metadata(), "", outputColumns,
                    new RunManifest.ModelMetrics(batches == null ? 0 : batches, modelStages, outputs, loads)));
        }
        boolean anythingLeft = !others.isEmpty() || !otherOutputs.isEmpty() || !unreadable.isEmpty();
        return new RunManifest(formatVersion, runId, coldpathVersion, dataPath, input, rows, startedAt, endedAt,
                wallMs, job, spark, sessions, models, runMetrics,
                anythingLeft ? new RunManifest.Legacy(others, otherOutputs, unreadable) : null);
    }

    private interface Reader<T> {
        T read(Object value);
    }

    private static <T> T read(Map<String, Object> m, String key, List<String> unreadable, Reader<T> reader,
                              T absent) {
        Object value = m.get(key);
        if (value == null) {
            return absent;
        }
        try {
            return reader.read(value);
        } catch (RuntimeException e) {
            unreadable.add(key + " (" + e.getMessage() + ")");
            return absent;
        }
    }

    private static Map<String, StageSummary> stages(Object value) {
        List<Map.Entry<String, StageSummary>> stages = new ArrayList<>();
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
            stages.add(Map.entry(e.getKey(), new StageSummary(s.get("count") == null ? 0 : whole(s.get("count")),
                    optional(s.get("p50_ms")), optional(s.get("p95_ms")), optional(s.get("p99_ms")),
                    optional(s.get("max_ms")), optional(s.get("total_ms")), bins)));
        }
        stages.sort(Comparator.comparingInt(s -> {
            int i = STAGE_ORDER.indexOf(s.getKey());
            return i < 0 ? STAGE_ORDER.size() : i;
        }));
        Map<String, StageSummary> out = new LinkedHashMap<>();
        stages.forEach(s -> out.put(s.getKey(), s.getValue()));
        return out;
    }

    /**
     * The lower bound of the first latency bin when the manifest gives none: the bins' own spacing continued
     * one step down when their upper bounds are evenly spaced on a log scale (as format 1 wrote them) or a
     * linear one, allowing for their rounding to the microsecond; else 0.
     *
     * @param bins each {@code {lower (NaN when not given), upper, count}}, by upper bound
     */
    public static double firstLower(List<double[]> bins) {
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
            points.add(new ThroughputPoint((long) num(point.get("second")), whole(point.get("rows"))));
        }
        points.sort(Comparator.comparingLong(ThroughputPoint::second));
        return points;
    }

    /** The numeric and class summaries; one of another kind goes to {@code others} as it is. */
    private static Map<String, OutputSummary> outputs(Object value, Map<String, Object> others) {
        Map<String, OutputSummary> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : map(value, "outputs").entrySet()) {
            String name = e.getKey();
            Map<String, Object> o = map(e.getValue(), "outputs." + name);
            Object kind = o.get("kind");
            if ("numeric".equals(kind)) {
                List<OutputSummary.Bin> bins = new ArrayList<>();
                for (Object b : list(o.getOrDefault("histogram", List.of()))) {
                    Map<String, Object> bin = map(b, "outputs." + name + ".histogram[]");
                    bins.add(new OutputSummary.Bin(num(bin.get("lower")), num(bin.get("upper")),
                            whole(bin.get("count"))));
                }
                bins.sort(Comparator.comparingDouble(OutputSummary.Bin::lower));
                outputs.put(name, new OutputSummary.Numeric(o.get("count") == null ? null : whole(o.get("count")),
                        nullable(o.get("min")), nullable(o.get("max")), nullable(o.get("mean")), bins));
            } else if ("classes".equals(kind)) {
                Map<String, Long> counts = new LinkedHashMap<>();
                map(o.get("counts"), "outputs." + name + ".counts").forEach((k, v) -> counts.put(k, whole(v)));
                long count = o.get("count") == null ? counts.values().stream().mapToLong(Long::longValue).sum()
                        : whole(o.get("count"));
                outputs.put(name, new OutputSummary.Classes(count, counts, Boolean.TRUE.equals(o.get("truncated"))));
            } else {
                others.put(name, o);
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

    private static List<String> strings(Object value) {
        return list(value).stream().map(String::valueOf).toList();
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

    private static Double nullable(Object value) {
        return value == null ? null : num(value);
    }
}
