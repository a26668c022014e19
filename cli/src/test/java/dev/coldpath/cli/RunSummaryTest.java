package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.spark.ExecutorSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run summary's session and inference lines say what happened, with "auto" settings resolved. */
class RunSummaryTest {
    private static final Pattern OPENED = Pattern.compile("(?m)^  sessions  1 opened in (\\d+(?:\\.\\d)?) ms, by"
            + " driver@\\d+@\\S+$");

    @TempDir
    Path tmp;

    private CliHarness.Outcome run(Path job, String table, String... sets) {
        String[] args = new String[3 + 2 * sets.length];
        args[0] = "run";
        args[1] = job.toString();
        args[2] = "--set=output.path=" + tmp.resolve(table);
        for (int i = 0; i < sets.length; i++) {
            args[3 + 2 * i] = "--set";
            args[4 + 2 * i] = sets[i];
        }
        CliHarness.Outcome out = CliHarness.run(args);
        assertThat(out.exitCode()).as(out.err()).isZero();
        return out;
    }

    @Test
    void aLoadedSessionSaysHowLongItTookAReusedOneSaysReusedAndAutoSettingsShowTheirValues() throws Exception {
        Path job = tmp.resolve("job.yaml");
        Files.writeString(job, "model: " + CliHarness.model("wine_mlp") + "\ninput: {path: " + CliHarness.data("wine")
                + "}\noutput: {path: unused}\n");
        CliHarness.spark();
        ExecutorSessions.cache().reset(); // no session of an earlier test to reuse

        CliHarness.Outcome first = run(job, "first");
        CliHarness.Outcome second = run(job, "second");
        CliHarness.Outcome explicit = run(job, "explicit", "inference.batch-size=16", "inference.threads=1",
                "inference.device=auto");

        Matcher opened = OPENED.matcher(first.out());
        assertThat(opened.find()).as(first.out()).isTrue();
        assertThat(Double.parseDouble(opened.group(1))).as("a real load takes time").isPositive();
        // wine's input is float[N,13]: 52 bytes a row, so 8 MiB is more than the 1024-row cap; the local runner
        // (runner: auto): wine is one small file, one worker, which takes both cores
        String auto = "  inference batch-size 1024 (auto), threads 2 (auto: the master's CPUs over the local runner's"
                + " workers), device cpu\n";
        assertThat(first.out()).contains(auto);
        assertThat(second.out()).contains("  sessions  reused: the local runner found the model's session open in this"
                        + " JVM, from an earlier run")
                .contains(auto)
                .doesNotContain("opened in");
        assertThat(explicit.out()).contains("  inference batch-size 16, threads 1, device cpu (auto)\n")
                .containsPattern("(?m)^  sessions  1 opened in \\d+(\\.\\d)? ms, by driver@");
    }

    @Test
    void millisecondsAreGivenToATenthBelowTenSoAQuickLoadDoesNotReadZero() {
        assertThat(JobRunner.millis(Duration.ofNanos(340_000))).isEqualTo("0.3 ms");
        assertThat(JobRunner.millis(Duration.ofNanos(9_960_000))).isEqualTo("10 ms");
        assertThat(JobRunner.millis(Duration.ofMillis(29))).isEqualTo("29 ms");
    }
}
