package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
    }
}
