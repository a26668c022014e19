package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code input.bad-files} on the command line: an input folder of two good Parquet files and a corrupt one. With
 * {@code skip} the run exits 0, scores exactly the good files' rows, and its summary and manifest name the corrupt
 * file; with the default {@code fail} it exits 2 with one line naming it, and commits nothing.
 */
class BadFilesCommandTest {
    @TempDir
    static Path tmp;
    private static Path input;
    private static Path corrupt;

    @BeforeAll
    static void writeInput() throws Exception {
        input = tmp.resolve("input");
        Files.createDirectories(input);
        String sample = CliHarness.data("breast_cancer");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < 2; i++) {
                statement.execute("COPY (SELECT * FROM read_parquet('" + sample + "') WHERE id % 2 = " + i
                        + ") TO '" + input.resolve("part-" + i + ".parquet") + "' (FORMAT parquet)");
            }
        }
        byte[] good = Files.readAllBytes(input.resolve("part-0.parquet"));
        byte[] damaged = Arrays.copyOf(good, good.length);
        Arrays.fill(damaged, 4, damaged.length - 4, (byte) 0x5a); // PAR1 at both ends, a footer length to nowhere
        corrupt = input.resolve("part-2.parquet");
        Files.write(corrupt, damaged);
    }

    private static String[] score(Path table, String... more) {
        List<String> args = new ArrayList<>(List.of("score", "--model",
                CliHarness.model("breast_cancer_logreg"), "--input", input.toString(), "--output", table.toString(),
                "--input-columns", CliHarness.BREAST_CANCER_FEATURES));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void skipScoresTheGoodFilesExactlyAndNamesTheCorruptOneInTheSummaryAndTheManifest() throws Exception {
        Path table = tmp.resolve("skip");

        CliHarness.Outcome outcome = CliHarness.run(score(table, "--set", "input.bad-files=skip"));

        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        assertThat(outcome.out()).as("the summary").contains("skipped   1 input file (input.bad-files: skip),"
                + " 2 read:").contains(corrupt.getFileName().toString() + ": cannot be read as Parquet");
        CommittedRun run = new RunTable(new HadoopFileStore(new Configuration()), table.toUri().toString()).runs()
                .get(0);
        RunManifest.Input read = run.manifest().input();
        assertThat(read.skippedFiles()).singleElement().satisfies(f -> {
            assertThat(Path.of(URI.create(f.path()))).isEqualTo(corrupt);
            assertThat(f.sizeBytes()).isEqualTo(Files.size(corrupt));
        });
        assertThat(read.files()).hasSize(2);
        assertThat(run.manifest().rows().written()).isEqualTo(569);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*), count(DISTINCT id), sum(id), (SELECT sum(id)"
                     + " FROM read_parquet('" + CliHarness.data("breast_cancer") + "')) FROM read_parquet('"
                     + Path.of(URI.create(run.path())) + "/*.parquet')")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows written").isEqualTo(569);
            assertThat(rs.getLong(2)).as("distinct ids written").isEqualTo(569);
            assertThat(rs.getLong(3)).as("sum of ids written").isEqualTo(rs.getLong(4));
        }
    }

    @Test
    void failTheDefaultExitsTwoWithOneLineNamingTheCorruptFile() throws Exception {
        Path table = tmp.resolve("fail");

        CliHarness.Outcome outcome = CliHarness.run(score(table));

        assertThat(outcome.exitCode()).as(outcome.err()).isEqualTo(2);
        assertThat(outcome.err().lines()).singleElement().asString().startsWith("coldpath: ")
                .contains(corrupt.toString());
        assertThat(table.resolve("_coldpath")).as("no pointer").doesNotExist();
    }
}
