package dev.coldpath.core.report;

import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunManifestV1;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-built manifests of format 1 for report tests, upgraded as reading one upgrades it: every section, only a
 * batch count, or chosen strings everywhere.
 */
final class ReportManifests {
    static final List<String> STAGES = List.of("read", "tensor", "inference", "decode", "write");

    private ReportManifests() {
    }

    /** A manifest with all metrics: 5 stages, 20 throughput samples, a numeric and a class output. */
    static RunManifest full() {
        return withMetrics(fullMetrics());
    }

    static Map<String, Object> fullMetrics() {
        Map<String, Object> stages = new LinkedHashMap<>();
        for (String stage : List.of("write", "read", "tensor", "inference", "decode")) { // out of order on purpose
            stages.put(stage, stage(Math.pow(1.7, STAGES.indexOf(stage))));
        }
        List<Object> throughput = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            throughput.add(Map.of("second", s, "rows", Math.round(4000 + 900 * Math.sin(s / 3.0))));
        }
        List<Object> probabilityBins = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            probabilityBins.add(Map.of("lower", i * 0.05, "upper", (i + 1) * 0.05,
                    "count", (int) (5 + 180 * Math.exp(-Math.pow(i - 16, 2) / 6) + 120 * Math.exp(-Math.pow(i - 1, 2) / 3))));
        }
        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put("probability", Map.of("kind", "numeric", "count", 569, "min", 0.0, "max", 1.0, "mean", 0.6,
                "histogram", probabilityBins));
        outputs.put("label", Map.of("kind", "classes", "counts", Map.of("1", 357, "0", 212)));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("batches", 12);
        metrics.put("rows_per_second", 5230.5);
        metrics.put("stages", stages);
        metrics.put("throughput", throughput);
        metrics.put("outputs", outputs);
        metrics.put("session_load_ms", List.of(45.2, 51.0));
        return metrics;
    }

    private static Map<String, Object> stage(double scale) {
        double[] uppers = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100};
        int[] counts = {0, 0, 1, 3, 4, 2, 1, 1, 0, 0};
        List<Object> histogram = new ArrayList<>();
        for (int i = 0; i < uppers.length; i++) {
            histogram.add(Map.of("upper_ms", uppers[i], "count", counts[i]));
        }
        return Map.of("count", 12, "p50_ms", 1.2 * scale, "p95_ms", 3.4 * scale, "p99_ms", 5.0 * scale,
                "max_ms", 7.1 * scale, "total_ms", 30.2 * scale, "histogram", histogram);
    }

    static RunManifest withMetrics(Map<String, Object> metrics) {
        return manifest("2026-11-28", "wine_mlp", "s3a://bucket/features/day=2026-11-28", "probability",
                Map.of("name", "wine-nightly", "model", "registry:wine_mlp@1.2.0",
                        "input", Map.of("path", "s3a://bucket/features/day={date}"),
                        "inference", Map.of("batch-size", 1024),
                        "spark", Map.of("hadoop.fs.s3a.secret.key", "<redacted>")),
                metrics);
    }

    /** The same string as run id, model name, paths, column, job value and key, metadata, stage, output and class. */
    static RunManifest hostile(String s) {
        Map<String, Object> metrics = new LinkedHashMap<>(fullMetrics());
        Map<String, Object> stages = new LinkedHashMap<>();
        stages.put(s, ((Map<?, ?>) metrics.get("stages")).get("read"));
        metrics.put("stages", stages);
        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put(s, Map.of("kind", "classes", "counts", Map.of(s, 3, "1", 4)));
        outputs.put(s + "-n", ((Map<?, ?>) fullMetrics().get("outputs")).get("probability"));
        outputs.put(s + "-x", Map.of("kind", s, "note", s));
        metrics.put("outputs", outputs);
        metrics.put(s, Map.of(s, s));
        metrics.put("budget_warnings", List.of(s));
        metrics.put("quarantine_path", s);
        return manifest(s, s, s, s, Map.of("name", s, s, s, "nested", Map.of(s, List.of(s, s))), metrics);
    }

    private static RunManifest manifest(String runId, String model, String inputPath, String column,
                                        Map<String, Object> job, Map<String, Object> metrics) {
        return new RunManifestV1(1, runId, "0.1.0-test",
                "model_version=1.2.0/run_id=" + runId,
                new RunManifestV1.Model(model, "1.2.0", "8bb0ef29e42a4f0c9e7d0b8a1f2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e",
                        "s3a://models/" + model + ".onnx", 4567, Map.of("producer", model, "domain", "ai.onnx")),
                new RunManifest.Input(inputPath, List.of("day=2026-11-28"),
                        List.of(new RunManifest.InputFile(inputPath + "/part-0.parquet", 40960, "2026-11-28T01:00:00Z"),
                                new RunManifest.InputFile(inputPath + "/part-1.parquet", 40960, "2026-11-28T01:00:01Z")),
                        81920),
                new RunManifest.Rows(569, 566, 3),
                "2026-11-28T02:15:00.120Z", "2026-11-28T02:15:06.990Z", 6870, job,
                new RunManifest.Spark("local-1795879656365", "local[2]"),
                new RunManifest.Sessions(2, List.of("executor-1@host-a", "executor-2@" + column), 96),
                List.of(new RunManifest.OutputColumn(column, "float"), new RunManifest.OutputColumn("label", "bigint")),
                metrics).upgrade();
    }
}
