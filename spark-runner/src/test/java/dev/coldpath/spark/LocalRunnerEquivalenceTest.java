package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local runner and Spark commit the same run: for each sample model and kind of input the local runner takes,
 * the same job on both gives the same predictions per key, in files of the same schema (read back by DuckDB), and
 * the same manifest apart from the runner, timings and the Spark application.
 */
class LocalRunnerEquivalenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What differs between two runs of the same job whatever the runner: when, how long, where, by whom. */
    private static final List<String> RUN_FIELDS = List.of("started_at", "ended_at", "wall_ms", "spark", "sessions",
            "runner", "metrics");

    @TempDir
    Path tmp;

    private final SparkSession spark = LocalSpark.get();

    @BeforeEach
    void setUp() {
        LocalSpark.resetSessionsWhenIdle();
    }

    static Stream<Arguments> jobs() {
        String breastCancer = String.join(",", SampleData.BREAST_CANCER_FEATURES);
        return Stream.of(
                // scalar columns into one [N, 30] input; one probability per row
                Arguments.of("scalar columns", "breast_cancer_logreg", "breast_cancer",
                        Map.of("features.input", breastCancer, "output.keep-columns", "id,diagnosis")),
                // an array column; a probability tensor per row and class names
                Arguments.of("an array column", "wine_mlp", "wine",
                        Map.of("output.keep-columns", "id", "output.labels", "both", "inference.batch-size", "64")),
                // ZipMap: a label and a map of probabilities per row, with a prefix. One intra-op thread on both:
                // ONNX Runtime's tree ensemble sums its trees in per-thread parts, so its last float bits follow
                // the thread count, which Spark sets from the test session's partitions.
                Arguments.of("a ZipMap output", "breast_cancer_trees", "breast_cancer",
                        Map.of("features.input", breastCancer, "output.keep-columns", "id,diagnosis",
                                "output.prefix", "pred_", "inference.threads", "1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void localAndSparkCommitTheSamePredictionsAndManifest(String kind, String model, String data,
                                                          Map<String, String> keys) throws Exception {
        String input = SampleData.data(data).toString();

        Path onSpark = run("spark", model, input, keys);
        Path onLocal = run("local", model, input, keys);

        assertThat(rows(onLocal)).isEqualTo(rows(onSpark)).hasSizeGreaterThan(100);
        assertThat(columns(onLocal)).isEqualTo(columns(onSpark));
        JsonNode local = manifest(onLocal);
        assertThat(local.path("runner").path("name").asText()).isEqualTo("local");
        assertThat(manifest(onSpark).path("runner").path("name").asText()).isEqualTo("spark");
        assertThat(comparable(local)).isEqualTo(comparable(manifest(onSpark)));
    }

    @Test
    void badRowsGoToTheSameQuarantineOnBothRunners() throws Exception {
        Path holes = tmp.resolve("holes.parquet");
        spark.read().parquet(SampleData.data("breast_cancer").toString())
                .withColumn("mean_area", functions.expr("CASE WHEN id % 7 = 0 THEN NULL ELSE mean_area END"))
                .repartition(3).write().parquet(holes.toString()); // three files: two workers, three part files
        Map<String, String> keys = Map.of("features.input", String.join(",", SampleData.BREAST_CANCER_FEATURES),
                "output.keep-columns", "id", "bad-rows.policy", "quarantine", "bad-rows.max-fraction", "0.5");

        Path onSpark = run("spark", "breast_cancer_logreg", holes.toString(), keys);
        Path onLocal = run("local", "breast_cancer_logreg", holes.toString(), keys);

        assertThat(rows(onLocal)).isEqualTo(rows(onSpark));
        List<String> quarantined = rows(onLocal.resolve("_quarantine"));
        assertThat(quarantined).isEqualTo(rows(onSpark.resolve("_quarantine"))).hasSize(82);
        assertThat(quarantined.get(0)).contains("mean_area");
        assertThat(columns(onLocal.resolve("_quarantine"))).isEqualTo(columns(onSpark.resolve("_quarantine")));
        assertThat(comparable(manifest(onLocal))).isEqualTo(comparable(manifest(onSpark)));
        assertThat(manifest(onLocal).path("rows").path("rejected").asLong()).isEqualTo(82);
        try (Stream<Path> parts = Files.list(onLocal)) {
            assertThat(parts.filter(p -> p.getFileName().toString().endsWith(".parquet"))).hasSize(3);
        }
    }

    @Test
    void aFailingWorkerFailsTheRunWithItsOwnErrorAndLeavesNoFileThreadOrOpenFileBehind() throws Exception {
        Path corrupt = tmp.resolve("corrupt");
        spark.range(16).crossJoin(spark.read().parquet(SampleData.data("breast_cancer").toString())
                        .withColumn("mean_area", functions.expr("CASE WHEN id % 7 = 0 THEN NULL ELSE mean_area END")))
                .drop("id").repartition(2).write().option("parquet.block.size", "65536").parquet(corrupt.toString());
        Path file; // the second of two files, so one worker fails while another scores
        try (Stream<Path> files = Files.list(corrupt)) {
            file = files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList().get(1);
        }
        long lastRowGroup;
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            List<BlockMetaData> groups = reader.getFooter().getBlocks();
            assertThat(groups).hasSizeGreaterThan(2); // rows rejected into the quarantine before the failure
            lastRowGroup = groups.get(groups.size() - 1).getStartingPos();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(64), lastRowGroup); // its first page zeroed: the .crc disagrees
        }
        Map<String, String> keys = Map.of("features.input", String.join(",", SampleData.BREAST_CANCER_FEATURES),
                "bad-rows.policy", "quarantine", "bad-rows.max-fraction", "0.5");

        assertThatThrownBy(() -> run("local", "breast_cancer_logreg", corrupt.toString(), keys))
                .isNotInstanceOf(CancellationException.class)
                .hasRootCauseInstanceOf(ChecksumException.class); // the reader's own error: Hadoop's .crc caught it
        try (Stream<Path> left = Files.walk(tmp.resolve("local"))) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("coldpath-local-"));
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) { // no writer left open on a removed file
            assertThat(fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "";
                }
            })).noneMatch(target -> target.startsWith(tmp.resolve("local").toString()));
        }
    }

    @Test
    void aWriterThreadsErrorReachesTheScoringThreadAsItself() throws IOException {
        OutOfMemoryError error = new OutOfMemoryError("Java heap space (test)");
        InternalRow poisoned = new GenericInternalRow(new Object[] {1L}) { // what the writer thread reads fails
            @Override
            public long getLong(int ordinal) {
                throw error;
            }

            @Override
            public GenericInternalRow copy() {
                return this;
            }
        };
        Path dir = tmp.resolve("writer");
        for (int rows : new int[] {1, LocalRowWriter.BLOCK_ROWS * (LocalRowWriter.QUEUED_BLOCKS + 2)}) {
            SparkInternals.ParquetFiles files = SparkInternals.localParquetFiles(new Configuration(),
                    new StructType().add("x", DataTypes.LongType), false);
            LocalRowWriter writer = new LocalRowWriter(new TaskParquetFile(dir.toString(), files, "coldpath-local",
                    "scored rows", rows, 0), null, new AtomicBoolean(), new AtomicLong(), "coldpath-local-writer-test");

            assertThatThrownBy(() -> { // rows past the queue meet the error handing a block; one row, at finish
                for (int i = 0; i < rows; i++) {
                    writer.write(poisoned);
                }
                writer.finish();
            }).isSameAs(error);
            writer.abort();
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void keptTimestampsDatesAndDecimalsReadAsSparkReadsThem() throws Exception {
        Path typed = tmp.resolve("typed.parquet");
        spark.conf().set("spark.sql.parquet.outputTimestampType", "INT96"); // Spark's default, set for the test
        try {
            spark.read().parquet(SampleData.data("breast_cancer").toString())
                    .withColumn("ts", functions.expr("timestamp_seconds(1700000000 + id * 3601)"))
                    .withColumn("ts_ntz", functions.expr("to_timestamp_ntz('2024-02-29 12:00:00') + make_interval(0,"
                            + " 0, 0, 0, 0, 0, id)"))
                    .withColumn("day", functions.expr("date_add(date'1582-10-01', cast(id % 400 as int))"))
                    .withColumn("amount", functions.expr("cast(id / 7 as decimal(12, 3))"))
                    .coalesce(1).write().parquet(typed.toString());
        } finally {
            spark.conf().unset("spark.sql.parquet.outputTimestampType");
        }
        Map<String, String> keys = Map.of("features.input", String.join(",", SampleData.BREAST_CANCER_FEATURES),
                "output.keep-columns", "id,ts,ts_ntz,day,amount");

        Path onSpark = run("spark", "breast_cancer_logreg", typed.toString(), keys);
        Path onLocal = run("local", "breast_cancer_logreg", typed.toString(), keys);

        assertThat(rows(onLocal)).isEqualTo(rows(onSpark)).hasSizeGreaterThan(100);
        assertThat(rows(onLocal).get(0)).contains("ts=").contains("day=1582-").contains("amount=0.");
        assertThat(columns(onLocal)).isEqualTo(columns(onSpark));
    }

    /** Runs the job on {@code runner} into a table of its own; returns the committed run's directory. */
    private Path run(String runner, String model, String input, Map<String, String> keys) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model(model).toString());
        flat.put("input.path", input);
        flat.put("output.path", tmp.resolve(runner).toString());
        flat.put("run.id", "same");
        flat.putAll(keys);
        JobSpec spec = JobSpec.from(JobConfig.of(flat, "test"));
        RunResult result = runner.equals("local") ? asTheCliRunsIt(() -> new LocalScoringJob(spec,
                Progress.Listener.NONE, Duration.ofSeconds(1)).run(spec, "runner: local"))
                : new SparkScoringJob(spark).run(spec);
        return Path.of(URI.create(result.dataPath()));
    }

    /**
     * Runs {@code run} as {@code coldpath run} runs the local runner: no SparkSession on its threads, so a small
     * input's projections are interpreted (LocalScoringJob.interpretSmallInput), where this test's session would
     * compile them.
     */
    private static RunResult asTheCliRunsIt(Supplier<RunResult> run) {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            return thread.submit(() -> {
                SparkSession.clearActiveSession();
                return run.get();
            }).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            thread.shutdownNow();
        }
    }

    /** Every row of the run's files but the time it was scored, sorted, as DuckDB reads them. */
    private static List<String> rows(Path dir) throws SQLException {
        String excluded = dir.endsWith("_quarantine") ? "filename" : "scored_at, filename";
        String sql = "SELECT * EXCLUDE (" + excluded + ") FROM read_parquet('" + dir
                + "/*.parquet', filename = true) ORDER BY ALL";
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.append(meta.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    /** The run's columns and their types, as DuckDB reads them. */
    private static List<String> columns(Path dir) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + dir + "/*.parquet')")) {
            while (rs.next()) {
                columns.add(rs.getString("column_name") + " " + rs.getString("column_type") + " "
                        + rs.getString("null"));
            }
        }
        return columns;
    }

    private static JsonNode manifest(Path run) throws IOException {
        return JSON.readTree(Files.readAllBytes(run.resolve("_manifest.json")));
    }

    /**
     * The manifest without what differs between any two runs (times, the Spark application, sessions, measured
     * stages) but with each model's output summaries and the run's rows, input, job and models.
     */
    private static JsonNode comparable(JsonNode manifest) {
        ObjectNode copy = manifest.deepCopy();
        RUN_FIELDS.forEach(copy::remove);
        copy.set("outputs", manifest.path("metrics").path("outputs"));
        ((ObjectNode) copy.path("job")).remove("output.path");
        ArrayNode models = (ArrayNode) copy.path("models");
        for (Iterator<JsonNode> it = models.elements(); it.hasNext(); ) {
            ObjectNode model = (ObjectNode) it.next();
            JsonNode outputs = model.path("metrics").path("outputs");
            model.remove("metrics");
            model.set("outputs", outputs);
        }
        return copy;
    }
}
