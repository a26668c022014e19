package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ParquetSink;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.table.StagedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versioned prediction tables on local disk, with real Spark and an independent reader (DuckDB). */
class PredictionTableTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = LocalSpark.get();
    private Path table;

    @BeforeEach
    void setUp() {
        LocalSpark.resetSessionsWhenIdle();
        table = tmp.resolve("table");
    }

    private JobSpec job(String input, String... more) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model("wine_mlp").toString());
        flat.put("input.path", input);
        flat.put("output.path", table.toString());
        for (int i = 0; i < more.length; i += 2) {
            flat.put(more[i], more[i + 1]);
        }
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    private RunTable runTable() {
        HadoopFileStore store = new HadoopFileStore(spark.sparkContext().hadoopConfiguration());
        return new RunTable(store, store.qualify(table.toString()));
    }

    @Test
    void rerunWithTheSameRunIdReplacesTheRunWithoutDuplicates() {
        String wine = SampleData.data("wine").toString();
        RunResult first = new SparkScoringJob(spark).run(job(wine, "run.id", "nightly-1"));
        RunResult second = new SparkScoringJob(spark).run(job(wine, "run.id", "nightly-1"));

        Dataset<Row> all = spark.read().parquet(table.toString());
        assertThat(all.count()).isEqualTo(178);
        assertThat(all.select("id").distinct().count()).isEqualTo(178);
        assertThat(runTable().runs()).hasSize(1);
        assertThat(second.dataPath()).isEqualTo(first.dataPath());
        assertThat(runTable().current().orElseThrow().runId()).isEqualTo("nightly-1");
    }

    @Test
    void twoConcurrentRunsWithDifferentIdsBothCommitIntact() {
        String wine = SampleData.data("wine").toString();
        CompletableFuture<RunResult> a = CompletableFuture.supplyAsync(
                () -> new SparkScoringJob(spark).run(job(wine, "run.id", "a")));
        CompletableFuture<RunResult> b = CompletableFuture.supplyAsync(
                () -> new SparkScoringJob(spark).run(job(wine, "run.id", "b")));
        CompletableFuture.allOf(a, b).join();

        Dataset<Row> all = spark.read().parquet(table.toString());
        assertThat(all.groupBy("run_id").count().collectAsList())
                .extracting(r -> r.getString(0) + "=" + r.getLong(1))
                .containsExactlyInAnyOrder("a=178", "b=178");
        assertThat(runTable().runs()).extracting(r -> r.runId()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aRunAbortedBetweenWritingDataAndCommittingStaysInvisible() throws Exception {
        RunTable t = runTable();
        new SparkScoringJob(spark).run(job(SampleData.data("wine").toString(), "run.id", "committed"));
        StagedRun staged = t.stage("crashed", "1.0.0");
        ParquetSink.write(spark.read().parquet(SampleData.data("wine").toString()), staged.path());
        // the driver dies here: no manifest, no rename, no pointer move

        assertThat(t.runs()).extracting(r -> r.runId()).containsExactly("committed");
        assertThat(t.current().orElseThrow().runId()).isEqualTo("committed");
        assertThat(spark.read().parquet(table.toString()).count()).isEqualTo(178);
        assertThat(duckCount("SELECT count(*) FROM read_parquet('" + table
                + "/run=*/*.parquet')")).isEqualTo(178);
    }

    @Test
    void rollbackRestoresThePreviousDataPathWithoutRecomputing() {
        String wine = SampleData.data("wine").toString();
        RunResult monday = new SparkScoringJob(spark).run(job(wine, "run.id", "monday"));
        RunResult tuesday = new SparkScoringJob(spark).run(job(wine, "run.id", "tuesday"));
        RunTable t = runTable();
        assertThat(t.currentDataPath()).contains(tuesday.dataPath());

        t.rollback();

        assertThat(t.currentDataPath()).contains(monday.dataPath());
        assertThat(t.runs()).hasSize(2);
        assertThatThrownBy(t::rollback).hasMessageContaining("no earlier run to roll back to");
    }

    @Test
    void manualPromotionLeavesThePointerUntilPromoted() {
        String wine = SampleData.data("wine").toString();
        new SparkScoringJob(spark).run(job(wine, "run.id", "champion"));
        RunResult candidate = new SparkScoringJob(spark).run(job(wine, "run.id", "candidate",
                "output.promote", "manual"));
        RunTable t = runTable();
        assertThat(candidate.promoted()).isFalse();
        assertThat(t.current().orElseThrow().runId()).isEqualTo("champion");

        t.promote("candidate", "test");

        assertThat(t.currentDataPath()).contains(candidate.dataPath());
    }

    @Test
    void failedRunNeverMovesThePointer() throws Exception {
        String wine = SampleData.data("wine").toString();
        new SparkScoringJob(spark).run(job(wine, "run.id", "good"));
        Path bad = tmp.resolve("bad");
        spark.read().parquet(wine).withColumn("features", functions.slice(functions.col("features"), 1, 12))
                .write().parquet(bad.toString());

        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job(bad.toString(), "run.id", "bad")))
                .isInstanceOf(InputDataException.class);

        RunTable t = runTable();
        assertThat(t.current().orElseThrow().runId()).isEqualTo("good");
        assertThat(t.runs()).extracting(r -> r.runId()).containsExactly("good");
        try (Stream<Path> staging = Files.list(table.resolve("_staging"))) {
            assertThat(staging).as("aborted staging directories").isEmpty();
        }
    }

    @Test
    void gcKeepsTheNewestRunsAndNeverTheCurrentOrPreviousOne() {
        String wine = SampleData.data("wine").toString();
        for (String id : List.of("r1", "r2", "r3", "r4")) {
            new SparkScoringJob(spark).run(job(wine, "run.id", id));
        }
        RunTable t = runTable();
        t.promote("r1", "pin an old run");

        assertThat(t.gc(1)).containsExactly("r2", "r3");
        assertThat(t.runs()).extracting(r -> r.runId()).containsExactlyInAnyOrder("r1", "r4");
    }

    @Test
    void manifestRecordsModelInputRowsTimesJobAndSparkApplication() {
        String wine = SampleData.data("wine").toString();
        RunResult r = new SparkScoringJob(spark).run(job(wine, "run.id", "m",
                "spark.hadoop.fs.s3a.secret.key", "do-not-print-me"));
        var manifest = runTable().run("m").orElseThrow().manifest();

        assertThat(manifest.runId()).isEqualTo("m");
        assertThat(manifest.coldpathVersion()).isNotBlank().isNotEqualTo("unknown");
        assertThat(manifest.model().sha256()).isEqualTo(r.model().sha256()).hasSize(64);
        assertThat(manifest.model().name()).isEqualTo("wine_mlp");
        assertThat(manifest.input().files()).hasSize(1);
        assertThat(manifest.input().files().get(0).sizeBytes()).isEqualTo(SampleData.data("wine").toFile().length());
        assertThat(manifest.rows().read()).isEqualTo(178);
        assertThat(manifest.rows().written()).isEqualTo(178);
        assertThat(manifest.rows().rejected()).isZero();
        assertThat(manifest.wallMs()).isPositive();
        assertThat(manifest.spark().applicationId()).isEqualTo(spark.sparkContext().applicationId());
        assertThat(manifest.sessions().created()).isEqualTo(1);
        assertThat(manifest.job()).containsEntry("spark.hadoop.fs.s3a.secret.key", "<redacted>");
        assertThat(manifest.toString()).doesNotContain("do-not-print-me");
        assertThat(manifest.outputColumns()).extracting(c -> c.name() + " " + c.type())
                .containsExactly("probabilities map<string,float>", "label string"); // the model names its classes
    }

    @Test
    void duckDbReadsACommittedRunWithTheExpectedColumnTypes() throws Exception {
        RunResult r = new SparkScoringJob(spark).run(job(SampleData.data("wine").toString(), "run.id", "2026-11-28"));
        String path = r.dataPath().replaceFirst("^file:", "");

        Map<String, String> types = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + path
                     + "/*.parquet', hive_partitioning = false)")) {
            while (rs.next()) {
                types.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        assertThat(types).containsExactly(Map.entry("id", "BIGINT"), Map.entry("cultivar", "INTEGER"),
                Map.entry("probabilities", "MAP(VARCHAR, FLOAT)"), Map.entry("label", "VARCHAR"),
                Map.entry("model_version", "VARCHAR"), Map.entry("run_id", "VARCHAR"), Map.entry("period", "DATE"),
                Map.entry("scored_at", "TIMESTAMP WITH TIME ZONE"));
        // Over the whole table, with DuckDB's default hive_partitioning: no column from the folder names, and a
        // date-like run id is the string the file holds.
        assertThat(duckCount("SELECT count(*) FROM read_parquet('" + table
                + "/run=*/*.parquet') WHERE run_id = '2026-11-28' AND period IS NULL"
                + " AND model_version LIKE 'sha256-%'")).isEqualTo(178);
    }

    @Test
    void scheduledRunFillsTheInputTemplateAndNamesTheRunAfterTheDate() throws Exception {
        Path landing = tmp.resolve("landing");
        spark.read().parquet(SampleData.data("wine").toString()).write()
                .parquet(landing.resolve("date=2026-11-28").toString());
        String template = landing + "/date={date}";

        RunResult r = new SparkScoringJob(spark).run(job(template, "run.date", "2026-11-28"));

        assertThat(r.runId()).isEqualTo("2026-11-28");
        assertThat(r.rowsWritten()).isEqualTo(178);
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job(template, "run.date", "2026-11-29")))
                .isInstanceOf(InputDataException.class)
                .hasMessageContaining("date=2026-11-29 does not exist (yet)")
                .satisfies(e -> assertThat(((InputDataException) e).fault()).isEqualTo(Fault.INPUT_NOT_READY));
    }

    @Test
    void incrementalRunScoresOnlyPartitionsNoCommittedRunOfThisModelHasScored() {
        Path landing = tmp.resolve("landing");
        Dataset<Row> wine = spark.read().parquet(SampleData.data("wine").toString());
        wine.where("id < 100").write().parquet(landing.resolve("date=2026-11-27").toString());
        String input = landing.toString();

        RunResult first = new SparkScoringJob(spark).run(job(input, "input.incremental", "true", "run.id", "i1"));
        wine.where("id >= 100").write().parquet(landing.resolve("date=2026-11-28").toString());
        RunResult second = new SparkScoringJob(spark).run(job(input, "input.incremental", "true", "run.id", "i2"));
        RunResult third = new SparkScoringJob(spark).run(job(input, "input.incremental", "true", "run.id", "i3"));

        assertThat(first.rowsWritten()).isEqualTo(100);
        assertThat(second.rowsWritten()).isEqualTo(78);
        assertThat(third.nothingToScore()).isTrue();
        assertThat(runTable().run("i2").orElseThrow().manifest().input().partitions())
                .containsExactly("date=2026-11-28");
        assertThat(spark.read().parquet(table.toString()).select("id").distinct().count()).isEqualTo(178);
    }

    private static long duckCount(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
