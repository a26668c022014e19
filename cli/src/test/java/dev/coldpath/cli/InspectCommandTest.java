package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.testing.TestGraphs;
import dev.coldpath.core.testing.TextModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coldpath inspect} names a classifier's classes, as a job writes them (output.labels). */
class InspectCommandTest {
    @Test
    void inspectShowsTheClassNamesFromTheModelsMetadata() {
        CliHarness.Outcome wine = CliHarness.run("inspect", CliHarness.model("wine_mlp"));
        CliHarness.Outcome trees = CliHarness.run("inspect", CliHarness.model("breast_cancer_trees"));

        assertThat(wine.exitCode()).as(wine.err()).isZero();
        assertThat(wine.out()).contains("classes   class_0, class_1, class_2  (metadata 'classes' of the model)",
                "label  int64[N]");
        assertThat(trees.out()).contains("classes   malignant, benign  (metadata 'classes' of the model)");
        CliHarness.Outcome logreg = CliHarness.run("inspect", CliHarness.model("breast_cancer_logreg"));
        assertThat(logreg.exitCode()).as(logreg.err()).isZero();
        for (CliHarness.Outcome floatModel : new CliHarness.Outcome[] {wine, trees, logreg}) {
            // float models: no quantization line (QuantizedTextModelTest shows one)
            assertThat(floatModel.out()).doesNotContain("quantized", "batch-invariant");
        }
    }

    @Test
    void inspectReadsAModelFolderWithItsTokenizerAndConfigJson(@TempDir Path folder) throws Exception {
        Files.write(folder.resolve("model.onnx"), TestGraphs.tokenLengthClassifier());
        Files.write(folder.resolve("tokenizer.json"), TextModels.tokenizerJson(TextModels.MINILM));
        Files.writeString(folder.resolve("config.json"), "{\"id2label\": {\"0\": \"long\", \"1\": \"short\"}}");

        CliHarness.Outcome out = CliHarness.run("inspect", folder.toString());

        assertThat(out.exitCode()).as(out.err()).isZero();
        assertThat(out.out()).contains("input_ids  int64[N,L]", "logits  float[N,2]",
                "tokenizer " + folder.resolve("tokenizer.json") + " (truncation 128 tokens, pad id 0): a text model,"
                        + " scored with --text-column",
                "classes   long, short");
    }
}
