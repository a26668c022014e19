package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.BudgetBreachedException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.TooManyRejectedException;
import dev.coldpath.core.metrics.OutputSummary;
import dev.coldpath.core.metrics.StageSummary;
import dev.coldpath.core.metrics.ThroughputPoint;
import dev.coldpath.core.spec.Budget;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.testing.TestGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/** Bad rows (fail, skip, quarantine, impute, model failures isolated by bisection), budgets and metrics. */
class BadRowsAndBudgetsTest {
    @TempDir
    Path tmp;
    /** The wine sample with four bad rows, written once for the class: the tests read it and never change it. */
    @TempDir
    static Path inputs;
    private static Path badWine;
    private static QuarantineRun quarantineRun;

    private final SparkSession spark = LocalSpark.get();
    private Path table;

    @BeforeAll
    static void writeBadWine() {
        badWine = inputs.resolve("bad-wine");
        // ids 10 and 20: an array of the wrong length; id 30: a NaN feature; id 40: a null array
        LocalSpark.get().read().parquet(SampleData.data("wine").toString())
                .withColumn("features", functions.when(functions.col("id").isin(10, 20),
                                functions.slice(functions.col("features"), 1, 12))
                        .when(functions.col("id").equalTo(30), functions.transform(functions.col("features"),
                                x -> functions.when(x.gt(100), functions.lit(Float.NaN)).otherwise(x)))
                        .when(functions.col("id").equalTo(40), functions.lit(null).cast("array<float>"))
                        .otherwise(functions.col("features")))
                .repartition(3).write().parquet(badWine.toString());
    }

    @BeforeEach
    void setUp() {
        LocalSpark.resetSessionsWhenIdle();
        table = tmp.resolve("table");
    }

    private JobSpec job(String model, String input, String... more) {
        return job(table, model, input, more);
    }

    private static JobSpec job(Path table, String model, String input, String... more) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", model);
        flat.put("input.path", input);
        flat.put("output.path", table.toString());
        flat.put("run.id", "r");
        for (int i = 0; i < more.length; i += 2) {
            flat.put(more[i], more[i + 1]);
        }
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    private static String wineModel() {
        return SampleData.model("wine_mlp").toString();
    }

    /**
     * The bad wine rows under the quarantine policy, with the Spark jobs the run starts counted: run once for the two
     * tests below, which each check an aspect of it.
     */
    private record QuarantineRun(RunResult result, Path table, Set<Integer> jobs, long rowsRead) {
    }

    private static synchronized QuarantineRun quarantineRun() throws Exception {
        if (quarantineRun == null) {
            SparkSession spark = LocalSpark.get();
            Path table = inputs.resolve("quarantine-table");
            RunJobs listener = new RunJobs();
            spark.sparkContext().addSparkListener(listener);
            RunResult r;
            try {
                r = new SparkScoringJob(spark).run(job(table, wineModel(), badWine.toString(),
                        "bad-rows.policy", "quarantine", "bad-rows.max-fraction", "0.05", "inference.batch-size",
                        "32"));
                spark.sparkContext().listenerBus().waitUntilEmpty();
            } finally {
                spark.sparkContext().removeSparkListener(listener);
            }
            quarantineRun = new QuarantineRun(r, table, Set.copyOf(listener.jobs), listener.rowsRead.get());
        }
        return quarantineRun;
    }

    @Test
    void quarantineWritesEachRejectedRowWholeWithItsReasonAndCommitsTheRest() throws Exception {
        QuarantineRun run = quarantineRun();
        RunResult r = run.result();

        assertThat(r.rowsRead()).isEqualTo(178);
        assertThat(r.rowsWritten()).isEqualTo(174);
        assertThat(r.rowsRejected()).isEqualTo(4);
        Dataset<Row> predictions = spark.read().parquet(r.dataPath());
        assertThat(predictions.where("id in (10, 20, 30, 40)").count()).isZero();
        Dataset<Row> quarantine = spark.read().parquet(r.dataPath() + "/_quarantine");
        assertThat(quarantine.columns()).containsExactly("id", "features", "cultivar",
                SparkScoringJob.REASON_COLUMN);
        Map<Long, String> reasons = new TreeMap<>();
        quarantine.collectAsList().forEach(row -> reasons.put(row.getLong(0), row.getString(3)));
        assertThat(reasons).containsOnlyKeys(10L, 20L, 30L, 40L);
        assertThat(reasons.get(10L)).isEqualTo("Column 'features' has an array of length 12 but model input"
                + " 'features' needs 13 values per row");
        assertThat(reasons.get(30L)).startsWith("Column 'features' is NaN at array index");
        assertThat(reasons.get(40L)).isEqualTo("Column 'features' is null");
        var manifest = runTable(run.table()).run("r").orElseThrow().manifest();
        assertThat(manifest.rows().rejected()).isEqualTo(4);
        assertThat(manifest.metrics().quarantinePath()).isEqualTo("_quarantine");
    }

