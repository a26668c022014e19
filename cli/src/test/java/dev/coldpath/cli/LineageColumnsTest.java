package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lineage columns every data file of a run carries (docs/tables.md, "Lineage columns"): read by DuckDB and by
 * Spark with their default settings over the whole table, and through the views, {@code model_version} and
 * {@code run_id} are strings, {@code period} a DATE (a TIMESTAMP for hours) and {@code scored_at} a timestamp,
 * whether the run ids look like dates or not.
 */
class LineageColumnsTest {
    @TempDir
    Path tmp;

    @Test
    void duckDbAndSparkReadRunIdAsAStringWhetherTheRunIdsAreDatesOrNot() throws Exception {
        Path table = tmp.resolve("wine");
        ok(score(table, "--date", "2026-11-27"));

        // only date-like run ids: the case where readers used to infer run_id as a DATE from the folder names
        Map<String, String> onlyDates = duckDbTypes(wholeTable(table));
        assertThat(onlyDates).containsEntry("model_version", "VARCHAR").containsEntry("run_id", "VARCHAR")
                .containsEntry("period", "DATE").containsEntry("scored_at", "TIMESTAMP WITH TIME ZONE")
                .containsEntry("id", "BIGINT").containsEntry("run", "VARCHAR"); // run=R@V, never a date
        assertLineageTypes(sparkDefaults().read().parquet(table.toString()).schema(), DataTypes.DateType);

        ok(score(table, "--date", "2026-11-27", "--run-id", "2026-11-27-candidate"));
        ok(score(table, "--run-id", "20261128T160240.512Z-3fa7b2c1"));

        assertThat(duckDbTypes(wholeTable(table))).isEqualTo(onlyDates);
        assertThat(duckDbRows(wholeTable(table))).containsExactly(
                "2026-11-27 2026-11-27 sha256-3fa7baf2918f 178",
                "2026-11-27 2026-11-27-candidate sha256-3fa7baf2918f 178",
                "null 20261128T160240.512Z-3fa7b2c1 sha256-3fa7baf2918f 178");
        Dataset<Row> spark = sparkDefaults().read().parquet(table.toString());
        assertLineageTypes(spark.schema(), DataTypes.DateType);
        assertThat(spark.schema().apply("run").dataType()).isEqualTo(DataTypes.StringType);
        assertThat(spark.where("run_id = '2026-11-27'").count()).isEqualTo(178);
        assertThat(spark.where("run = '2026-11-27-candidate@sha256-3fa7baf2918f'").count()).isEqualTo(178);
        assertThat(spark.groupBy("run_id").count().collectAsList()).hasSize(3);

        // scored_at is the run's start, as its manifest records it, the same in every row
        String manifest = Files.readString(table.resolve("run=2026-11-27@sha256-3fa7baf2918f/_manifest.json"));
        String started = manifest.replaceAll("(?s).*\"started_at\" : \"([^\"]+)\".*", "$1");
        List<Row> scoredAt = spark.where("run_id = '2026-11-27'").selectExpr("scored_at").distinct().collectAsList();
        assertThat(scoredAt).hasSize(1);
        assertThat(scoredAt.get(0).getTimestamp(0).toInstant())
                .isEqualTo(Instant.parse(started).truncatedTo(ChronoUnit.MICROS)); // timestamps hold microseconds

        // the views: the current runs, with the same types
        String duckView = Files.readString(table.resolve("_coldpath/current.duckdb.sql"));
        Map<String, String> fromFiles = new LinkedHashMap<>(onlyDates);
        fromFiles.remove("run"); // the views read the files alone
        assertThat(duckDbTypes(duckView + " SELECT * FROM wine")).isEqualTo(fromFiles);
        CliHarness.spark().sql(Files.readString(table.resolve("_coldpath/current.spark.sql")));
        assertLineageTypes(CliHarness.spark().table("wine").schema(), DataTypes.DateType);
    }

