package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coldpath report} on a table with two real runs of the wine model: one current, one not promoted. */
class ReportCommandTest {
    @TempDir
    static Path tmp;
    static Path table;

    @BeforeAll
    static void twoRuns() {
        table = tmp.resolve("wine");
        score("first", "on-success");
        score("second", "manual"); // newer, but not current
    }

    private static void score(String runId, String promote) {
        CliHarness.Outcome o = CliHarness.run("score", "--model", CliHarness.model("wine_mlp"), "--input",
                CliHarness.data("wine"), "--output", table.toString(), "--batch-size", "16", "--run-id", runId,
                "--promote", promote);
        assertThat(o.exitCode()).as(o.err()).isZero();
    }

    @Test
    void withoutARunIdItReportsOnTheCurrentRunAndPrintsThePath() throws Exception {
        Path report = runDir("first").resolve(RunReport.FILE_NAME);
        Files.deleteIfExists(report);

        CliHarness.Outcome o = CliHarness.run("report", table.toString());

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(Path.of(java.net.URI.create(o.out().strip()))).isEqualTo(report);
        assertThat(Files.readString(report)).contains("<code>first</code>", "wine_mlp", "178 / 178 / 0")
                .endsWith("</html>\n");
    }

    @Test
    void aRunIdPicksThatRun() throws Exception {
        CliHarness.Outcome o = CliHarness.run("report", table.toString(), "second");

        assertThat(o.exitCode()).as(o.err()).isZero();
        Path report = runDir("second").resolve(RunReport.FILE_NAME);
        assertThat(Path.of(java.net.URI.create(o.out().strip()))).isEqualTo(report);
        assertThat(Files.readString(report)).contains("<code>second</code>");
    }

    @Test
    void tableWithoutACurrentRunGetsItsNewestRunReported() throws Exception {
        Path other = tmp.resolve("unpromoted");
        CliHarness.Outcome scored = CliHarness.run("score", "--model", CliHarness.model("wine_mlp"), "--input",
                CliHarness.data("wine"), "--output", other.toString(), "--run-id", "only", "--promote", "manual");
        assertThat(scored.exitCode()).as(scored.err()).isZero();

        CliHarness.Outcome o = CliHarness.run("report", other.toString());

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out().strip()).endsWith("/run=only@sha256-3fa7baf2918f/" + RunReport.FILE_NAME);
    }

    @Test
    void unknownRunIsAnErrorThatListsTheRuns() {
        CliHarness.Outcome o = CliHarness.run("report", table.toString(), "third");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("has no committed run 'third' (runs: [first, second])");
    }

    @Test
    void aFolderThatHoldsNoTableIsAnError() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        CliHarness.Outcome o = CliHarness.run("report", empty.toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains(empty + " is not a prediction table: it holds no runs");
    }

    @Test
    void storageSettingsMustBeHadoopOnes() {
        CliHarness.Outcome o = CliHarness.run("report", table.toString(), "--conf", "fs.defaultFS=file:///");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("Invalid --conf 'fs.defaultFS=file:///': expected spark.hadoop.KEY=VALUE");
    }

    @Test
    void helpExplainsTheCommand() {
        CliHarness.Outcome o = CliHarness.run("report", "--help");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).contains("Usage: coldpath report", "TABLE", "[RUN]", "--conf", "_report.html",
                "current run, else its newest");
    }

    private static Path runDir(String runId) throws Exception {
        try (Stream<Path> dirs = Files.list(table)) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("run=" + runId + "@")).findFirst()
                    .orElseThrow();
        }
    }
}
