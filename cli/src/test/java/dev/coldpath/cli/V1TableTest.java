package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.report.RunReport;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runs} and {@code report} on a table whose runs were committed by coldpath with manifest format 1
 * (test resources: v1-table, two runs of the wine sample, 2026-11-28 current), and with a format-2 run added.
 */
class V1TableTest {
    private static final String V1_RUN = "model_version=sha256-3fa7baf2918f/run_id=";

    @TempDir
    Path tmp;
    private Path table;

    @BeforeEach
    void copyTheV1Table() throws IOException, URISyntaxException {
        Path source = Path.of(V1TableTest.class.getResource("/v1-table").toURI());
        table = tmp.resolve("wine");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = table.resolve(source.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    @Test
    void runsListShowAndPathWorkOnRunsOfFormatOne() {
        CliHarness.Outcome list = CliHarness.run("runs", "list", table.toString());
        CliHarness.Outcome show = CliHarness.run("runs", "show", table.toString(), "2026-11-27", "--json");
        CliHarness.Outcome summary = CliHarness.run("runs", "show", table.toString());
        CliHarness.Outcome path = CliHarness.run("runs", "path", table.toString());

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines().skip(1)).hasSize(2);
        // both runs are their period's current run: the format-1 pointer's history is read into periods
        assertThat(list.out()).contains("* 2026-11-27", "* 2026-11-28", "sha256-3fa7baf2918f", "wine_mlp 3fa7baf2918f");
        assertThat(list.out().lines().skip(1).map(l -> l.split(" +")[3])).containsExactly("178", "178");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains("\"format_version\" : 1", "\"run_id\" : \"2026-11-27\"");
        assertThat(summary.exitCode()).as(summary.err()).isZero();
        assertThat(summary.out()).contains("run       2026-11-28, current run of period 2026-11-28",
                "rows      178 read, 178 written, 0 rejected", "manifest  format 1, written by coldpath");
        assertThat(path.out().strip()).endsWith(V1_RUN + "2026-11-28");
    }

    @Test
    void reportWritesTheReportOfARunOfFormatOneWithEveryPlot() throws IOException {
        CliHarness.Outcome o = CliHarness.run("report", table.toString(), "2026-11-28");

        assertThat(o.exitCode()).as(o.err()).isZero();
        Path report = Path.of(URI.create(o.out().strip()));
        assertThat(report).isEqualTo(table.resolve(V1_RUN + "2026-11-28").resolve(RunReport.FILE_NAME));
        String html = Files.readString(report);
        assertThat(html).contains("<code>2026-11-28</code>", "wine_mlp", "178 / 178 / 0",
                "178 rows written, fewer than budget.min-rows 1,000", "Stage inference: time per batch",
                "Rows finished per second", "Output label: rows per class", "(format 1)")
                .doesNotContain("not in the shape");
    }

    @Test
    void aRunOfFormatTwoJoinsTheRunsOfFormatOneAndTheTableRollsBackAcrossFormats() throws IOException {
        CliHarness.Outcome scored = CliHarness.run("score", "--model", CliHarness.model("wine_mlp"), "--input",
                CliHarness.data("wine"), "--output", table.toString(), "--batch-size", "64", "--run-id", "2026-11-29");
        assertThat(scored.exitCode()).as(scored.err()).isZero();

        CliHarness.Outcome list = CliHarness.run("runs", "list", table.toString());
        assertThat(list.out()).contains("* 2026-11-27", "* 2026-11-28", "* 2026-11-29"); // 2026-11-29 has no period
        // the table keeps its Hive-style layout (docs/tables.md, "Lineage columns")
        assertThat(Files.readString(table.resolve(V1_RUN + "2026-11-29/_manifest.json")))
                .contains("\"format_version\" : 2", "\"models\" : [");
        assertThat(CliHarness.run("report", table.toString()).exitCode()).isZero();
        assertThat(Files.readString(table.resolve(V1_RUN + "2026-11-29").resolve(RunReport.FILE_NAME)))
                .contains("(format 2)", "Output label: rows per class");

        CliHarness.Outcome rollback = CliHarness.run("runs", "rollback", table.toString());
        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(rollback.out()).contains("is now 2026-11-28");
        assertThat(CliHarness.run("runs", "path", table.toString()).out().strip()).endsWith(V1_RUN + "2026-11-28");
    }
}
