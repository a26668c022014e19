package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    @TempDir
    Path tmp;

    private Path job(String extra) throws Exception {
        Path job = tmp.resolve("job.yaml");
        Files.writeString(job, "model: " + CliHarness.model("wine_mlp") + "\ninput: {path: " + CliHarness.data("wine")
                + "}\noutput: {path: " + tmp.resolve("table") + "}\n" + extra);
        return job;
    }

    @Test
    void aValidJobIsDescribedAndNothingIsWritten() throws Exception {
        CliHarness.Outcome out = CliHarness.run("validate", job("").toString());

        assertThat(out.exitCode()).as(out.err()).isZero();
        assertThat(out.out()).contains("is valid")
                .contains("feeds     features float[N,13] <- array column features")
                .contains("keeps     id, cultivar")
                .contains("writes    probabilities map<string,float> <- probabilities")
                .contains("writes    label string <- label")
                .doesNotContain("WARNING")
                .doesNotContain("note      ") // a float model: no quantization note (QuantizedTextModelTest)
                .doesNotContain("batch-invariant");
        assertThat(tmp.resolve("table")).doesNotExist();
    }

    @Test
    void validateSaysWhichRunnerRunWouldTakeAndRefusesWhatRunRefuses() throws Exception {
        String job = job("").toString();

        CliHarness.Outcome auto = CliHarness.run("validate", job);
        CliHarness.Outcome spark = CliHarness.run("validate", job, "--runner", "spark");
        CliHarness.Outcome skip = CliHarness.run("validate", job, "--set", "input.bad-files=skip");
        CliHarness.Outcome local = CliHarness.run("validate", job, "--runner", "local", "--set",
                "input.bad-files=skip");
        CliHarness.Outcome key = CliHarness.run("validate", job, "--set", "runner=local", "--set",
                "input.bad-files=skip");

        assertThat(auto.exitCode()).as(auto.err()).isZero();
        assertThat(auto.out()).contains("  runner    local (runner: auto: master local");
        assertThat(spark.exitCode()).as(spark.err()).isZero();
        assertThat(spark.out()).contains("  runner    spark (runner: spark)");
        assertThat(skip.exitCode()).as(skip.err()).isZero();
        assertThat(skip.out()).contains("  runner    spark (runner: auto, and the local runner does not take"
                + " input.bad-files: skip)");
        for (CliHarness.Outcome refused : List.of(local, key)) {
            assertThat(refused.exitCode()).as(refused.out()).isEqualTo(2); // as run exits
            assertThat(refused.err()).contains("runner: local cannot run this job: input.bad-files: skip");
        }
    }

    @Test
    void moreThreadsThanCoresPerSlotIsAWarning() throws Exception {
        CliHarness.Outcome out = CliHarness.run("validate",
                job("inference: {threads: 4}\nspark: {master: \"local[2]\"}\n").toString());

        assertThat(out.exitCode()).isZero();
        assertThat(out.out()).contains("WARNING   inference.threads 4 x 2 task slots = 8 threads on 2 executor cores");
    }

    @Test
    void aBatchNoClusterExecutorHoldsIsRefusedFromTheJobsSparkSettingsWithoutStartingSpark() throws Exception {
        String job = job("inference: {batch-size: 4000000}\n").toString();

        CliHarness.Outcome small = CliHarness.run("validate", job, "--set", "spark.master=spark://127.0.0.1:1",
                "--set", "spark.executor.memory=512m", "--set", "spark.executor.cores=2");
        CliHarness.Outcome large = CliHarness.run("validate", job, "--set", "spark.master=spark://127.0.0.1:1",
                "--set", "spark.executor.memory=64g");

        assertThat(small.exitCode()).as(small.out()).isEqualTo(2);
        assertThat(small.err()).contains("Invalid inference.batch-size: 4000000").contains("2 task slot(s)")
                .contains("more than half of its 512.0 MiB heap");
        assertThat(large.exitCode()).as(large.err()).isZero();
    }

    @Test
    void aSchemaThatDoesNotFitTheModelFailsWithTheProblemNamed() throws Exception {
        CliHarness.Outcome out = CliHarness.run("validate", job("features: {features: [id]}\n").toString());

        assertThat(out.exitCode()).isEqualTo(2);
        assertThat(out.err()).contains("Model input 'features' float[N,13] expects 13 feature columns, but 1 were given");
    }
}