    @Test
    void anHourlyRunsPeriodIsATimestampAtTheHoursStartInUtc() throws Exception {
        Path table = tmp.resolve("hourly");
        ok(score(table, "--date", "2026-11-28", "--hour", "13"));

        assertThat(duckDbTypes(wholeTable(table))).containsEntry("period", "TIMESTAMP WITH TIME ZONE")
                .containsEntry("run_id", "VARCHAR");
        Dataset<Row> spark = sparkDefaults().read().parquet(table.toString());
        assertLineageTypes(spark.schema(), DataTypes.TimestampType);
        assertThat(spark.selectExpr("run_id", "CAST(unix_timestamp(period) AS BIGINT)").distinct().collectAsList())
                .map(r -> r.getString(0) + " " + r.getLong(1))
                .containsExactly("2026-11-28T13 " + Instant.parse("2026-11-28T13:00:00Z").getEpochSecond());
        String duckView = Files.readString(table.resolve("_coldpath/current.duckdb.sql"));
        assertThat(duckDbTypes(duckView + " SELECT * FROM hourly")).containsEntry("period", "TIMESTAMP WITH TIME ZONE")
                .containsEntry("scored_at", "TIMESTAMP WITH TIME ZONE");
        CliHarness.spark().sql(Files.readString(table.resolve("_coldpath/current.spark.sql")));
        assertLineageTypes(CliHarness.spark().table("hourly").schema(), DataTypes.TimestampType);

        // a run without a period writes its NULL period as the table's type: the whole table still reads as one
        ok(score(table, "--run-id", "backfill-check"));
        assertThat(duckDbRows(wholeTable(table))).containsExactly(
                "2026-11-28T13:00Z 2026-11-28T13 sha256-3fa7baf2918f 178",
                "null backfill-check sha256-3fa7baf2918f 178");
        Dataset<Row> whole = sparkDefaults().read().parquet(table.toString());
        assertLineageTypes(whole.schema(), DataTypes.TimestampType);
        assertThat(whole.where("period IS NULL").count()).isEqualTo(178);

        // a day in a table of hours would give period a second type: refused before anything is read or written
        List<String> before = files(table);
        CliHarness.Outcome daily = score(table, "--date", "2026-11-29");
        assertThat(daily.exitCode()).isEqualTo(2);
        assertThat(daily.err().lines().filter(l -> l.startsWith("coldpath:")).toList()).singleElement()
                .asString().contains("2026-11-29 is a day", "holds runs of hours", "another output.path");
        assertThat(files(table)).isEqualTo(before);
    }

    private static List<String> files(Path table) throws Exception {
        try (var paths = Files.walk(table)) {
            return paths.map(p -> table.relativize(p) + (Files.isRegularFile(p) ? " " + p.toFile().length() : ""))
                    .sorted().toList();
        }
    }

    @Test
    void aTableOfAnEarlierColdpathKeepsItsHiveLayoutAndItsViewsStillReturnTheCurrentRunsTyped() throws Exception {
        Path table = tmp.resolve("wine");
        ok(score(table, "--date", "2026-11-27"));
        ok(score(table, "--date", "2026-11-28"));
        // make the 27th a run as an earlier coldpath committed it: Hive-style directory, no lineage columns
        Path modern = table.resolve("run=2026-11-27@sha256-3fa7baf2918f");
        Path legacy = table.resolve("model_version=sha256-3fa7baf2918f/run_id=2026-11-27");
        CliHarness.spark().read().parquet(modern.toString()).drop("model_version", "run_id", "period", "scored_at")
                .coalesce(1).write().parquet(legacy.toString());
        Files.writeString(legacy.resolve("_manifest.json"), Files.readString(modern.resolve("_manifest.json"))
                .replace("run=2026-11-27@sha256-3fa7baf2918f", "model_version=sha256-3fa7baf2918f/run_id=2026-11-27"));
        deleteRecursively(modern);
        ok(CliHarness.run("runs", "promote", table.toString(), "2026-11-27"));

        // both layouts in the views: lineage from the files, and from the path and the manifest
        List<String> expected = List.of("2026-11-27 2026-11-27 sha256-3fa7baf2918f 178",
                "2026-11-28 2026-11-28 sha256-3fa7baf2918f 178");
        assertViews(table, expected);

        // the table now has Hive-style runs: new runs keep that layout, so that whole-table readers see one
        ok(score(table, "--date", "2026-11-29"));
        Path legacy29 = table.resolve("model_version=sha256-3fa7baf2918f/run_id=2026-11-29");
        assertThat(legacy29.resolve("_manifest.json")).exists();
        assertThat(CliHarness.spark().read().parquet(legacy29.toString()).columns()).doesNotContain("run_id");
        ok(score(table, "--date", "2026-11-27")); // a rerun replaces the Hive-style run in place

        assertThat(legacy.resolve("_manifest.json")).exists();
        assertThat(CliHarness.run("runs", "list", table.toString()).out().lines().skip(1)).hasSize(3);
        assertViews(table, List.of("2026-11-27 2026-11-27 sha256-3fa7baf2918f 178",
                "2026-11-28 2026-11-28 sha256-3fa7baf2918f 178", "2026-11-29 2026-11-29 sha256-3fa7baf2918f 178"));
    }

