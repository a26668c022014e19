package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {
    @TempDir
    Path tmp;

    @Test
    void scoreTakesAnyJobKeyWithSetAsRunDoes() {
        Path input = tmp.resolve("short-array");
        CliHarness.spark().read().parquet(CliHarness.data("wine"))
                .withColumn("features", functions.when(functions.col("id").equalTo(7),
                        functions.slice(functions.col("features"), 1, 12)).otherwise(functions.col("features")))
                .write().parquet(input.toString());
        String[] score = {"score", "--model", CliHarness.model("wine_mlp"), "--input", input.toString(), "--output",
            tmp.resolve("out").toString()};

        CliHarness.Outcome failing = CliHarness.run(score);
        CliHarness.Outcome quarantined = CliHarness.run(concat(score, "--set", "bad-rows.policy=quarantine",
                "--set", "bad-rows.max-fraction=0.5"));

        assertThat(failing.exitCode()).isEqualTo(2);
        assertThat(quarantined.exitCode()).as(quarantined.err()).isZero();
        assertThat(quarantined.out()).contains("178 read, 177 written, 1 rejected")
                .containsPattern("(?m)^  quarantine .*/run=[^/]+/_quarantine \\(1 rows, with a _coldpath_reason"
                        + " column\\)$");
        assertThat(CliHarness.run(concat(score, "--set", "bad-rows.polcy=skip")).err())
                .contains("Unknown key 'bad-rows.polcy' in --set");
    }

    @Test
    void scoreCommitsToAnIcebergTableWithOutputTableAndWarehouse() {
        String[] score = {"score", "--model", CliHarness.model("wine_mlp"), "--input", CliHarness.data("wine"),
            "--output-table", "coldpath.score_cli.wine", "--warehouse", CliHarness.icebergWarehouse(), "--set",
            "run.id=cli-1"};

        CliHarness.Outcome scored = CliHarness.run(score);

        assertThat(scored.exitCode()).as(scored.err()).isZero();
        assertThat(scored.out()).contains("coldpath.score_cli.wine VERSION AS OF 'run-cli-1'");
        assertThat(CliHarness.spark().sql("SELECT count(*) FROM coldpath.score_cli.wine VERSION AS OF 'run-cli-1'")
                .first().getLong(0)).isEqualTo(178);
        CliHarness.Outcome both = CliHarness.run(concat(score, "--output", tmp.resolve("out").toString()));
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("Give exactly one of --output").contains("--output-table");
        CliHarness.Outcome noTable = CliHarness.run("score", "--model", CliHarness.model("wine_mlp"), "--input",
                CliHarness.data("wine"), "--output", tmp.resolve("out").toString(), "--warehouse",
                CliHarness.icebergWarehouse());
        assertThat(noTable.exitCode()).isEqualTo(2);
        assertThat(noTable.err()).contains("--warehouse is the embedded Iceberg catalog's warehouse, for"
                + " --output-table or --input-table, and neither is given").doesNotContain("input.warehouse");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
