package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.testing.TestGraphs;
import dev.coldpath.core.testing.TextModels;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
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
            "runner");

    @TempDir
    Path tmp;

    private final SparkSession spark = LocalSpark.get();

    @BeforeEach
    void setUp() {
        LocalSpark.resetSessionsWhenIdle();
    }

    /**
     * One job per sample model and kind of input, as the lines of a job file (its {@code output.path} and
     * {@code run.id} are the test's): {@code MODEL(name)} is a sample model's path, {@code DATA(name)} a sample
     * input's, {@code SAMPLE(path)} any path under sample-data/, {@code TEXT} a slice of the WordNet glosses
     * ({@link #glosses}) and {@code MINILM_Q} the int8 MiniLM's folder. A new kind of input is one more case here;
     * every Parquet directory of the committed run (its rows, quarantine, shadows) is compared.
     */
    static Stream<Arguments> jobs() {
        String breastCancer = "features: [" + String.join(", ", SampleData.BREAST_CANCER_FEATURES) + "]\n";
        return Stream.of(
                // scalar columns into one [N, 30] input; one probability per row
                Arguments.of("scalar columns", "model: MODEL(breast_cancer_logreg)\n" + breastCancer
                        + "input: {path: DATA(breast_cancer)}\noutput: {keep-columns: [id, diagnosis]}\n"),
                // an array column; a probability tensor per row and class names: a map of class name to score
                // (output.labels: both), beside the label and the ids
                Arguments.of("an array column and class-name maps", "model: MODEL(wine_mlp)\n"
                        + "input: {path: DATA(wine)}\noutput: {keep-columns: [id], labels: both}\n"
                        + "inference: {batch-size: 64}\n"),
                // ZipMap: a label and a map of probabilities per row, with a prefix. One intra-op thread on both:
                // ONNX Runtime's tree ensemble sums its trees in per-thread parts, so its last float bits follow
                // the thread count, which Spark sets from the test session's partitions.
                Arguments.of("a ZipMap output", "model: MODEL(breast_cancer_trees)\n" + breastCancer
                        + "input: {path: DATA(breast_cancer)}\noutput: {keep-columns: [id, diagnosis], prefix: pred_}\n"
                        + "inference: {threads: 1}\n"),
                // text: a string column tokenized by the folder's tokenizer.json, batches ordered by length within
                // a token budget, mean pooling, L2 norm; the null texts quarantined, the long ones truncated. The
                // int8 model's outputs depend on the batch (dynamic quantization), so equal embeddings mean equal
                // batches on both runners; one intra-op thread on both, as its integer kernels' split follows it.
                Arguments.of("text", "model: MINILM_Q\ninput: {path: TEXT}\n"
                        + "text: {column: text, pooling: mean, normalize: true}\n"
                        + "output: {keep-columns: [id, pos]}\nbad-rows: {policy: quarantine, max-fraction: 0.1}\n"
                        + "inference: {batch-size: 16, threads: 1}\n"),
                // several models: a champion, a canary (another model) serving the keys routed to it (served_by),
                // and a shadow whose rows go to _shadow/forest/, a part file per input file from two workers; the
                // manifest's comparisons of both against the champion, merged over the files. The routing key is
                // neither kept nor a feature: the local runner reads it all the same
                Arguments.of("several models", """
                        models:
                          - {name: current, model: MODEL(breast_cancer_logreg), role: champion}
                          - {name: next, model: REWEIGHTED(breast_cancer_logreg), role: canary}
                          - {name: forest, model: MODEL(breast_cancer_trees), role: shadow}
                        routing: {canary-percent: 30, key: [id]}
                        input: {path: HALVES(breast_cancer)}
                        output: {keep-columns: [diagnosis]}
                        inference: {threads: 1}
                        """ + breastCancer));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void localAndSparkCommitTheSamePredictionsAndManifest(String kind, String job) throws Exception {
        Path onSpark = run("spark", job);
        Path onLocal = run("local", job);

        List<Path> tables = parquetDirectories(onSpark); // the run's rows, its quarantine, each shadow's
        assertThat(parquetDirectories(onLocal)).isEqualTo(tables).contains(Path.of(""));
        for (Path table : tables) {
            assertThat(rows(onLocal.resolve(table))).as("rows of %s", table)
                    .isEqualTo(rows(onSpark.resolve(table))).isNotEmpty();
            assertThat(columns(onLocal.resolve(table))).as("columns of %s", table)
                    .isEqualTo(columns(onSpark.resolve(table)));
            assertThat(footerSchemas(onLocal.resolve(table))).as("footer schemas of %s", table)
                    .isEqualTo(footerSchemas(onSpark.resolve(table)));
            if (table.startsWith("_shadow")) { // a part file per input file (Spark's are numbered by its partitions)
                assertThat(fileNames(onLocal.resolve(table))).as("files of %s", table)
                        .hasSameSizeAs(fileNames(onSpark.resolve(table)));
            }
        }
        assertThat(rows(onLocal)).hasSizeGreaterThan(60);
        assertThat(layout(onLocal)).isEqualTo(layout(onSpark)).contains("_SUCCESS", "_manifest.json",
                "part-NNNNN-UUID-c000.snappy.parquet");
        JsonNode local = manifest(onLocal);
        assertThat(local.path("runner").path("name").asText()).isEqualTo("local");
        assertThat(manifest(onSpark).path("runner").path("name").asText()).isEqualTo("spark");
        assertThat(comparable(local)).isEqualTo(comparable(manifest(onSpark)));
        assertCloseTo(local.path("comparisons"), manifest(onSpark).path("comparisons"), "comparisons");
    }

    /**
     * {@code actual} as {@code expected}, floating-point numbers to 1e-9 of their size: merged over the input files
     * in the order the files' tasks end on Spark, the comparisons' sums may differ in their last digits.
     */
    private static void assertCloseTo(JsonNode actual, JsonNode expected, String where) {
        if (expected.isFloatingPointNumber() && actual.isNumber()) {
            assertThat(actual.asDouble()).as(where)
                    .isCloseTo(expected.asDouble(), within(1e-9 * Math.max(1, Math.abs(expected.asDouble()))));
        } else if (expected.isContainerNode()) {
            assertThat(actual.size()).as(where).isEqualTo(expected.size());
            if (expected.isArray()) {
                for (int i = 0; i < expected.size(); i++) {
                    assertCloseTo(actual.path(i), expected.path(i), where + "[" + i + "]");
                }
            } else {
                expected.fieldNames().forEachRemaining(f -> assertCloseTo(actual.path(f), expected.path(f),
                        where + "." + f));
            }
        } else {
            assertThat(actual).as(where).isEqualTo(expected);
        }
    }

    /**
     * Every thirteenth WordNet gloss, the null ones and a third of the longest (over 128 tokens), in two files: 300
     * texts of the sample's kinds, 145 and 155 a file (more than the 16 x 8 rows Spark sorts by length at a time when
     * it scores rows, not columnar batches), read by two of the local runner's workers and two Spark tasks.
     */
    private Path glosses() throws SQLException {
        Path dir = tmp.resolve("glosses");
        if (!Files.isDirectory(dir)) {
            String slice = "SELECT * FROM read_parquet('" + SampleData.data("wordnet_glosses") + "') WHERE (id % 13 = 0"
                    + " OR text IS NULL OR length(text) > 800 AND id % 3 = 0)";
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE t AS " + slice);
                dir.toFile().mkdirs();
                s.execute("COPY (SELECT * FROM t WHERE id % 2 = 0 ORDER BY id) TO '" + dir.resolve("a.parquet")
                        + "' (FORMAT parquet)");
                s.execute("COPY (SELECT * FROM t WHERE id % 2 = 1 ORDER BY id) TO '" + dir.resolve("b.parquet")
                        + "' (FORMAT parquet)");
            }
        }
        return dir;
    }

    /** A sample model with its Gemm's weights times 0.8: the same columns, other scores. */
    private Path reweighted(String model) {
        Path file = tmp.resolve(model + "-reweighted.onnx");
        try {
            if (!Files.exists(file)) {
                Files.write(file, TestGraphs.scaleInitializer(Files.readAllBytes(SampleData.model(model)), "weights",
                        0.8f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A sample input in two files (even and odd ids), read by two workers and two Spark tasks. */
    private Path halves(String data) {
        Path dir = tmp.resolve("halves-" + data);
        if (!Files.isDirectory(dir)) {
            dir.toFile().mkdirs();
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
                for (int half = 0; half < 2; half++) {
                    s.execute("COPY (SELECT * FROM read_parquet('" + SampleData.data(data) + "') WHERE id % 2 = "
                            + half + " ORDER BY id) TO '" + dir.resolve("part-" + half + ".parquet")
                            + "' (FORMAT parquet)");
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return dir;
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".parquet")).sorted().toList();
        }
    }

    /** The directories under a committed run that hold Parquet files, relative to it (the run's own is ""). */
    private static List<Path> parquetDirectories(Path run) throws IOException {
        try (Stream<Path> files = Files.walk(run)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .map(f -> run.relativize(f.getParent())).distinct().sorted().toList();
        }
    }

    @Test
    void aFolderOfImageFilesCommitsTheSamePredictionsQuarantineAndManifestOnBothRunners() throws Exception {
        Path folder = tmp.resolve("images");
        Files.createDirectories(folder.resolve("shirts/day=1")); // listed recursively: no partition columns
        Files.createDirectories(folder.resolve(".hidden"));
        List<Path> samples;
        try (Stream<Path> files = Files.list(SampleData.dir().resolve("images/fashion-mnist"))) {
            samples = files.sorted().toList();
        }
        Files.createDirectories(folder.resolve("_batch=1")); // Spark lists `_` names holding an `=`
        Files.createDirectories(folder.resolve("_metadata")); // and folders named _metadata*
        Files.createDirectories(folder.resolve("_hidden"));
        for (int i = 0; i < samples.size(); i++) {
            Path to = folder.resolve(i % 4 == 0 ? "." : i % 4 == 1 ? "shirts" : i % 4 == 2 ? "shirts/day=1" : "_batch=1");
            Files.copy(samples.get(i), to.resolve(samples.get(i).getFileName()));
        }
        Files.copy(samples.get(0), folder.resolve("_metadata/kept.png"));
        Files.copy(samples.get(1), folder.resolve("_x=2.png"));
        Files.copy(samples.get(0), folder.resolve(".hidden/left-out.png"));
        Files.copy(samples.get(0), folder.resolve("_hidden/left-out.png"));
        Files.copy(samples.get(0), folder.resolve("_metadata.png")); // not a data file's name
        Files.createFile(folder.resolve("shirts/empty.png")); // an empty file is no row
        Files.writeString(folder.resolve("notes.txt"), "not an image, and not matched by input.glob");
        Files.writeString(folder.resolve("shirts/broken.PNG"), "not a png"); // matched in any case: quarantined
        Files.copy(SampleData.dir().resolve("models/fashion_mnist_labels.txt"), tmp.resolve("labels.txt"));
        Map<String, String> keys = Map.of("input.format", "images", "image.channels", "gray", "image.scale", "1/255",
                "image.labels", tmp.resolve("labels.txt").toString(), "image.top-k", "3",
                "output.keep-columns", "path,modificationTime,length", "inference.batch-size", "8",
                "image.decode-ahead", "true", "bad-rows.policy", "quarantine", "bad-rows.max-fraction", "0.1");

        Path onSpark = run("spark", "fashion_mnist_linear", folder.toString(), keys);
        Path onLocal = run("local", "fashion_mnist_linear", folder.toString(), keys);

        assertThat(LocalImageInput.SCHEMA).as("the rows' columns, as Spark's binaryFile scan gives them")
                .isEqualTo(spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                        .load(folder.toString()).schema());
        List<String> rows = rows(onLocal);
        assertThat(rows).isEqualTo(rows(onSpark)).hasSize(samples.size() + 2);
        assertThat(rows).anyMatch(r -> r.contains("/shirts/day=1/")).anyMatch(r -> r.contains("/_batch=1/"))
                .anyMatch(r -> r.contains("/_metadata/kept.png")).anyMatch(r -> r.contains("/_x=2.png"))
                .noneMatch(r -> r.contains("left-out") || r.contains("_metadata.png") || r.contains("empty.png"))
                .allMatch(r -> r.contains("label=") && r.contains("top_k_labels=[") && r.contains("length="));
        assertThat(columns(onLocal)).isEqualTo(columns(onSpark));
        List<String> quarantined = rows(onLocal.resolve("_quarantine"));
        assertThat(quarantined).isEqualTo(rows(onSpark.resolve("_quarantine"))).singleElement()
                .satisfies(r -> assertThat(r).contains("broken.PNG").contains("cannot decode image: "));
        assertThat(columns(onLocal.resolve("_quarantine"))).isEqualTo(columns(onSpark.resolve("_quarantine")));
        assertThat(footerSchemas(onLocal)).isEqualTo(footerSchemas(onSpark));
        assertThat(footerSchemas(onLocal.resolve("_quarantine"))).isEqualTo(footerSchemas(onSpark.resolve("_quarantine")));
        JsonNode local = manifest(onLocal);
        assertThat(local.path("runner").path("name").asText()).isEqualTo("local");
        assertThat(comparable(local)).isEqualTo(comparable(manifest(onSpark)));
        assertThat(local.path("rows").path("rejected").asLong()).isEqualTo(1);
    }

    @Test
    void badRowsGoToTheSameQuarantineOnBothRunners() throws Exception {
        Path holes = tmp.resolve("holes.parquet");
        spark.read().parquet(SampleData.data("breast_cancer").toString())
                .withColumn("mean_area", functions.expr("CASE WHEN id % 7 = 0 THEN NULL ELSE mean_area END"))
                .repartition(3).write().parquet(holes.toString()); // three files: two workers, three part files
        Map<String, String> keys = Map.of("features.input", String.join(",", SampleData.BREAST_CANCER_FEATURES),
                "output.keep-columns", "id", "bad-rows.policy", "quarantine", "bad-rows.max-fraction", "0.5",
                "spark.sql.files.maxPartitionBytes", "16k"); // as the test's session: a split of each file's rows

        Path onSpark = run("spark", "breast_cancer_logreg", holes.toString(), keys);
        Path onLocal = run("local", "breast_cancer_logreg", holes.toString(), keys);

        assertThat(rows(onLocal)).isEqualTo(rows(onSpark));
        List<String> quarantined = rows(onLocal.resolve("_quarantine"));
        assertThat(quarantined).isEqualTo(rows(onSpark.resolve("_quarantine"))).hasSize(82);
        assertThat(quarantined.get(0)).contains("mean_area");
        assertThat(columns(onLocal.resolve("_quarantine"))).isEqualTo(columns(onSpark.resolve("_quarantine")));
        assertThat(footerSchemas(onLocal)).isEqualTo(footerSchemas(onSpark));
        assertThat(footerSchemas(onLocal.resolve("_quarantine"))).isEqualTo(footerSchemas(onSpark.resolve("_quarantine")));
        assertThat(comparable(manifest(onLocal))).isEqualTo(comparable(manifest(onSpark)));
        assertThat(manifest(onLocal).path("rows").path("rejected").asLong()).isEqualTo(82);
        try (Stream<Path> parts = Files.list(onLocal)) {
            assertThat(parts.filter(p -> p.getFileName().toString().endsWith(".parquet"))).hasSize(3);
        }
    }

    @Test
    void aSingleFileOfSeveralRowGroupsIsSplitAcrossTheWorkersWithNoRowLostOrRepeated() throws Exception {
        Path one = tmp.resolve("one");
        spark.range(8).withColumnRenamed("id", "copy")
                .crossJoin(spark.read().parquet(SampleData.data("breast_cancer").toString()))
                .withColumn("id", functions.expr("id * 8 + copy")).drop("copy")
                .coalesce(1).write().option("parquet.block.size", "65536").parquet(one.toString());
        int groups;
        try (Stream<Path> files = Files.list(one)) {
            Path file = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
            try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
                groups = reader.getFooter().getBlocks().size();
            }
        }
        assertThat(groups).isGreaterThan(4);
        // splits of a few row groups, more of them than workers, as a Spark scan with these settings makes them
        Map<String, String> keys = Map.of("features.input", String.join(",", SampleData.BREAST_CANCER_FEATURES),
                "output.keep-columns", "id", "spark.sql.files.maxPartitionBytes", "50000",
                "spark.sql.files.openCostInBytes", "1024");

        Path onSpark = withSplitSizes(keys, () -> run("spark", "breast_cancer_logreg", one.toString(), keys));
        Path onLocal = run("local", "breast_cancer_logreg", one.toString(), keys);

        List<String> local = rows(onLocal);
        assertThat(local).isEqualTo(rows(onSpark)).hasSize(8 * 569).doesNotHaveDuplicates();
        assertThat(manifest(onLocal).path("rows").path("written").asLong()).isEqualTo(8 * 569);
        // one part file per split, each with the rows of Spark's part of the same index, in the file's order
        assertThat(parts(onLocal)).isBetween(3L, (long) groups);
        assertThat(idsByPart(onLocal)).isEqualTo(idsByPart(onSpark));
    }

    @Test
    void smallFilesArePackedIntoSplitsAsSparkPacksThem() throws Exception {
        Path small = tmp.resolve("small");
        spark.read().parquet(SampleData.data("breast_cancer").toString()).repartition(12).write()
                .parquet(small.toString());
        List<Long> sizes;
        try (Stream<Path> files = Files.list(small)) {
            sizes = files.filter(p -> p.toString().endsWith(".parquet")).map(p -> p.toFile().length()).toList();
        }
        assertThat(sizes).hasSize(12);
        long open = 4096;
        long most = sizes.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(3 * sizes.stream().mapToLong(Long::longValue).min().orElseThrow() + open).isGreaterThan(2 * most);
        // two files fit a split (each costing the open cost more), three do not: six splits on up to six cores
        Map<String, String> keys = Map.of("features.input", String.join(",", SampleData.BREAST_CANCER_FEATURES),
                "output.keep-columns", "id", "spark.sql.files.maxPartitionBytes", String.valueOf(2 * most + open),
                "spark.sql.files.openCostInBytes", String.valueOf(open));

        Path onSpark = withSplitSizes(keys, () -> run("spark", "breast_cancer_logreg", small.toString(), keys));
        Path onLocal = run("local", "breast_cancer_logreg", small.toString(), keys);

        assertThat(rows(onLocal)).isEqualTo(rows(onSpark)).hasSize(569).doesNotHaveDuplicates();
        assertThat(comparable(manifest(onLocal))).isEqualTo(comparable(manifest(onSpark)));
        assertThat(parts(onLocal)).isEqualTo(parts(onSpark)).isEqualTo(6);
    }

    /**
     * What the local runner holds open does not grow with the input's files: a run over many more splits than
     * workers has, at any time, no more part files being written, writer threads or input files being read than it
     * has workers (one each per worker: a split's reader and writer are closed before its worker takes the next),
     * while every split still gets a part file of its own. Watched from the progress timer, every few milliseconds.
     */
    @Test
    void aRunOverManySplitsHoldsOneReaderOneWriterAndOnePartFilePerWorkerAtATime() throws Exception {
        Path many = tmp.resolve("many");
        spark.read().parquet(SampleData.data("breast_cancer").toString()).repartition(24).write()
                .parquet(many.toString());
        Path output = tmp.resolve("local");
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model("breast_cancer_logreg").toString());
        flat.put("input.path", many.toString());
        flat.put("features.input", String.join(",", SampleData.BREAST_CANCER_FEATURES));
        flat.put("output.keep-columns", "id");
        flat.put("output.path", output.toString());
        flat.put("run.id", "same");
        // each file a split of its own: 24 splits over at most as many workers as cores
        flat.put("spark.sql.files.maxPartitionBytes", "1024");
        flat.put("spark.sql.files.openCostInBytes", "1024");
        JobSpec spec = JobSpec.from(JobConfig.of(flat, "test"));
        int cores = Runtime.getRuntime().availableProcessors();
        AtomicLong samples = new AtomicLong();
        AtomicLong mostWriters = new AtomicLong();
        AtomicLong mostParts = new AtomicLong();
        AtomicLong mostInputs = new AtomicLong();
        List<Progress> updates = new CopyOnWriteArrayList<>();
        Progress.Listener watch = progress -> {
            samples.incrementAndGet();
            updates.add(progress);
            mostWriters.accumulateAndGet(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("coldpath-local-writer-")).count(), Math::max);
            List<String> open = openFiles();
            mostParts.accumulateAndGet(open.stream().filter(f -> f.startsWith(output.toString())
                    && f.endsWith(".parquet.tmp")).distinct().count(), Math::max);
            // distinct files: Hadoop's local file system opens a file twice for vectored reads
            mostInputs.accumulateAndGet(open.stream().filter(f -> f.startsWith(many.toString())
                    && f.endsWith(".parquet")).distinct().count(), Math::max);
        };

        RunResult result = asTheCliRunsIt(() -> new LocalScoringJob(spec, watch, Duration.ofMillis(2))
                .run(spec, "runner: local", Optional.of(JobPreflight.check(spec))));

        Path run = Path.of(URI.create(result.dataPath()));
        assertThat(parts(run)).isEqualTo(24);
        assertThat(rows(run)).hasSize(569).doesNotHaveDuplicates();
        assertThat(samples.get()).isPositive();
        // counted in rows of the input's 569, which the preflight's footers gave, as well as in splits
        assertThat(updates).allSatisfy(p -> assertThat(p.rowsTotal()).hasValue(569))
                .extracting(Progress::rowsDone).isSorted().allSatisfy(rows -> assertThat(rows).isBetween(0L, 569L));
        assertThat(mostWriters.get()).isPositive().isLessThanOrEqualTo(Math.min(cores, 24));
        assertThat(mostParts.get()).isLessThanOrEqualTo(Math.min(cores, 24));
        assertThat(mostInputs.get()).isLessThanOrEqualTo(Math.min(cores, 24));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("coldpath-local-"));
        assertThat(openFiles()).noneMatch(f -> f.startsWith(many.toString()) || f.startsWith(output.toString()));
    }

    /** The files this JVM has open, by path. */
    private static List<String> openFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) { // closed meanwhile
                    return "";
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code run} with this test's session at the split sizes of {@code keys}, as a job's own session would be. */
    private Path withSplitSizes(Map<String, String> keys, Supplier<Path> run) {
        List<String> sizes = List.of("spark.sql.files.maxPartitionBytes", "spark.sql.files.openCostInBytes");
        Map<String, String> before = new LinkedHashMap<>();
        sizes.forEach(key -> before.put(key, spark.conf().get(key)));
        try {
            sizes.forEach(key -> spark.conf().set(key, keys.get(key)));
            return run.get();
        } finally {
            before.forEach(spark.conf()::set);
        }
    }

    private static long parts(Path run) throws IOException {
        try (Stream<Path> parts = Files.list(run)) {
            return parts.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
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
    void aWriterWritesEachRowAsGivenThoughItsCallerReusesTheRowAndItsBlocksAreFilledAgain() throws SQLException {
        // one unsafe row, set anew for each row as the scoring loop's projection sets its own, over enough blocks that
        // rows are copied into blocks the writing thread handed back; the strings' lengths vary
        StructType schema = new StructType().add("x", DataTypes.LongType).add("s", DataTypes.StringType);
        Path dir = tmp.resolve("reused-rows");
        LocalRowWriter writer = new LocalRowWriter(new TaskParquetFile(dir.toString(),
                SparkInternals.localParquetFiles(new Configuration(), schema, false), "coldpath-local", "scored rows",
                0, 0), null, new AtomicBoolean(), new AtomicLong(), "coldpath-local-writer-reused");
        UnsafeProjection project = UnsafeProjection.create(schema);
        GenericInternalRow values = new GenericInternalRow(2);
        int rows = LocalRowWriter.BLOCK_ROWS * (LocalRowWriter.QUEUED_BLOCKS + 8) + 7;
        for (int i = 0; i < rows; i++) {
            values.update(0, (long) i);
            values.update(1, UTF8String.fromString("row " + "x".repeat(i % 37) + i));
            writer.write(project.apply(values));
        }
        writer.finish();

        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT x), min(x), max(x), count(*) FILTER"
                     + " (WHERE s IS DISTINCT FROM 'row ' || repeat('x', (x % 37)::INTEGER) || x) FROM read_parquet('"
                     + dir + "/*.parquet')")) {
            assertThat(rs.next()).isTrue();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)))
                    .containsExactly((long) rows, (long) rows, 0L, rows - 1L, 0L);
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
    void anInterruptedThreadsAbortWaitsForTheWriterAndLeavesNoFile() throws IOException {
        Path dir = tmp.resolve("aborted");
        SparkInternals.ParquetFiles files = SparkInternals.localParquetFiles(new Configuration(),
                new StructType().add("x", DataTypes.LongType), false);
        LocalRowWriter writer = new LocalRowWriter(() -> {
            long until = System.nanoTime() + Duration.ofMillis(300).toNanos(); // a slow create, deaf to interrupts
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            Thread.interrupted(); // swallowed, as a file system's create may
            return new TaskParquetFile(dir.toString(), files, "coldpath-local", "scored rows", 0, 0);
        }, null, new AtomicBoolean(), new AtomicLong(), "coldpath-local-writer-aborted");

        Thread.currentThread().interrupt(); // a stopped run's scoring thread
        writer.abort();

        assertThat(Thread.interrupted()).isTrue(); // kept for the caller
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("coldpath-local-writer-aborted"));
        assertThat(dir).isDirectory(); // made
        try (Stream<Path> left = Files.walk(dir)) { // the file the writer made after the abort, removed by the writer
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
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
        flat.putAll(keys);
        return run(runner, JobConfig.of(flat, "test"));
    }

    /** Runs a job file's lines ({@link #jobs}) on {@code runner}; returns the committed run's directory. */
    private Path run(String runner, String job) throws IOException, SQLException {
        String text = job.replace("MINILM_Q", job.contains("MINILM_Q") ? TextModels.minilmQuantized().toString() : "")
                .replace("TEXT", job.contains("TEXT") ? glosses().toString() : "");
        text = Pattern.compile("MODEL\\((\\w+)\\)").matcher(text)
                .replaceAll(m -> Matcher.quoteReplacement(SampleData.model(m.group(1)).toString()));
        text = Pattern.compile("REWEIGHTED\\((\\w+)\\)").matcher(text)
                .replaceAll(m -> Matcher.quoteReplacement(reweighted(m.group(1)).toString()));
        text = Pattern.compile("HALVES\\((\\w+)\\)").matcher(text)
                .replaceAll(m -> Matcher.quoteReplacement(halves(m.group(1)).toString()));
        text = Pattern.compile("DATA\\((\\w+)\\)").matcher(text)
                .replaceAll(m -> Matcher.quoteReplacement(SampleData.data(m.group(1)).toString()));
        text = Pattern.compile("SAMPLE\\(([\\w./-]+)\\)").matcher(text)
                .replaceAll(m -> Matcher.quoteReplacement(SampleData.dir().resolve(m.group(1)).toString()));
        Path file = tmp.resolve(runner + ".yaml");
        Files.writeString(file, text);
        return run(runner, JobConfig.load(file));
    }

    private Path run(String runner, JobConfig job) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("output.path", tmp.resolve(runner).toString());
        flat.put("run.id", "same");
        JobSpec spec = JobSpec.from(job.overriddenBy(JobConfig.of(flat, "test")));
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
        String excluded = columns(dir).stream().anyMatch(c -> c.startsWith("scored_at ")) ? "scored_at, filename"
                : "filename"; // the lineage's scored_at is when each run scored
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

    /** The ids of each part file of the run, in their order in the file, the part files in their names' order. */
    private static List<String> idsByPart(Path dir) throws SQLException {
        List<String> parts = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT filename, string_agg(id::VARCHAR, ',' ORDER BY file_row_number)"
                     + " FROM read_parquet('" + dir + "/*.parquet', filename = true, file_row_number = true)"
                     + " GROUP BY filename ORDER BY filename")) {
            while (rs.next()) {
                parts.add(rs.getString(2));
            }
        }
        return parts;
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

    /**
     * The names of the files in a committed run's directory, its part files' numbers and UUID left out (after
     * checking that every part file of the run has the same UUID, as the files of one Spark write job have).
     */
    private static List<String> layout(Path run) throws IOException {
        Pattern part = Pattern.compile("part-\\d{5}-([0-9a-f-]{36})-c000(\\..*)");
        List<String> uuids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(run)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(".")) {
                    continue; // checksums, as the file system writes them
                }
                Matcher m = part.matcher(name);
                if (m.matches()) {
                    uuids.add(m.group(1));
                    name = "part-NNNNN-UUID-c000" + m.group(2);
                }
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
        }
        assertThat(uuids.stream().distinct()).as("the UUIDs of the part files in %s", run).hasSize(1);
        return names;
    }

    /**
     * The distinct footer schemas of the directory's Parquet files: the Parquet schema (each column's repetition:
     * required or optional) and the Spark schema Spark's writer records beside it, which DuckDB's DESCRIBE does
     * not show.
     */
    private static List<String> footerSchemas(Path dir) throws IOException {
        List<String> schemas = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().toList()) {
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
                    FileMetaData footer = reader.getFooter().getFileMetaData();
                    String schema = footer.getSchema() + "\n"
                            + footer.getKeyValueMetaData().get("org.apache.spark.sql.parquet.row.metadata");
                    if (!schemas.contains(schema)) {
                        schemas.add(schema);
                    }
                }
            }
        }
        assertThat(schemas).as("footer schemas of %s", dir).isNotEmpty();
        return schemas;
    }

    private static JsonNode manifest(Path run) throws IOException {
        return JSON.readTree(Files.readAllBytes(run.resolve("_manifest.json")));
    }

    /**
     * The manifest without what differs between any two runs (times, the Spark application, sessions, measured
     * stages and rates) but with the rest of the run's and each model's metrics (batches, output summaries, text
     * counts), its rows, input, job, models and comparisons.
     */
    private static JsonNode comparable(JsonNode manifest) {
        ObjectNode copy = manifest.deepCopy();
        RUN_FIELDS.forEach(copy::remove);
        copy.remove("comparisons"); // compared to a tolerance: assertCloseTo
        copy.set("metrics", untimed(manifest.path("metrics")));
        ((ObjectNode) copy.path("job")).remove("output.path");
        ArrayNode models = (ArrayNode) copy.path("models");
        for (Iterator<JsonNode> it = models.elements(); it.hasNext(); ) {
            ObjectNode model = (ObjectNode) it.next();
            model.set("metrics", untimed(model.path("metrics")));
        }
        return copy;
    }

    /** A manifest's metrics without what was timed: stage latencies, rates, throughput, session load times. */
    private static JsonNode untimed(JsonNode metrics) {
        if (!metrics.isObject()) {
            return metrics;
        }
        ObjectNode copy = metrics.deepCopy();
        copy.remove(List.of("stages", "rows_per_second", "throughput", "session_load_ms"));
        if (copy.path("text").isObject()) {
            ((ObjectNode) copy.path("text")).remove("tokens_per_second");
        }
        return copy;
    }
}
