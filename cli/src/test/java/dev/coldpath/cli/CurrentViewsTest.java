package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL views a table writes beside its pointer ({@code _coldpath/current.duckdb.sql} and
 * {@code current.spark.sql}) and {@code coldpath runs sql}: pasted into DuckDB (JDBC) or Spark SQL, they read exactly
 * the current run of every period.
 */
class CurrentViewsTest {
    @TempDir
    Path tmp;

    @Test
    void bothViewsReadExactlyTheCurrentRunOfEveryPeriodAndFollowARollback() throws Exception {
        String registry = tmp.resolve("registry").toString();
        Path table = tmp.resolve("wine");
        Path landing = tmp.resolve("landing");
        CliHarness.spark().read().parquet(CliHarness.data("wine")).where("id < 50")
                .write().parquet(landing.resolve("date=2026-11-27").toString());
        CliHarness.spark().read().parquet(CliHarness.data("wine")).where("id < 60").repartition(2)
                .write().parquet(landing.resolve("date=2026-11-28").toString()); // two files, two part files
        Path job = tmp.resolve("nightly.yaml");
        Files.writeString(job, String.join("\n", "model: wine@latest", "registry: " + registry,
                "input: {path: '" + landing + "/date={date}'}", "output: {path: " + table + "}", ""));
        for (String version : List.of("1.0.0", "1.1.0")) {
            ok(CliHarness.run("models", "register", CliHarness.model("wine_mlp"), "--name", "wine", "--version",
                    version, "--registry", registry));
            ok(CliHarness.run("run", job.toString(), "--date", "2026-11-27", "--set", "model=wine@1.0.0"));
        }
        ok(CliHarness.run("run", job.toString(), "--date", "2026-11-28", "--set", "model=wine@1.0.0"));
        ok(CliHarness.run("run", job.toString(), "--date", "2026-11-28")); // 1.1.0 reruns the 28th

        String duck = Files.readString(table.resolve("_coldpath/current.duckdb.sql"));
        String spark = Files.readString(table.resolve("_coldpath/current.spark.sql"));
        assertThat(duck).contains("CREATE OR REPLACE VIEW \"wine\" AS").doesNotContain("_manifest", "_SUCCESS");
        assertThat(spark).contains("CREATE OR REPLACE TEMPORARY VIEW `wine` AS");
        assertThat(ok(CliHarness.run("runs", "sql", table.toString())).out()).isEqualTo(duck);
        assertThat(ok(CliHarness.run("runs", "sql", table.toString(), "--engine", "spark")).out()).isEqualTo(spark);

        List<String> current = List.of("2026-11-27 2026-11-27 1.0.0 50 50", "2026-11-28 2026-11-28 1.1.0 60 60");
        assertThat(duckDb(duck, "wine")).containsExactlyElementsOf(current);
        assertThat(duckDbTypes(duck, "wine")).containsEntry("model_version", "VARCHAR")
                .containsEntry("run_id", "VARCHAR").containsEntry("period", "DATE").containsEntry("id", "BIGINT");
        assertThat(sparkSql(spark, "wine")).containsExactlyElementsOf(current);

        ok(CliHarness.run("runs", "rollback", table.toString(), "--date", "2026-11-28"));

        List<String> rolledBack = List.of("2026-11-27 2026-11-27 1.0.0 50 50", "2026-11-28 2026-11-28 1.0.0 60 60");
        assertThat(duckDb(Files.readString(table.resolve("_coldpath/current.duckdb.sql")), "wine"))
                .containsExactlyElementsOf(rolledBack);
        assertThat(sparkSql(Files.readString(table.resolve("_coldpath/current.spark.sql")), "wine"))
                .containsExactlyElementsOf(rolledBack);
    }

    @Test
    void outputViewNameNamesTheViews() throws Exception {
        Path table = tmp.resolve("predictions-wine");

        ok(CliHarness.run("score", "--model", CliHarness.model("wine_mlp"), "--input", CliHarness.data("wine"),
                "--output", table.toString(), "--run-id", "adhoc"));
        String byFolder = ok(CliHarness.run("runs", "sql", table.toString())).out();
        ok(CliHarness.run("run", writeJob(table, "output.view-name: wine_now").toString(), "--run-id", "named"));
        String named = Files.readString(table.resolve("_coldpath/current.duckdb.sql"));

        assertThat(byFolder).contains("CREATE OR REPLACE VIEW \"predictions-wine\" AS");
        assertThat(duckDb(byFolder, "\"predictions-wine\"")).containsExactly("null adhoc sha256-3fa7baf2918f 178 178");
        assertThat(named).contains("CREATE OR REPLACE VIEW \"wine_now\" AS");
        assertThat(duckDb(named, "wine_now")).containsExactly("null named sha256-3fa7baf2918f 178 178");
        CliHarness.Outcome bad = CliHarness.run("runs", "sql", table.toString(), "--engine", "trino");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("Invalid --engine trino (must be duckdb or spark)");
    }

    private Path writeJob(Path table, String... more) throws Exception {
        Path job = tmp.resolve("job.yaml");
        List<String> lines = new ArrayList<>(List.of("model: " + CliHarness.model("wine_mlp"),
                "input.path: " + CliHarness.data("wine"), "output.path: " + table));
        lines.addAll(List.of(more));
        Files.writeString(job, String.join("\n", lines) + "\n");
        return job;
    }

    private static CliHarness.Outcome ok(CliHarness.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        return outcome;
    }

    private static final String SUMMARY = "SELECT period, run_id, model_version, count(*) AS n, count(DISTINCT id) AS d"
            + " FROM %s GROUP BY period, run_id, model_version ORDER BY period, run_id";

    /** period, run id, model version, rows and distinct ids per run, through the view in DuckDB. */
    private static List<String> duckDb(String viewSql, String view) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute(viewSql);
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(String.format(SUMMARY, view))) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getLong(4)
                            + " " + rs.getLong(5));
                }
            }
            return rows;
        }
    }

    private static Map<String, String> duckDbTypes(String viewSql, String view) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute(viewSql);
            Map<String, String> types = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("DESCRIBE " + view)) {
                while (rs.next()) {
                    types.put(rs.getString("column_name"), rs.getString("column_type"));
                }
            }
            return types;
        }
    }

    /** The same through Spark SQL, in the tests' SparkSession. */
    private static List<String> sparkSql(String viewSql, String view) {
        CliHarness.spark().sql(viewSql);
        return CliHarness.spark().sql(String.format(SUMMARY, view)).collectAsList().stream()
                .map(r -> r.get(0) + " " + r.getString(1) + " " + r.getString(2) + " " + r.getLong(3) + " "
                        + r.getLong(4)).toList();
    }
}