    /** Counts the Spark jobs of coldpath runs and the input rows their tasks read. */
    private static final class RunJobs extends SparkListener {
        final Set<Integer> jobs = ConcurrentHashMap.newKeySet();
        final AtomicLong rowsRead = new AtomicLong();
        final Set<Integer> stages = ConcurrentHashMap.newKeySet();

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            String group = start.properties() == null ? null : start.properties().getProperty("spark.jobGroup.id");
            if (group != null && group.startsWith("coldpath-")) {
                jobs.add(start.jobId());
                CollectionConverters.asJava(start.stageIds()).forEach(id -> stages.add((Integer) id));
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (stages.contains(end.stageId()) && end.taskMetrics() != null) {
                rowsRead.addAndGet(end.taskMetrics().inputMetrics().recordsRead());
            }
        }
    }

    @Test
    void quarantineIsWrittenByTheJobThatReadsAndScoresEachRowOnce() throws Exception {
        QuarantineRun run = quarantineRun();
        RunResult r = run.result();

        assertThat(r.rowsRejected()).isEqualTo(4);
        assertThat(spark.read().parquet(r.dataPath() + "/_quarantine").count()).isEqualTo(4);
        assertThat(run.jobs()).as("one Spark job writes predictions and quarantine").hasSize(1);
        assertThat(run.rowsRead()).as("each input row read once").isEqualTo(178);
        assertThat(r.metrics().rows()).as("each accepted row scored once").isEqualTo(174);
    }

    @Test
    void skipLeavesBadRowsOutWithoutAQuarantine() {
        RunResult r = new SparkScoringJob(spark).run(job(wineModel(), badWine.toString(),
                "bad-rows.policy", "skip", "bad-rows.max-fraction", "0.05"));

        assertThat(r.rowsWritten()).isEqualTo(174);
        assertThat(Path.of(r.dataPath().replaceFirst("^file:", "")).resolve("_quarantine")).doesNotExist();
    }