    /** Both views return exactly the expected runs, with typed lineage and scored_at from files or manifests. */
    private static void assertViews(Path table, List<String> expected) throws Exception {
        String duckView = Files.readString(table.resolve("_coldpath/current.duckdb.sql"));
        assertThat(duckDbRows(duckView + " SELECT * FROM wine WHERE scored_at IS NOT NULL"))
                .containsExactlyElementsOf(expected);
        assertThat(duckDbTypes(duckView + " SELECT * FROM wine")).containsEntry("run_id", "VARCHAR")
                .containsEntry("model_version", "VARCHAR").containsEntry("period", "DATE")
                .containsEntry("scored_at", "TIMESTAMP WITH TIME ZONE");
        CliHarness.spark().sql(Files.readString(table.resolve("_coldpath/current.spark.sql")));
        assertLineageTypes(CliHarness.spark().table("wine").schema(), DataTypes.DateType);
        assertThat(CliHarness.spark().sql("SELECT period, run_id, model_version, count(*) FROM wine WHERE scored_at"
                + " IS NOT NULL GROUP BY ALL ORDER BY run_id").collectAsList())
                .map(r -> r.get(0) + " " + r.get(1) + " " + r.get(2) + " " + r.get(3))
                .containsExactlyElementsOf(expected);
    }

    private static CliHarness.Outcome score(Path table, String... more) {
        List<String> args = new ArrayList<>(List.of("score", "--model", CliHarness.model("wine_mlp"), "--input",
                CliHarness.data("wine"), "--output", table.toString()));
        args.addAll(List.of(more));
        return CliHarness.run(args.toArray(String[]::new));
    }

    /** What the docs tell analysts to run in DuckDB to read every committed run. */
    private static String wholeTable(Path table) {
        return "SELECT * FROM read_parquet('" + table + "/run=*/*.parquet')";
    }

    /** A session with Spark's default SQL settings (none of the runs' settings). */
    private static SparkSession sparkDefaults() {
        return CliHarness.spark().newSession();
    }

    private static void assertLineageTypes(StructType schema, DataType period) {
        assertThat(schema.apply("model_version").dataType()).isEqualTo(DataTypes.StringType);
        assertThat(schema.apply("run_id").dataType()).isEqualTo(DataTypes.StringType);
        assertThat(schema.apply("period").dataType()).isEqualTo(period);
        assertThat(schema.apply("scored_at").dataType()).isEqualTo(DataTypes.TimestampType);
    }

    private static Map<String, String> duckDbTypes(String query) throws Exception {
        String[] statements = split(query);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            if (statements[0] != null) {
                s.execute(statements[0]);
            }
            Map<String, String> types = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("DESCRIBE " + statements[1])) {
                while (rs.next()) {
                    types.put(rs.getString("column_name"), rs.getString("column_type"));
                }
            }
            return types;
        }
    }

    /** period, run id, model version and rows per run, ordered. */
    private static List<String> duckDbRows(String query) throws Exception {
        String[] statements = split(query);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            if (statements[0] != null) {
                s.execute(statements[0]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT period, run_id, model_version, count(*) FROM ("
                    + statements[1] + ") GROUP BY ALL ORDER BY run_id")) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getLong(4));
                }
            }
            return rows;
        }
    }

    /** A view's SQL (up to its last ';') and the query after it; the query alone when there is no view. */
    private static String[] split(String sql) {
        int end = sql.lastIndexOf(';');
        return end < 0 ? new String[] {null, sql} : new String[] {sql.substring(0, end + 1), sql.substring(end + 1)};
    }

    private static void deleteRecursively(Path dir) throws Exception {
        try (var paths = Files.walk(dir)) {
            for (Path p : new TreeSet<>(paths.toList()).descendingSet()) {
                Files.delete(p);
            }
        }
    }

    private static CliHarness.Outcome ok(CliHarness.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        return outcome;
    }
}
