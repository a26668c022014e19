package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.testing.TextModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 all-MiniLM-L6-v2 (langchain4j's {@code -q} jar: {@code DynamicQuantizeLinear} + {@code MatMulInteger}),
 * whose embeddings depend on which texts share a batch: {@code inspect} says so, {@code validate} warns unless
 * {@code text.batch-invariant} is true, and a run scored in batches records it in its manifest and warns in its
 * summary. The float models of the other tests get none of this (InspectCommandTest, ValidateCommandTest,
 * TextEmbeddingsRunTest).
 */
class QuantizedTextModelTest {
    private static final String DESCRIBED = "dynamic int8 quantization (DynamicQuantizeLinear x";
    private static final String ADVICE = "for reproducible results, score each text alone with"
            + " text.batch-invariant: true";

    @TempDir
    static Path tmp;
    private static Path input;
    private static CliHarness.Outcome run;

    @BeforeAll
    static void scoreAFewSentencesInBatches() {
        List<Row> rows = new ArrayList<>();
        List<String> sentences = TextModels.sentences();
        for (int i = 0; i < 12; i++) {
            rows.add(RowFactory.create((long) i, sentences.get(i)));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("body", DataTypes.StringType);
        input = tmp.resolve("sentences");
        CliHarness.spark().createDataFrame(rows, schema).coalesce(1).write().parquet(input.toString());
        run = CliHarness.run("score", "--model", TextModels.minilmQuantized().toString(), "--input", input.toString(),
                "--output", tmp.resolve("table").toString(), "--text-column", "body", "--batch-size", "4",
                "--run-id", "q");
    }

    private static Path job(String name, String extra) throws Exception {
        Path job = tmp.resolve(name + ".yaml");
        Files.writeString(job, "model: " + TextModels.minilmQuantized() + "\ninput: {path: " + input
                + "}\noutput: {path: " + tmp.resolve(name) + "}\ntext: {column: body" + extra + "}\n");
        return job;
    }

    @Test
    void inspectSaysTheOutputsDependOnTheBatchAndNamesBatchInvariant() {
        CliHarness.Outcome out = CliHarness.run("inspect", TextModels.minilmQuantized().toString());

        assertThat(out.exitCode()).as(out.err()).isZero();
        assertThat(out.out()).containsOnlyOnce("\nquantized " + DESCRIBED)
                .contains("MatMulInteger x", "): outputs depend on which rows share a batch; " + ADVICE + "\n");
    }

    @Test
    void validateWarnsUnlessEachTextIsScoredAlone() throws Exception {
        CliHarness.Outcome batched = CliHarness.run("validate", job("batched", "").toString());
        CliHarness.Outcome alone = CliHarness.run("validate", job("alone", ", batch-invariant: true").toString());

        assertThat(batched.exitCode()).as(batched.err()).isZero();
        assertThat(batched.out()).contains("is valid")
                .containsPattern("\n  WARNING   model: " + DESCRIBED.replace("(", "\\(")
                        + "\\d+, MatMulInteger x\\d+\\): outputs depend on which rows share a batch; " + ADVICE + "\n");
        assertThat(alone.exitCode()).as(alone.err()).isZero();
        assertThat(alone.out()).doesNotContain("WARNING")
                .contains("\n  note      model: " + DESCRIBED)
                .contains("; each text is scored alone (text.batch-invariant: true), so its outputs are reproducible");
        assertThat(tmp.resolve("batched")).doesNotExist();
    }

    @Test
    void aRunInBatchesRecordsTheQuantizationAndWarnsInItsSummary() throws Exception {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("\n  WARNING   model: " + DESCRIBED.replace("(", "\\(")
                + "[^\n]*; " + ADVICE + "\n");
        Path manifestFile;
        try (Stream<Path> dirs = Files.list(tmp.resolve("table"))) {
            manifestFile = dirs.filter(d -> d.getFileName().toString().startsWith("run=q@")).findFirst()
                    .orElseThrow().resolve("_manifest.json");
        }
        String json = Files.readString(manifestFile);
        RunManifest.ModelRun model = RunManifest.read(json.getBytes(), "manifest").model();
        assertThat(model.quantization()).startsWith(DESCRIBED)
                .endsWith("): outputs depend on which rows share a batch");
        assertThat(model.batchDependent()).isTrue();
        assertThat(json).containsPattern("\"batch_dependent\"\\s*:\\s*true").contains("\"quantization\"");
    }
}
