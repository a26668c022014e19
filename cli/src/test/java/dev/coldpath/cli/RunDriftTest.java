package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.table.RunManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every run's drift against the table's previous run (docs/models.md): the second run of the logistic regression,
 * on data whose radius features are 30 % larger, records the PSI of its probabilities against the first's, equal to
 * DuckDB's from the definition over both runs' files; {@code budget.max-drift-psi} fails or warns.
 */
class RunDriftTest {
    @TempDir
    Path tmp;

    private Path job(String name, String input, Path table) throws IOException {
        Path job = tmp.resolve(name + ".yaml");
        Files.writeString(job, "model: " + CliHarness.model("breast_cancer_logreg") + "\n"
                + "features: [" + CliHarness.BREAST_CANCER_FEATURES + "]\n"
                + "input: {path: " + input + "}\n"
                + "output: {path: " + table + ", keep-columns: [id, diagnosis]}\n");
        return job;
    }

    private Path shiftedData() throws Exception {
        return ShiftedData.write(tmp);
    }

    private static RunManifest current(Path table) {
        CliHarness.Outcome show = CliHarness.run("runs", "show", table.toString(), "--json");
        assertThat(show.exitCode()).as(show.err()).isZero();
        return RunManifest.read(show.out().getBytes(StandardCharsets.UTF_8), "show");
    }

    /** A run's files; the manifest's data path is relative to the table. */
    private static String parquet(Path table, String dataPath) {
        return "read_parquet('" + table.resolve(dataPath) + "/*.parquet')";
    }