    @Test
    void tooManyRejectedRowsAbortTheRunWithNothingCommitted() {
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job(wineModel(), badWine.toString(),
                "bad-rows.policy", "quarantine", "bad-rows.max-fraction", "0.01")))
                .isInstanceOf(TooManyRejectedException.class)
                .hasMessageStartingWith("Rejected 4 of 178 rows (2.25%), more than bad-rows.max-fraction 0.01")
                .hasMessageContaining("nothing was committed, the quarantine neither (fix the input, or raise the"
                        + " limit: a run within it commits its quarantine")
                .satisfies(e -> assertThat(e.getMessage()).as("the policy is quarantine already")
                        .doesNotContain("bad-rows.policy=quarantine"))
                .satisfies(e -> assertThat(((TooManyRejectedException) e).fault()).isEqualTo(Fault.TOO_MANY_REJECTED));
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job(wineModel(), badWine.toString(),
                "bad-rows.policy", "skip", "bad-rows.max-fraction", "0.01")))
                .isInstanceOf(TooManyRejectedException.class)
                .hasMessageEndingWith("nothing was committed (fix the input, or raise the limit;"
                        + " bad-rows.policy=quarantine shows the rows and why)");
        assertThat(runTable().runs()).isEmpty();
        assertThat(runTable().current()).isEmpty();
    }

    @Test
    void imputingMissingValuesScoresNullAndNanRowsInsteadOfRejectingThem() {
        RunResult r = new SparkScoringJob(spark).run(job(wineModel(), badWine.toString(),
                "bad-rows.policy", "skip", "bad-rows.missing", "impute", "bad-rows.max-fraction", "0.05"));

        assertThat(r.rowsRejected()).isEqualTo(2); // only the two short arrays
        assertThat(spark.read().parquet(r.dataPath()).where("id in (30, 40)").count()).isEqualTo(2);
    }

    @Test
    void rowsTheModelFailsOnAreIsolatedByBisectionAndOnlyThoseAreRejected() throws Exception {
        Path model = tmp.resolve("gather.onnx");
        Files.write(model, TestGraphs.gather());
        Path input = tmp.resolve("indexes");
        spark.range(0, 100).selectExpr("id", "CASE WHEN id IN (17, 63) THEN 7 ELSE id % 5 END AS idx")
                .coalesce(1).write().parquet(input.toString());

        RunResult r = new SparkScoringJob(spark).run(job(model.toString(), input.toString(),
                "bad-rows.policy", "quarantine", "bad-rows.max-fraction", "0.05", "inference.batch-size", "32"));

        assertThat(r.rowsWritten()).isEqualTo(98);
        List<Row> good = spark.read().parquet(r.dataPath()).orderBy("id").collectAsList();
        assertThat(good).allSatisfy(row -> assertThat(row.getFloat(1)).isEqualTo((row.getLong(0) % 5) * 10f));
        List<Row> rejected = spark.read().parquet(r.dataPath() + "/_quarantine").orderBy("id").collectAsList();
        assertThat(rejected).extracting(row -> row.getLong(0)).containsExactly(17L, 63L);
        assertThat(rejected.get(0).getString(2)).startsWith("Model file:" + model + " failed on the row: ")
                .contains("indices element out of data bounds, idx=7");
    }

    @Test
    void failPolicyStopsAtTheFirstBadRowNamingIt() {
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job(wineModel(), badWine.toString())))
                .hasMessageContaining("Column 'features'")
                .hasMessageContaining("set bad-rows.policy");
        assertThat(runTable().runs()).isEmpty();
    }

    @Test
    void aMinRowsBudgetBreachFailsTheRunAndNothingIsCommitted() {
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job(wineModel(), SampleData.data("wine").toString(),
                "budget.min-rows", "1000")))
                .isInstanceOf(BudgetBreachedException.class)
                .hasMessageContaining("178 rows written, fewer than budget.min-rows 1,000")
                .satisfies(e -> assertThat(((BudgetBreachedException) e).fault()).isEqualTo(Fault.BUDGET_BREACHED));
        assertThat(runTable().runs()).isEmpty();
    }

    @Test
    void aBudgetThatOnlyWarnsCommitsAndRecordsTheBreach() {
        RunResult r = new SparkScoringJob(spark).run(job(wineModel(), SampleData.data("wine").toString(),
                "budget.min-rows", "1000", "budget.on-breach", "warn"));

        assertThat(r.budgetWarnings()).containsExactly("178 rows written, fewer than budget.min-rows 1,000");
        assertThat(runTable().run("r").orElseThrow().manifest().metrics().budgetWarnings())
                .containsExactly("178 rows written, fewer than budget.min-rows 1,000");
    }

    @Test
    void aWallTimeBudgetThatPassesBetweenTheRunsSparkJobsCancelsTheJobsAfterIt() throws Exception {
        String group = "coldpath-budget-test-" + System.nanoTime();
        WallClockBudget budget = WallClockBudget.start(spark, group, new Budget(Optional.of(Duration.ofMillis(1)),
                OptionalDouble.empty(), OptionalLong.empty(), false));
        try {
            while (!budget.expired()) { // no job of the group ran when it passed: Spark cancelled nothing
                Thread.sleep(5);
            }
            spark.sparkContext().setJobGroup(group, "a run's next job", true);
            assertThatThrownBy(() -> spark.range(1000).count()).hasMessageContaining("cancelled");
        } finally {
            budget.cancel();
            spark.sparkContext().clearJobGroup();
        }
        assertThat(spark.range(1000).count()).as("jobs of other groups run").isEqualTo(1000);
    }

    @Test
    void aRunPastItsWallTimeBudgetIsCancelledAndNothingIsCommitted() {
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job(wineModel(), badWine.toString(),
                "budget.max-wall-time", "PT0.001S", "bad-rows.policy", "skip", "bad-rows.max-fraction", "0.05")))
                .isInstanceOf(BudgetBreachedException.class)
                .hasMessageContaining("exceeded budget.max-wall-time PT0.001S and was cancelled");
        assertThat(runTable().runs()).isEmpty();
    }

    @Test
    void manifestMetricsHoldStagePercentilesThroughputAndPredictionDistributions() {
        RunResult r = new SparkScoringJob(spark).run(job(wineModel(), SampleData.data("wine").toString(),
                "inference.batch-size", "16"));
        RunManifest.Metrics m = runTable().run("r").orElseThrow().manifest().metrics();

        assertThat(m.batches()).isEqualTo(12);
        Map<String, StageSummary> stages = m.stages();
        assertThat(stages).containsOnlyKeys("read", "tensor", "inference", "decode", "write");
        assertThat(stages.get("inference").count()).isEqualTo(12);
        assertThat(stages.get("inference").p99Ms()).isGreaterThanOrEqualTo(stages.get("inference").p50Ms());
        List<ThroughputPoint> throughput = m.throughput();
        assertThat(throughput.stream().mapToLong(ThroughputPoint::rows).sum()).isEqualTo(178);
        Map<String, OutputSummary> outputs = m.outputs();
        assertThat(outputs.get("label")).isInstanceOf(OutputSummary.Classes.class);
        Map<String, Long> counts = ((OutputSummary.Classes) outputs.get("label")).counts();
        assertThat(counts.values().stream().mapToLong(v -> v).sum()).isEqualTo(178);
        assertThat(r.metrics().batches()).isEqualTo(12);
    }

    private RunTable runTable() {
        return runTable(table);
    }

    private RunTable runTable(Path table) {
        HadoopFileStore store = new HadoopFileStore(spark.sparkContext().hadoopConfiguration());
        return new RunTable(store, store.qualify(table.toString()));
    }
}
