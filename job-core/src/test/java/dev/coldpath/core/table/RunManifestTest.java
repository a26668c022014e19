package dev.coldpath.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.metrics.OutputStats;
import dev.coldpath.core.metrics.OutputSummary;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.metrics.Stage;
import dev.coldpath.core.report.RunReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunManifestTest {
    /** A manifest that coldpath wrote with format 1 (the wine sample, budget.on-breach: warn), before format 2. */
    private static byte[] v1Manifest() throws IOException {
        try (InputStream in = RunManifestTest.class.getResourceAsStream("/manifests/v1-wine-2026-11-28.json")) {
            return in.readAllBytes();
        }
    }

    private static RunManifest v2Manifest() {
        RunMetrics measured = new RunMetrics();
        for (Stage stage : Stage.values()) {
            if (stage != Stage.TOKENIZE) { // a model without text: its manifest has no tokenize stage
                measured.record(stage, 1_000_000L * (stage.ordinal() + 1));
                measured.record(stage, 3_000_000L * (stage.ordinal() + 1));
            }
        }
        measured.batchDone(100, 2);
        measured.batchDone(78, 3);
        measured.sessionLoaded(45_000_000L);
        measured.output("label", OutputStats.Kind.CLASSES).addClass("1");
        measured.output("label", OutputStats.Kind.CLASSES).addClass("0");
        OutputStats probability = measured.output("probability", OutputStats.Kind.NUMERIC);
        probability.add(0.25);
        probability.add(0.75);
        RunManifest.ModelRun model = new RunManifest.ModelRun(RunManifest.ModelRun.PRIMARY, "wine", "1.0.0",
                "ab".repeat(32), "s3a://models/wine.onnx", 2703, Map.of("producer", "sample"), "",
                List.of(new RunManifest.OutputColumn("label", "bigint"),
                        new RunManifest.OutputColumn("probability", "float")),
                RunManifest.ModelMetrics.of(measured));
        return new RunManifest(RunManifest.FORMAT_VERSION, "2026-11-28", "0.2.0", "model_version=1.0.0/run_id=2026-11-28",
                new RunManifest.Input("s3a://in", List.of("day=2026-11-28"), List.of(new RunManifest.InputFile(
                        "s3a://in/day=2026-11-28/part-0.parquet", 8219, "2026-11-28T01:00:00Z")), 8219),
                new RunManifest.Rows(180, 178, 2), "2026-11-28T02:15:00Z", "2026-11-28T02:15:02Z", 2000,
                Map.of("model", "wine@1.0.0", "inference.batch-size", 64), new RunManifest.Spark("local-1", "local[2]"),
                new RunManifest.Sessions(1, List.of("driver@1@host"), 45), List.of(model),
                RunManifest.Metrics.of(measured, 2.0, List.of("178 rows written, fewer than budget.min-rows 1,000"),
                        List.of(), "_quarantine"),
                null);
    }

    @Test
    void aManifestOfFormatOneLoadsWithItsModelAsTheOneBindingAndItsMetricsTyped() throws IOException {
        RunManifest m = RunManifest.read(v1Manifest(), "v1/_manifest.json");

        assertThat(m.formatVersion()).as("what is on disk").isEqualTo(1);
        assertThat(m.runId()).isEqualTo("2026-11-28");
        assertThat(m.rows()).isEqualTo(new RunManifest.Rows(178, 178, 0));
        assertThat(m.models()).singleElement().satisfies(model -> {
            assertThat(model.role()).isEqualTo(RunManifest.ModelRun.PRIMARY);
            assertThat(model.name()).isEqualTo("wine_mlp");
            assertThat(model.sha256()).isEqualTo("3fa7baf2918f1ee12433ba58e0e58a48088cdade2b0e1aaa570706401cc7ce37");
            assertThat(model.outputColumns()).extracting(c -> c.name() + " " + c.type())
                    .containsExactly("probabilities array<float>", "label bigint");
            assertThat(model.metrics().stages()).containsOnlyKeys("tensor", "inference", "decode");
            assertThat(model.metrics().batches()).isEqualTo(3);
        });
        assertThat(m.model().name()).isEqualTo("wine_mlp");
        assertThat(m.job()).containsEntry("inference.batch-size", 64).containsEntry("budget.on-breach", "warn");
        RunManifest.Metrics metrics = m.metrics();
        assertThat(metrics.batches()).isEqualTo(3);
        assertThat(metrics.stages()).containsOnlyKeys("read", "tensor", "inference", "decode", "write");
        assertThat(metrics.stages().keySet()).containsExactly("read", "tensor", "inference", "decode", "write");
        assertThat(metrics.stages().get("read").histogram()).hasSize(20)
                .allSatisfy(bin -> assertThat(bin.lowerMs()).isLessThan(bin.upperMs()));
        assertThat(metrics.throughput().stream().mapToLong(p -> p.rows()).sum()).isEqualTo(178);
        assertThat(metrics.outputs().get("label")).isInstanceOfSatisfying(OutputSummary.Classes.class,
                c -> assertThat(c.counts()).containsEntry("0", 59L).containsEntry("1", 71L).containsEntry("2", 48L));
        assertThat(metrics.budgetWarnings()).containsExactly("178 rows written, fewer than budget.min-rows 1,000");
        assertThat(metrics.sessionLoadMs()).hasSize(1);
        assertThat(m.legacy()).as("format 1 wrote nothing format 2 cannot type").isNull();
    }

    @Test
    void theReportOfARunOfFormatOneShowsItsFactsAndEveryPlot() throws IOException {
        String html = RunReport.render(RunManifest.read(v1Manifest(), "v1/_manifest.json"));

        assertThat(html).contains("wine_mlp", "178 / 178 / 0", "178 rows written, fewer than budget.min-rows 1,000",
                "Stage inference: time per batch", "Rows finished per second", "Output label: rows per class",
                "(format 1)").doesNotContain("not in the shape");
        assertThat(html.split("<svg", -1)).hasSize(5 + 1 + 1 + 1);
    }

    @Test
    void aManifestOfFormatTwoRoundTripsThroughTheOneMapper() {
        RunManifest written = v2Manifest();

        RunManifest read = RunManifest.read(TableJson.write(written), "v2/_manifest.json");

        assertThat(read).isEqualTo(written);
        assertThat(read.formatVersion()).isEqualTo(2);
    }

    @Test
    void theRunnerRoundTripsAndAManifestWithoutOneReadsAsNone() throws IOException {
        RunManifest local = v2Manifest().withRunner(new RunManifest.Runner("local", "runner: local"));

        RunManifest read = RunManifest.read(TableJson.write(local), "local/_manifest.json");

        assertThat(read.runner()).isEqualTo(new RunManifest.Runner("local", "runner: local"));
        assertThat(TableJson.MAPPER.readTree(TableJson.write(local)).path("runner").path("name").asText())
                .isEqualTo("local");
        assertThat(TableJson.MAPPER.readTree(TableJson.write(v2Manifest())).has("runner")).isFalse();
        assertThat(RunManifest.read(TableJson.write(v2Manifest()), "old/_manifest.json").runner()).isNull();
    }

    @Test
    void aQuantizedModelsEntryRoundTripsAndAFloatModelsLeavesTheFieldsOut() throws IOException {
        RunManifest floatRun = v2Manifest();
        RunManifest.ModelRun m = floatRun.model();
        RunManifest.ModelRun quantized = new RunManifest.ModelRun(m.role(), m.name(), m.version(), m.sha256(),
                m.location(), m.sizeBytes(), m.metadata(), m.outputPrefix(), m.outputColumns(), m.metrics(), null,
                null, "dynamic int8 quantization (DynamicQuantizeLinear x1, MatMulInteger x1): outputs depend on"
                + " which rows share a batch", true);
        RunManifest written = new RunManifest(floatRun.formatVersion(), floatRun.runId(), floatRun.coldpathVersion(),
                floatRun.dataPath(), floatRun.input(), floatRun.rows(), floatRun.startedAt(), floatRun.endedAt(),
                floatRun.wallMs(), floatRun.job(), floatRun.spark(), floatRun.sessions(), List.of(quantized),
                floatRun.metrics(), null);

        RunManifest read = RunManifest.read(TableJson.write(written), "q/_manifest.json");

        assertThat(read).isEqualTo(written);
        assertThat(read.model().dependsOnBatch()).isTrue();
        JsonNode model = TableJson.MAPPER.readTree(TableJson.write(written)).path("models").get(0);
        assertThat(model.path("batch_dependent").asBoolean()).isTrue();
        assertThat(model.path("quantization").asText()).startsWith("dynamic int8 quantization");
        JsonNode floatModel = TableJson.MAPPER.readTree(TableJson.write(floatRun)).path("models").get(0);
        assertThat(floatModel.has("quantization")).isFalse();
        assertThat(floatModel.has("batch_dependent")).isFalse();
        assertThat(RunManifest.read(v1Manifest(), "v1").model().dependsOnBatch()).isFalse();
    }

    @Test
    void formatTwoJsonHasAModelsListWithEachBindingsMetricsAndTheRunsMetricsBesideIt() throws IOException {
        JsonNode json = TableJson.MAPPER.readTree(TableJson.write(v2Manifest()));

        assertThat(json.path("format_version").asInt()).isEqualTo(2);
        assertThat(json.has("model")).as("format 1's single model is the models list now").isFalse();
        assertThat(json.has("legacy")).isFalse();
        JsonNode model = json.path("models").get(0);
        assertThat(model.path("role").asText()).isEqualTo("primary");
        assertThat(model.path("sha256").asText()).hasSize(64);
        assertThat(model.path("output_columns").get(1).path("name").asText()).isEqualTo("probability");
        assertThat(fieldNames(model.path("metrics").path("stages"))).containsExactly("tensor", "inference", "decode");
        JsonNode metrics = json.path("metrics");
        assertThat(fieldNames(metrics.path("stages"))).containsExactly("read", "image", "tensor", "inference",
                "decode", "write");
        assertThat(fieldNames(metrics.path("stages").path("inference")))
                .containsExactly("count", "p50_ms", "p95_ms", "p99_ms", "max_ms", "total_ms", "histogram");
        assertThat(fieldNames(metrics.path("stages").path("inference").path("histogram").get(0)))
                .containsExactly("lower_ms", "upper_ms", "count");
        assertThat(metrics.path("rows_per_second").asDouble()).isEqualTo(89.0);
        assertThat(metrics.path("outputs").path("label").path("kind").asText()).isEqualTo("classes");
        assertThat(metrics.path("outputs").path("probability").path("kind").asText()).isEqualTo("numeric");
        assertThat(metrics.path("budget_warnings").get(0).asText()).startsWith("178 rows written");
        assertThat(metrics.has("device_fallbacks")).as("empty lists are left out").isFalse();
        assertThat(metrics.path("quarantine_path").asText()).isEqualTo("_quarantine");
    }

    @Test
    void aManifestThatIsNotJsonIsAStorageErrorNamingItsPath() {
        assertThatThrownBy(() -> RunManifest.read("{not json".getBytes(StandardCharsets.UTF_8), "t/r/_manifest.json"))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("Cannot read t/r/_manifest.json: not a valid RunManifest");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