    @Test
    void theSecondRunRecordsThePsiOfItsProbabilitiesAgainstTheFirstsAsDuckDbComputesIt() throws Exception {
        Path table = tmp.resolve("drift");
        CliHarness.Outcome first = CliHarness.run("run", job("a", CliHarness.data("breast_cancer"), table).toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        RunManifest before = current(table);
        assertThat(before.drift()).isNull();
        assertThat(first.out()).doesNotContain("  drift     ");

        CliHarness.Outcome second = CliHarness.run("run", job("b", shiftedData().toString(), table).toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        RunManifest after = current(table);
        RunDrift drift = after.drift();
        assertThat(drift.previousRun()).isEqualTo(before.runId());
        assertThat(drift.rows()).isEqualTo(569);
        assertThat(drift.previousRows()).isEqualTo(569);
        RunDrift.Output probability = drift.outputs().stream().filter(o -> o.output().equals("probability"))
                .findFirst().orElseThrow();
        assertThat(probability.kind()).isEqualTo("score");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            sql.execute("CREATE VIEW p AS SELECT probability::DOUBLE AS v FROM " + parquet(table, before.dataPath()));
            sql.execute("CREATE VIEW c AS SELECT probability::DOUBLE AS v FROM " + parquet(table, after.dataPath()));
            try (ResultSet rs = sql.executeQuery("""
                    WITH ps AS (SELECT v, row_number() OVER (ORDER BY v) AS k FROM p),
                    edges AS (SELECT i, (SELECT v FROM ps WHERE k = ceil(i * (SELECT count(*) FROM p) / 10.0)) AS edge
                              FROM range(1, 10) t(i)),
                    pb AS (SELECT 1 + (SELECT count(*) FROM edges WHERE edge < v) AS b FROM p),
                    cb AS (SELECT 1 + (SELECT count(*) FROM edges WHERE edge < v) AS b FROM c),
                    bins AS (SELECT i AS b FROM range(1, 11) t(i)),
                    shares AS (SELECT
                        greatest((SELECT count(*) FROM pb WHERE pb.b = bins.b) / (SELECT count(*) FROM p)::DOUBLE, 1e-4) AS r,
                        greatest((SELECT count(*) FROM cb WHERE cb.b = bins.b) / (SELECT count(*) FROM c)::DOUBLE, 1e-4) AS a
                        FROM bins)
                    SELECT sum((a - r) * ln(a / r)), (SELECT avg(v) FROM p), (SELECT avg(v) FROM c) FROM shares""")) {
                rs.next();
                assertThat(probability.psi()).isCloseTo(rs.getDouble(1), within(1e-9)).isGreaterThan(0.01);
                assertThat(probability.meanPrevious()).isCloseTo(rs.getDouble(2), within(1e-9));
                assertThat(probability.mean()).isCloseTo(rs.getDouble(3), within(1e-9));
            }
            // the report's histogram: both runs' values over 20 equal bins from the smaller minimum to the larger maximum
            assertThat(probability.histogram()).hasSize(20);
            assertThat(probability.histogram().get(0).lower()).isEqualTo(number(sql,
                    "SELECT least((SELECT min(v) FROM p), (SELECT min(v) FROM c))"));
            assertThat(probability.histogram().get(19).upper()).isEqualTo(number(sql,
                    "SELECT greatest((SELECT max(v) FROM p), (SELECT max(v) FROM c))"));
            for (RunDrift.Bin b : probability.histogram()) {
                String in = " WHERE (v > " + b.lower() + " AND v <= " + b.upper() + ")"
                        + (b == probability.histogram().get(0) ? " OR v = " + b.lower() : "");
                assertThat(b.previous()).isEqualTo((long) number(sql, "SELECT count(*) FROM p" + in));
                assertThat(b.current()).isEqualTo((long) number(sql, "SELECT count(*) FROM c" + in));
            }
        }
        assertThat(second.out()).contains(String.format(Locale.ROOT, "drift     vs previous run %s: probability PSI %.4g",
                before.runId(), probability.psi()));

        // the budget: fail commits nothing; warn commits and records the breach
        CliHarness.Outcome failed = CliHarness.run("run", job("c", CliHarness.data("breast_cancer"), table).toString(),
                "--set", "budget.max-drift-psi=0.001");
        assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(4);
        assertThat(failed.err()).contains("probability has PSI").contains("budget.max-drift-psi 0.001");
        assertThat(current(table).runId()).isEqualTo(after.runId());
        CliHarness.Outcome warned = CliHarness.run("run", job("d", CliHarness.data("breast_cancer"), table).toString(),
                "--set", "budget.max-drift-psi=0.001", "--set", "budget.on-breach=warn");
        assertThat(warned.exitCode()).as(warned.err()).isZero();
        assertThat(warned.out()).contains("budget breached: probability has PSI");
        assertThat(current(table).drift().previousRun()).isEqualTo(after.runId());
    }

    @Test
    void aDatedRunIsComparedWithItsPeriodsCurrentRunElseTheNightBefore() throws Exception {
        Path table = tmp.resolve("dated");
        CliHarness.Outcome first = CliHarness.run("run", job("a", CliHarness.data("breast_cancer"), table).toString(),
                "--date", "2026-11-28");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(current(table).drift()).as("a table's first run").isNull();
        // the next night, on the same data: compared with the night before, no drift
        CliHarness.Outcome other = CliHarness.run("run", job("a", CliHarness.data("breast_cancer"), table).toString(),
                "--date", "2026-11-29");
        assertThat(other.exitCode()).as(other.err()).isZero();
        assertThat(current(table).drift().previousRun()).isEqualTo("2026-11-28");
        assertThat(current(table).drift().outputs().get(0).psi()).isZero();
        // a backfill of a day before every run has nothing to compare with
        CliHarness.Outcome backfill = CliHarness.run("run", job("a", CliHarness.data("breast_cancer"), table)
                .toString(), "--date", "2026-11-20");
        assertThat(backfill.exitCode()).as(backfill.err()).isZero();
        assertThat(RunManifest.read(CliHarness.run("runs", "show", table.toString(), "2026-11-20", "--json").out()
                .getBytes(StandardCharsets.UTF_8), "show").drift()).isNull();
        // a rerun of 2026-11-28 on other data is compared with the run it replaces
        CliHarness.Outcome rerun = CliHarness.run("run", job("b", shiftedData().toString(), table).toString(),
                "--date", "2026-11-28", "--set", "output.replace=true");
        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        CliHarness.Outcome show = CliHarness.run("runs", "show", table.toString(), "2026-11-28", "--json");
        RunDrift drift = RunManifest.read(show.out().getBytes(StandardCharsets.UTF_8), "show").drift();
        assertThat(drift.previousRun()).isEqualTo("2026-11-28");
        assertThat(drift.outputs().get(0).psi()).isGreaterThan(0.01);
        assertThat(rerun.out()).contains("drift     vs previous run 2026-11-28: probability PSI");
        assertThat(CliHarness.run("runs", "show", table.toString(), "2026-11-28").out())
                .containsPattern("drift +vs previous run 2026-11-28: probability PSI");
    }

    private static double number(Statement sql, String query) throws Exception {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}
