package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.spec.ExecutorSpec;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.testing.TestGraphs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

class SparkScoringJobTest {
    private static final String BREAST_CANCER_SQL = "SELECT id, "
            + String.join(", ", SampleData.BREAST_CANCER_FEATURES) + " FROM $FILE ORDER BY id";
    private static final String WINE_SQL = "SELECT id, features FROM $FILE ORDER BY id";

    @TempDir
    Path tmp;
    /** The sample inputs split into files, made once for the class: the tests read them and never change them. */
    @TempDir
    static Path inputs;
    private static final Map<String, Path> SPLITS = new HashMap<>();

    private final SparkSession spark = LocalSpark.get();

    @BeforeEach
    void resetSessions() {
        LocalSpark.resetSessionsWhenIdle();
    }

    static Stream<Arguments> sampleModels() {
        return Stream.of(
                Arguments.of("breast_cancer_logreg", "breast_cancer", "input", BREAST_CANCER_SQL,
                        Map.of("features.input", List.of(SampleData.BREAST_CANCER_FEATURES))),
                Arguments.of("breast_cancer_trees", "breast_cancer", "input", BREAST_CANCER_SQL,
                        Map.of("features", List.of(SampleData.BREAST_CANCER_FEATURES), "output.prefix", "pred_",
                                "output.labels", "ids")), // class names: ClassNamesTest
                Arguments.of("wine_mlp", "wine", "features", WINE_SQL, Map.of("output.labels", "ids")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleModels")
    void predictionsOverEightPartitionsEqualDirectOnnxRuntimeForEveryKey(String model, String data, String input,
                                                                         String sql, Map<String, Object> settings)
            throws Exception {
        Path partitioned = splitIntoFiles(SampleData.data(data), 8);
        Path output = tmp.resolve("out");
        Map<String, Object> job = new LinkedHashMap<>(settings);
        job.put("model", SampleData.model(model).toString());
        job.put("input.path", partitioned.toString());
        job.put("output.path", output.toString());
        job.put("inference.batch-size", "50");

        RunResult result = new SparkScoringJob(spark).run(JobSpec.from(JobConfig.of(job, "test")));

        Map<Long, float[]> features = DirectOnnx.readFeatures(partitioned.resolve("*.parquet"), sql);
        Map<Long, Map<String, Object>> expected = DirectOnnx.score(SampleData.model(model), input, features);
        List<Row> rows = spark.read().parquet(output.toString()).collectAsList();
        assertThat(result.rowsWritten()).isEqualTo(features.size());
        assertThat(rows).hasSize(features.size());
        assertThat(rows.stream().map(r -> r.<Long>getAs("id")).distinct().count()).isEqualTo(features.size());
        String prefix = (String) settings.getOrDefault("output.prefix", "");
        for (Row row : rows) {
            Map<String, Object> want = expected.get(row.<Long>getAs("id"));
            for (Map.Entry<String, Object> out : want.entrySet()) {
                Object got = row.getAs(prefix + out.getKey());
                assertSamePrediction(got, out.getValue(), "id " + row.getAs("id") + " " + out.getKey());
            }
        }
    }

    private static void assertSamePrediction(Object got, Object want, String what) {
        if (want instanceof Float f) {
            assertThat((Float) got).as(what).isCloseTo(f, within(1e-6f));
        } else if (want instanceof Long l) {
            assertThat((Long) got).as(what).isEqualTo(l);
        } else if (want instanceof float[] f) {
            List<Object> list = CollectionConverters.asJava((Seq<Object>) got);
            assertThat(list).as(what).hasSize(f.length);
            for (int i = 0; i < f.length; i++) {
                assertThat((Float) list.get(i)).as(what + "[" + i + "]").isCloseTo(f[i], within(1e-6f));
            }
        } else if (want instanceof Map<?, ?> m) {
            Map<Object, Object> map = new HashMap<>(
                    CollectionConverters.asJava((scala.collection.Map<Object, Object>) got));
            assertThat(map.keySet()).as(what).isEqualTo(m.keySet());
            m.forEach((k, v) -> assertThat((Float) map.get(k)).as(what + "{" + k + "}")
                    .isCloseTo((Float) v, within(1e-6f)));
        } else {
            throw new AssertionError("unexpected reference value " + want);
        }
    }

    @Test
    void nullAndNanScalarsInAColumnarChunkAreQuarantinedAndEveryOtherRowIsScoredAsDirectOnnxRuntimeScoresIt()
            throws Exception {
        Path clean = splitIntoFiles(SampleData.data("breast_cancer"), 1);
        Path bad = tmp.resolve("bad");
        spark.read().parquet(clean.toString())
                .withColumn("mean_area", functions.when(functions.col("id").equalTo(7), functions.lit(null))
                        .otherwise(functions.col("mean_area")))
                .withColumn("worst_symmetry", functions.when(functions.col("id").equalTo(300),
                        functions.lit(Float.NaN)).otherwise(functions.col("worst_symmetry")))
                .coalesce(1).write().parquet(bad.toString());
        Path output = tmp.resolve("out");
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("model", SampleData.model("breast_cancer_logreg").toString());
        job.put("input.path", bad.toString());
        job.put("output.path", output.toString());
        job.put("features.input", List.of(SampleData.BREAST_CANCER_FEATURES));
        job.put("inference.batch-size", "64");
        job.put("bad-rows.policy", "quarantine");

        RunResult result = new SparkScoringJob(spark).run(JobSpec.from(JobConfig.of(job, "test")));

        Map<Long, float[]> features = DirectOnnx.readFeatures(clean.resolve("*.parquet"), BREAST_CANCER_SQL);
        features.keySet().removeAll(List.of(7L, 300L));
        Map<Long, Map<String, Object>> expected = DirectOnnx.score(SampleData.model("breast_cancer_logreg"), "input",
                features);
        assertThat(result.rowsRejected()).isEqualTo(2);
        List<Row> rows = spark.read().parquet(result.dataPath()).collectAsList();
        assertThat(rows).hasSize(features.size());
        for (Row row : rows) {
            Map<String, Object> want = expected.get(row.<Long>getAs("id"));
            assertThat(want).as("id " + row.getAs("id")).isNotNull();
            for (Map.Entry<String, Object> out : want.entrySet()) {
                assertSamePrediction(row.getAs(out.getKey()), out.getValue(), "id " + row.getAs("id"));
            }
        }
        Map<Long, String> reasons = new TreeMap<>();
        spark.read().parquet(result.dataPath() + "/_quarantine").collectAsList()
                .forEach(r -> reasons.put(r.<Long>getAs("id"), r.getAs(SparkScoringJob.REASON_COLUMN)));
        assertThat(reasons).containsExactly(Map.entry(7L, "Column 'mean_area' is null"),
                Map.entry(300L, "Column 'worst_symmetry' is NaN"));
    }

    /**
     * One job, run once for the tests below that each check an aspect of it: the logistic regression over the
     * breast-cancer sample in 8 files, with a progress listener, on a session cache emptied just before.
     */
    private record EightPartitionRun(int partitions, RunResult result, long sessionsCreated,
                                     List<Progress> updates) {
    }

    private static EightPartitionRun eightPartitionRun;

    private static synchronized EightPartitionRun eightPartitionRun() {
        if (eightPartitionRun == null) {
            Path partitioned = splitIntoFiles(SampleData.data("breast_cancer"), 8);
            int partitions = LocalSpark.get().read().parquet(partitioned.toString()).rdd().getNumPartitions();
            List<Progress> updates = new CopyOnWriteArrayList<>();
            LocalSpark.resetSessionsWhenIdle();
            RunResult result = new SparkScoringJob(LocalSpark.get(), updates::add, Duration.ofMillis(20))
                    .run(logregJob(partitioned, inputs.resolve("eight-partitions-out")));
            eightPartitionRun = new EightPartitionRun(partitions, result, ExecutorSessions.cache().sessionsCreated(),
                    List.copyOf(updates));
        }
        return eightPartitionRun;
    }

    @Test
    void jobOverEightPartitionsOnLocalTwoOpensOneSessionForTheExecutorJvm() {
        EightPartitionRun run = eightPartitionRun();

        assertThat(run.partitions()).isGreaterThanOrEqualTo(8);
        assertThat(run.result().sessionsCreated()).isEqualTo(1);
        assertThat(run.result().sessionOwners()).hasSize(1);
        assertThat(run.sessionsCreated()).isEqualTo(1);
        assertThat(run.result().batches()).isGreaterThanOrEqualTo(8);
    }

    /**
     * One job, run once for the tests below that each check an aspect of it: the wine sample with
     * {@code executor.sessions.max} 1 and {@code inference.device} auto (this machine has no GPU).
     */
    private record WineRun(RunResult result, int sessionsCapacity) {
    }

    private static WineRun wineRun;

    private static synchronized WineRun wineRun() {
        if (wineRun == null) {
            Path output = inputs.resolve("wine-out");
            Map<String, Object> job = new LinkedHashMap<>(Map.of("model", SampleData.model("wine_mlp").toString(),
                    "input.path", SampleData.data("wine").toString(), "output.path", output.toString(),
                    "executor.sessions.max", "1", "inference.device", "auto", "run.id", "auto"));
            try {
                RunResult result = new SparkScoringJob(LocalSpark.get()).run(JobSpec.from(JobConfig.of(job, "test")));
                wineRun = new WineRun(result, ExecutorSessions.cache().capacity());
            } finally {
                ExecutorSessions.cache().capacity(ExecutorSpec.DEFAULTS.sessionsMax());
            }
        }
        return wineRun;
    }

    @Test
    void executorSessionsMaxTravelsWithTheJobAndBoundsTheExecutorsSessionCache() {
        WineRun run = wineRun();

        assertThat(run.result().rowsWritten()).isEqualTo(178);
        assertThat(run.sessionsCapacity()).as("set by the task from the job's key").isEqualTo(1);
    }

    @Test
    void progressIsReportedFromTheStatusTrackerWhileTheJobRuns() {
        List<Progress> updates = eightPartitionRun().updates();

        assertThat(updates).isNotEmpty();
        assertThat(updates).allSatisfy(p -> assertThat(p.partitionsDone()).isLessThanOrEqualTo(p.partitionsTotal()));
        assertThat(updates).extracting(Progress::rowsDone).isSorted();
        assertThat(updates.get(updates.size() - 1).partitionsTotal()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void deviceAutoOnAMachineWithoutGpusRunsOnTheCpuAndSaysSoInTheRunAndItsManifest() {
        RunResult result = wineRun().result();

        assertThat(result.rowsWritten()).isEqualTo(178);
        assertThat(result.deviceFallbacks()).singleElement().asString().endsWith(": no GPU was assigned to the task");
        assertThat(new RunTable(new HadoopFileStore(
                spark.sparkContext().hadoopConfiguration()), result.table()).run("auto").orElseThrow().manifest()
                .metrics().deviceFallbacks()).isEqualTo(result.deviceFallbacks());
    }

    @Test
    void float16OutputIsWrittenAsAFloatArrayColumn() throws IOException {
        Path model = tmp.resolve("half.onnx");
        Files.write(model, TestGraphs.castTo(DataType.FLOAT16));
        Path input = tmp.resolve("in");
        spark.sql("SELECT 1L AS id, array(CAST(1.5 AS FLOAT), CAST(-0.25 AS FLOAT)) AS x"
                + " UNION ALL SELECT 2L, array(CAST(3 AS FLOAT), CAST(0.3125 AS FLOAT))")
                .coalesce(1).write().parquet(input.toString());

        RunResult result = new SparkScoringJob(spark).run(JobSpec.from(JobConfig.of(Map.of("model", model.toString(),
                "input.path", input.toString(), "output.path", tmp.resolve("out").toString()), "test")));

        Dataset<Row> out = spark.read().parquet(result.dataPath());
        assertThat(out.schema().apply("y").dataType().simpleString()).isEqualTo("array<float>");
        Map<Long, List<Object>> values = new TreeMap<>();
        out.collectAsList().forEach(r -> values.put(r.<Long>getAs("id"), r.getList(r.fieldIndex("y"))));
        assertThat(values).containsExactly(Map.entry(1L, List.of(1.5f, -0.25f)), Map.entry(2L, List.of(3f, 0.3125f)));
    }

    @Test
    void deviceCudaWithoutAGpuFailsNamingTheCauseAndCommitsNothing() throws IOException {
        Path output = tmp.resolve("out");
        JobSpec spec = JobSpec.from(JobConfig.of(Map.of("model", SampleData.model("wine_mlp").toString(),
                "input.path", SampleData.data("wine").toString(), "output.path", output.toString(),
                "inference.device", "cuda"), "test"));

        assertThatThrownBy(() -> new SparkScoringJob(spark).run(spec))
                .hasMessageStartingWith("inference.device is cuda but no GPU was assigned to the task");
        assertThat(dataFiles(output)).isEmpty();
    }

    @Test
    void aRowThatFailsMidJobLeavesNoCommittedOutput() throws Exception {
        Path input = tmp.resolve("wine-bad");
        spark.read().parquet(SampleData.data("wine").toString())
                .withColumn("features", functions.when(functions.col("id").equalTo(150),
                        functions.slice(functions.col("features"), 1, 12)).otherwise(functions.col("features")))
                .repartition(8).write().parquet(input.toString());
        Path output = tmp.resolve("out");
        JobSpec spec = JobSpec.from(JobConfig.of(Map.of("model", SampleData.model("wine_mlp").toString(),
                "input.path", input.toString(), "output.path", output.toString()), "test"));

        assertThatThrownBy(() -> new SparkScoringJob(spark).run(spec))
                .isInstanceOf(InputDataException.class)
                .hasMessageContaining("Column 'features' has an array of length 12")
                .hasMessageContaining("needs 13 values per row")
                .hasMessageContaining("id=150");
        assertThat(dataFiles(output)).isEmpty();
        assertThat(output.resolve("_SUCCESS")).doesNotExist();
        // The job's other tasks were cancelled and waited for before the abort: nothing of theirs comes back.
        assertThat(files(output.resolve("_staging"))).as("staging, at once").isEmpty();
        Thread.sleep(1000);
        assertThat(files(output.resolve("_staging"))).as("staging, a second later").isEmpty();
    }

    @Test
    void emptyInputIsRefusedAndNothingIsCommitted() throws IOException {
        Path input = tmp.resolve("empty");
        spark.read().parquet(SampleData.data("breast_cancer").toString()).limit(0).write().parquet(input.toString());
        Path output = tmp.resolve("out");

        assertThatThrownBy(() -> new SparkScoringJob(spark).run(logregJob(input, output)))
                .isInstanceOf(InputDataException.class)
                .hasMessageContaining("has no rows");
        assertThat(dataFiles(output)).isEmpty();
        assertThat(new RunTable(new HadoopFileStore(
                spark.sparkContext().hadoopConfiguration()), "file:" + output).runs()).isEmpty();
    }

    @Test
    void missingInputIsReportedAsNotReadyYet() {
        Path output = tmp.resolve("out");
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(logregJob(tmp.resolve("nope"), output)))
                .isInstanceOf(InputDataException.class)
                .hasMessageContaining("does not exist (yet)")
                .satisfies(e -> assertThat(((InputDataException) e).fault()).isEqualTo(Fault.INPUT_NOT_READY));
        assertThat(output).doesNotExist();
    }

    private static JobSpec logregJob(Path input, Path output) {
        return JobSpec.from(JobConfig.of(Map.of(
                "model", SampleData.model("breast_cancer_logreg").toString(),
                "input.path", input.toString(),
                "output.path", output.toString(),
                "features", List.of(SampleData.BREAST_CANCER_FEATURES),
                "inference.batch-size", "32"), "test"));
    }

    private static synchronized Path splitIntoFiles(Path parquet, int files) {
        return SPLITS.computeIfAbsent(parquet.getFileName() + "-" + files, name -> {
            Path out = inputs.resolve(name);
            LocalSpark.get().read().parquet(parquet.toString()).repartition(files).write().parquet(out.toString());
            return out;
        });
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private static List<Path> dataFiles(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
        }
    }
}
