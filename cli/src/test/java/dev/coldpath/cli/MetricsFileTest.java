package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --metrics-file}: a projection of the run's manifest, with where the run went. */
class MetricsFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void metricsFileHoldsTheManifestsBindingsRowsAndMetricsAndTheFieldsSchedulersRead() throws IOException {
        Path file = tmp.resolve("out/metrics.json");
        Path table = tmp.resolve("wine");

        CliHarness.Outcome o = CliHarness.run("score", "--model", CliHarness.model("wine_mlp"), "--input",
                CliHarness.data("wine"), "--output", table.toString(), "--batch-size", "16", "--run-id", "m",
                "--metrics-file", file.toString());

        assertThat(o.exitCode()).as(o.err()).isZero();
        JsonNode metrics = JSON.readTree(file.toFile());
        JsonNode manifest = JSON.readTree(table.resolve("run=m@sha256-3fa7baf2918f/_manifest.json")
                .toFile());
        assertThat(metrics.path("metrics")).isEqualTo(manifest.path("metrics"));
        assertThat(metrics.path("models")).isEqualTo(manifest.path("models"));
        assertThat(metrics.path("rows")).isEqualTo(manifest.path("rows"));
        assertThat(metrics.path("run_id").asText()).isEqualTo("m");
        assertThat(metrics.path("table").asText()).isEqualTo("file:" + table);
        assertThat(metrics.path("data_path").asText()).endsWith("/run=m@sha256-3fa7baf2918f");
        assertThat(metrics.path("promoted").asBoolean()).isTrue();
        assertThat(metrics.path("model").path("name").asText()).isEqualTo("wine_mlp");
        assertThat(metrics.path("model").path("sha256").asText()).isEqualTo(manifest.path("models").get(0)
                .path("sha256").asText());
        assertThat(metrics.path("rows").path("written").asLong()).isEqualTo(178);
        assertThat(metrics.path("wall_ms").asLong()).isPositive();
        assertThat(metrics.path("sessions").path("created")).as("0 when an earlier test's session is reused")
                .isEqualTo(manifest.path("sessions").path("created"));
        assertThat(metrics.path("sessions").path("owners")).isEqualTo(manifest.path("sessions").path("owners"));
        assertThat(metrics.path("spark_application_id").asText()).isNotBlank();
        assertThat(metrics.path("budget_warnings").isArray()).isTrue();
        assertThat(metrics.path("metrics").path("batches").asLong()).isEqualTo(12);
        assertThat(metrics.path("metrics").path("stages").path("inference").path("count").asLong()).isEqualTo(12);
        assertThat(metrics.path("models").get(0).path("metrics").path("stages").has("inference")).isTrue();
    }
}
