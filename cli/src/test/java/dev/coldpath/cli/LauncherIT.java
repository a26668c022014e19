package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.testing.TestGraphs;
import dev.coldpath.core.testing.TextModels;
import dev.coldpath.spark.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bin/coldpath} as users run it, in a child process on its own lib/ class path: the README's first job on
 * local files, and s3a input, model and output on a real S3 server with credentials from the AWS environment
 * variables and the endpoint from the job file (docs/s3.md). A class missing from lib/ fails here.
 */
class LauncherIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String ACCESS_KEY = "launcher-access";
    private static final String SECRET_KEY = "launcher-secret-7c1e";
    /** The trainer's own probabilities (sample-data/expected) against ONNX Runtime's, in float32. */
    private static final double TOLERANCE = 1e-5;

    @TempDir
    static Path tmp;
    private static S3ProxyServer s3;
    private static S3Objects s3objects;
    private final Launcher launcher = Launcher.project();

    @BeforeAll
    static void startS3() {
        s3 = S3ProxyServer.start(tmp.resolve("s3"), ACCESS_KEY, SECRET_KEY);
        s3objects = new S3Objects(s3);
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void readmeJobScoresTheSampleLikeItsTrainerAndPrintsOnlyItsSummary() throws Exception {
        Path table = tmp.resolve("local-table");

        Launcher.Outcome run = launcher.run(launcher.home(), Map.of(), TIMEOUT,
                "run", "conf/examples/breast-cancer-logreg.yaml", "--set", "output.path=" + table);

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).as("%s", run).startsWith("coldpath: run ").contains("scored 569 rows",
                "569 read, 569 written, 0 rejected", "runner    local (runner: auto: master local[2], input 1 file of");
        assertThat(run.err()).as("stderr").doesNotContain("\tat ", "Exception");
        assertMatchesTrainer(table);
        assertThat(run.log()).as("the invocation's log file: no Spark application").doesNotContain("SparkContext");
    }

    /**
     * The other example jobs of numeric models (conf/examples: trees with ZipMap and class names, an MLP), as a user
     * runs them: on the local runner, saying so, with their trainers' predictions.
     */
    @Test
    void theTreeAndMlpExamplesRunOnTheLocalRunnerWithTheirTrainersPredictions() throws Exception {
        Path trees = tmp.resolve("trees-table");
        Path mlp = tmp.resolve("mlp-table");

        Launcher.Outcome treesRun = launcher.run(launcher.home(), Map.of(), TIMEOUT,
                "run", "conf/examples/breast-cancer-trees.yaml", "--set", "output.path=" + trees);
        Launcher.Outcome mlpRun = launcher.run(launcher.home(), Map.of(), TIMEOUT,
                "run", "conf/examples/wine-mlp.yaml", "--set", "output.path=" + mlp);

        for (Launcher.Outcome run : List.of(treesRun, mlpRun)) {
            assertThat(run.exitCode()).as("%s", run).isZero();
            assertThat(run.out()).as("%s", run).contains("runner    local (runner: auto: master local[2], input 1 file of");
            assertThat(run.err()).as("stderr").doesNotContain("\tat ", "Exception");
        }
        Path expected = CliHarness.projectDir().resolve("sample-data/expected");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement()) {
            // the trees' class names (metadata 'classes') are the trainer's classes 0 and 1; prefix pred_
            try (ResultSet rs = statement.executeQuery("WITH o AS (SELECT id, CASE pred_label WHEN 'malignant' THEN 0"
                    + " WHEN 'benign' THEN 1 END AS label, map_extract(pred_probabilities, 'benign')[1] AS p1 FROM"
                    + " read_parquet('" + trees + "/**/*.parquet', hive_partitioning = false)) SELECT (SELECT count(*)"
                    + " FROM o), count(*), count(*) FILTER (o.label = e.label), max(abs(o.p1 - e.p1)) FROM o JOIN"
                    + " read_csv('" + expected.resolve("breast_cancer_trees.csv") + "') e USING (id)")) {
                rs.next();
                assertThat(rs.getLong(1)).as("tree rows").isEqualTo(569);
                assertThat(rs.getLong(2)).as("tree rows matching the trainer's ids").isEqualTo(569);
                assertThat(rs.getLong(3)).as("tree labels equal to the trainer's").isEqualTo(569);
                assertThat(rs.getDouble(4)).as("largest difference to the tree trainer's p1").isLessThan(TOLERANCE);
            }
            try (ResultSet rs = statement.executeQuery("WITH o AS (SELECT * FROM read_parquet('" + mlp
                    + "/**/*.parquet', hive_partitioning = false)) SELECT (SELECT count(*) FROM o), count(*),"
                    + " count(*) FILTER (o.label = 'class_' || e.label), max(greatest("
                    + "abs(map_extract(o.probabilities, 'class_0')[1] - e.p0),"
                    + " abs(map_extract(o.probabilities, 'class_1')[1] - e.p1),"
                    + " abs(map_extract(o.probabilities, 'class_2')[1] - e.p2))) FROM o JOIN read_csv('"
                    + expected.resolve("wine_mlp.csv") + "') e USING (id)")) {
                rs.next();
                assertThat(rs.getLong(1)).as("MLP rows").isEqualTo(178);
                assertThat(rs.getLong(2)).as("MLP rows matching the trainer's ids").isEqualTo(178);
                assertThat(rs.getLong(3)).as("MLP labels equal to the trainer's").isEqualTo(178);
                assertThat(rs.getDouble(4)).as("largest difference to the MLP trainer's probabilities")
                        .isLessThan(TOLERANCE);
            }
        }
    }

    /** On the local runner: the input is on s3a, which it reads through Hadoop's FileSystem. */
    @Test
    void s3InputModelAndTableWorkWithCredentialsFromTheEnvironment() throws Exception {
        String bucket = s3.createBucket("launcher");
        Path job = writeS3Job(bucket, "predictions");
        s3objects.upload(Path.of(CliHarness.data("breast_cancer")), bucket + "/input/breast_cancer.parquet");
        s3objects.upload(Path.of(CliHarness.model("breast_cancer_logreg")), bucket + "/models/logreg.onnx");

        Launcher.Outcome run = launcher.run(tmp.resolve("s3-run"), awsEnvironment(), TIMEOUT, "run", job.toString());

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).contains("scored 569 rows", "s3a://launcher/predictions",
                "runner    local (runner: auto: master local[2], input 1 file of 73.0 KB on s3a://launcher, under");
        assertThat(run.err()).as("stderr").doesNotContain("\tat ", "Exception");
        assertThat(run.out() + run.err() + run.log()).as("output and log").doesNotContain(SECRET_KEY);
        Path local = tmp.resolve("s3-table");
        assertThat(s3objects.download(bucket + "/predictions", local)).as("objects of the table").isPositive();
        assertMatchesTrainer(local);
        assertThat(files(local).stream().map(Path::toString).filter(p -> p.contains("/_staging/")))
                .as("staging leftovers").isEmpty();
    }

    /**
     * TERM while the local runner writes (as a scheduler stops a task), or INT (Ctrl-C): the run's shutdown hook
     * stops the workers and removes the staged part files, and one line says so; the exit code is the signal's, 143
     * or 130. The launcher is started as an interactive shell starts a foreground job, INT at its default
     * ({@code env --default-signal=INT}): a process inherits an ignored signal, and a non-interactive shell starts
     * its background jobs with INT ignored, so a test JVM under such a job would pass that on, and a JVM that starts
     * with INT ignored leaves it ignored (as for a user's {@code coldpath run ... &}: Ctrl-C is not for it).
     */
    @ParameterizedTest
    @CsvSource({"TERM, 143", "INT, 130"})
    void aLocalRunStoppedWithTermOrCtrlCRemovesItsStagedFilesAndSaysSoInOneLine(String signal, int exitCode)
            throws Exception {
        Path input = Files.createDirectories(tmp.resolve("stop-input-" + signal));
        for (int i = 0; i < 16; i++) { // at batch-size 1, some seconds of scoring
            Files.copy(Path.of(CliHarness.data("breast_cancer")), input.resolve("part-" + i + ".parquet"));
        }
        Path table = tmp.resolve("stop-table-" + signal);
        Launcher.Running running = launcher.start(launcher.home(), Map.of(), List.of("env", "--default-signal=INT"),
                "run", "conf/examples/breast-cancer-logreg.yaml", "--set", "output.path=" + table, "--set",
                "input.path=" + input, "--set", "inference.batch-size=1");
        Process process = running.process();
        try {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (process.isAlive() && System.nanoTime() < deadline && (!Files.isDirectory(table)
                    || files(table).stream().noneMatch(p -> p.getFileName().toString().startsWith(".part-")))) {
                Thread.sleep(50);
            }
            assertThat(process.isAlive()).as("writing its part files\n%s\n%s", running.out(), running.err()).isTrue();
            // to the JVM alone (env and bash exec'd into it), as a terminal's Ctrl-C reaches the foreground job
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
            assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        } finally {
            process.destroyForcibly().waitFor();
        }
        Launcher.Outcome run = new Launcher.Outcome(process.exitValue(), running.out(), running.err(),
                running.logDir());

        assertThat(run.exitCode()).as("%s", run).isEqualTo(exitCode);
        assertThat(run.coldpathErrLines().stream().filter(l -> !l.startsWith("coldpath: progress ")))
                .as("%s", run).singleElement().asString()
                .matches("coldpath: run \\S+ stopped: the JVM is shutting down \\(TERM or Ctrl-C\\); nothing was"
                        + " committed");
        assertThat(run.err()).as("stderr").doesNotContain("\tat ", "Exception", "A fatal error");
        assertThat(files(table)).as("what the table holds").isEmpty();
        try (Stream<Path> crashes = Files.list(launcher.home())) {
            assertThat(crashes.filter(p -> p.getFileName().toString().startsWith("hs_err_pid" + process.pid())))
                    .as("a JVM crash report").isEmpty();
        }
    }

    /** The failure users saw: lib/ without the AWS SDK's HTTP client. Exit 70, one line naming the log. */
    @Test
    void aClassMissingAtRunTimeIsOneLineOnStderrWithExit70AndTheTraceInTheLog() throws Exception {
        Launcher broken = new Launcher(installWithout(CliHarness.projectDir().resolve("cli/target/it-broken-install"),
                "apache-client-"));
        String bucket = s3.createBucket("broken");
        Path job = writeS3Job(bucket, "predictions");
        s3objects.upload(Path.of(CliHarness.data("breast_cancer")), bucket + "/input/breast_cancer.parquet");
        s3objects.upload(Path.of(CliHarness.model("breast_cancer_logreg")), bucket + "/models/logreg.onnx");

        Launcher.Outcome run = broken.run(tmp.resolve("broken-run"), awsEnvironment(), TIMEOUT, "run",
                job.toString());

        assertThat(run.exitCode()).as("%s", run).isEqualTo(70);
        assertThat(run.coldpathErrLines()).as("%s", run).singleElement().asString()
                .startsWith("coldpath: internal error: java.lang.NoClassDefFoundError: ")
                .contains("software/amazon/awssdk/http/apache/ApacheHttpClient", "details in " + run.logDir());
        assertThat(run.err()).as("stderr").doesNotContain("\tat ", "Exception in thread");
        assertThat(run.log()).contains("NoClassDefFoundError", "\tat ");
    }

    /**
     * ONNX Runtime's native libraries in the launcher's cache damaged (one cut to 0 bytes, one deleted), which made
     * every command fail with exit 70: the launcher sees their sizes differ from its .sizes stamp, unpacks them again,
     * and the run succeeds. In a copy of the layout (its own cli/target/cache) whose lib/ is a link, as it may be.
     * Unpacking removes other jars' directories unused for a week, by the time each use sets, not by their access
     * time: one read yesterday on a {@code noatime} mount, its access time that of its unpacking, stays.
     */
    @Test
    void aDamagedOnnxRuntimeCacheIsUnpackedAgainAndTheRunSucceeds() throws Exception {
        Path install = CliHarness.projectDir().resolve("cli/target/it-cache-install");
        Launcher copy = new Launcher(installWithout(install, "no-jar-is-left-out-"));
        Path lib = install.resolve("cli/target/lib");
        Files.move(lib, install.resolve("cli/target/lib-linked"));
        Files.createSymbolicLink(lib, install.resolve("cli/target/lib-linked"));
        Map<String, String> noArchive = Map.of("COLDPATH_CDS", "off"); // no class list, no background dump
        Path table = tmp.resolve("ort-cache-table");
        Path cache = Files.createDirectories(install.resolve("cli/target/cache"));
        FileTime weeksAgo = FileTime.from(Instant.now().minus(Duration.ofDays(20)));
        FileTime yesterday = FileTime.from(Instant.now().minus(Duration.ofDays(1)));
        Path unused = Files.createDirectories(cache.resolve("onnxruntime-1"));
        Files.getFileAttributeView(unused, BasicFileAttributeView.class).setTimes(weeksAgo, weeksAgo, null);
        Path usedYesterday = Files.createDirectories(cache.resolve("onnxruntime-2"));
        Files.getFileAttributeView(usedYesterday, BasicFileAttributeView.class).setTimes(yesterday, weeksAgo, null);

        Launcher.Outcome validate = copy.run(CliHarness.projectDir(), noArchive, TIMEOUT, "validate",
                "conf/examples/breast-cancer-logreg.yaml");
        assertThat(validate.exitCode()).as("%s", validate).isZero();
        assertThat(unused).as("another jar's libraries, unused for weeks").doesNotExist();
        assertThat(usedYesterday).as("another jar's libraries, used yesterday").isDirectory();
        Path ortDir;
        try (Stream<Path> cached = Files.list(cache)) {
            ortDir = cached.filter(d -> d.getFileName().toString().startsWith("onnxruntime-"))
                    .filter(d -> !d.equals(usedYesterday)).findFirst().orElseThrow();
        }
        Map<String, Long> unpacked = librarySizes(ortDir);
        assertThat(unpacked).as("libraries unpacked").hasSizeGreaterThanOrEqualTo(2);
        assertThat(ortDir.resolve(".sizes")).isRegularFile();
        List<String> names = new ArrayList<>(unpacked.keySet());
        Files.write(ortDir.resolve(names.get(0)), new byte[0]);
        Files.delete(ortDir.resolve(names.get(1)));

        Launcher.Outcome run = copy.run(CliHarness.projectDir(), noArchive, TIMEOUT, "run",
                "conf/examples/breast-cancer-logreg.yaml", "--set", "output.path=" + table);

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).as("%s", run).contains("569 read, 569 written, 0 rejected");
        assertThat(librarySizes(ortDir)).as("the libraries unpacked again").isEqualTo(unpacked);
    }

    private static Map<String, Long> librarySizes(Path dir) throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                sizes.put(f.getFileName().toString(), Files.size(f));
            }
        }
        return sizes;
    }

    /**
     * An OutOfMemoryError in a task of embedded local Spark: Spark's executor would end the JVM with exit 52 and no
     * message. The preflight check passes (the heap holds the batch), the direct memory the batch's tensors live in
     * does not: exit 70, one line naming the settings, no stack trace on the console, nothing committed.
     */
    @Test
    void anOutOfMemoryErrorInALocalTaskIsExit70WithOneLineNamingTheSettingToLower() throws Exception {
        Path table = tmp.resolve("oom");
        Launcher.Outcome run = launcher.run(tmp.resolve("oom-run"),
                Map.of("COLDPATH_JAVA_OPTS", "-Xmx512m -XX:MaxDirectMemorySize=40m"), TIMEOUT, "score",
                "--model", CliHarness.model("breast_cancer_logreg"), "--input", CliHarness.data("breast_cancer"),
                "--input-columns", CliHarness.BREAST_CANCER_FEATURES, "--output", table.toString(),
                "--batch-size", "500000", "--runner", "spark");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(70);
        assertThat(run.coldpathErrLines().stream().filter(l -> !l.startsWith("coldpath: progress")))
                .as("%s", run).singleElement().asString()
                .startsWith("coldpath: Out of memory on executor driver scoring batches of up to 500000 rows")
                .contains("direct buffer memory", "lower inference.batch-size", "spark.executor.memory");
        assertThat(run.err()).as("stderr").doesNotContain("\tat ", "Exception in thread");
        assertThat(run.log()).as("the log").contains("java.lang.OutOfMemoryError", "\tat ");
        try (Stream<Path> files = Files.exists(table) ? Files.walk(table) : Stream.empty()) {
            assertThat(files.map(p -> p.getFileName().toString())).as("files in the table")
                    .doesNotContain("_manifest.json", "current.json");
        }
    }

    /** A heap below Spark's minimum is the user's setting to change (exit 2), not an unreachable cluster (6). */
    @Test
    void aHeapTooSmallForSparkIsExit2NamingTheSetting() throws Exception {
        Launcher.Outcome run = launcher.run(tmp.resolve("small-heap"), Map.of("COLDPATH_JAVA_OPTS", "-Xmx256m"),
                TIMEOUT, "score", "--model", CliHarness.model("breast_cancer_logreg"), "--input",
                CliHarness.data("breast_cancer"), "--input-columns", CliHarness.BREAST_CANCER_FEATURES, "--output",
                tmp.resolve("never-heap").toString(), "--runner", "spark");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.coldpathErrLines()).as("%s", run).singleElement().asString()
                .startsWith("coldpath: Cannot start Spark: System memory").contains("COLDPATH_JAVA_OPTS=-Xmx");
        assertThat(run.err()).as("stderr").doesNotContain("\tat ", "Exception");
        assertThat(tmp.resolve("never-heap")).doesNotExist();
    }

    /**
     * The text example as users run it: a model folder (model.onnx, tokenizer.json) and a string column; the
     * tokenizer's native library loads offline from its jar on the launcher's class path, and each written row's
     * embedding is 384 floats of unit length; it runs on the local runner, and says so. The input is a slice of the
     * example's glosses (every fifth, the null ones and the longest), so that the suite does not embed all 3,572: the
     * example's own job file otherwise.
     */
    @Test
    void textExampleEmbedsTheGlossesWithTheTokenizerFromItsJar() throws Exception {
        Path table = tmp.resolve("text-table");
        Path input = tmp.resolve("glosses-slice.parquet");
        long read;
        long nulls;
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT * FROM read_parquet('" + CliHarness.data("wordnet_glosses") + "') WHERE"
                    + " id % 5 = 0 OR text IS NULL OR length(text) > 400 ORDER BY id) TO '" + input
                    + "' (FORMAT parquet)");
            try (ResultSet rs = statement.executeQuery("SELECT count(*), count(*) FILTER (WHERE text IS NULL)"
                    + " FROM read_parquet('" + input + "')")) {
                rs.next();
                read = rs.getLong(1);
                nulls = rs.getLong(2);
            }
        }
        assertThat(nulls).as("null texts in the slice").isEqualTo(6);

        Launcher.Outcome run = launcher.run(launcher.home(), Map.of(), TIMEOUT, "run",
                "conf/examples/text-embeddings.yaml", "--set", "model=" + TextModels.minilm(),
                "--set", "input.path=" + input, "--set", "output.path=" + table);

        long written = read - nulls;
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).as("%s", run).contains(String.format("%,d read, %,d written, 6 rejected", read,
                written), String.format("  text      %,d texts, ", written), "  tokenize ",
                "  runner    local (runner: auto: master local[2], input 1 file of ")
                .containsPattern(", [1-9][0-9]* truncated at text.max-length\n");
        assertThat(run.err()).as("stderr").doesNotContain("\tat ", "Exception");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*), count(DISTINCT id), min(len(embedding)),"
                     + " max(len(embedding)), max(abs(sqrt(list_sum(list_transform(embedding, lambda x: x * x)))"
                     + " - 1)) FROM read_parquet('" + table + "/run=*/*.parquet', hive_partitioning = false)")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows").isEqualTo(written);
            assertThat(rs.getLong(2)).as("distinct ids").isEqualTo(written);
            assertThat(rs.getInt(3)).as("shortest embedding").isEqualTo(384);
            assertThat(rs.getInt(4)).as("longest embedding").isEqualTo(384);
            assertThat(rs.getDouble(5)).as("largest distance of a norm to 1").isLessThan(1e-5);
        }
    }

    @Test
    void aUserErrorIsOneLineOnTheRealStderrWithExit2() throws Exception {
        Launcher.Outcome run = launcher.run(tmp.resolve("user-error"), Map.of(), TIMEOUT, "score",
                "--model", tmp.resolve("no-such-model.onnx").toString(), "--input", CliHarness.data("wine"),
                "--output", tmp.resolve("never").toString());

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.coldpathErrLines()).as("%s", run).singleElement().asString().contains("no-such-model.onnx");
        assertThat(run.err()).as("stderr").doesNotContain("\tat ", "Exception");
        assertThat(tmp.resolve("never")).doesNotExist();
    }

    /**
     * A bad row that only a task finds (an array of the wrong length, under the default fail policy): Spark logs
     * the task's failure with stack traces, which go to the invocation's log file; the console shows coldpath's
     * one line, which names that file's folder.
     */
    @Test
    void aBadRowFoundInATaskIsOneLineOnTheConsoleAndSparksTracesGoToTheLog() throws Exception {
        Path input = tmp.resolve("short-array");
        CliHarness.spark().read().parquet(CliHarness.data("wine"))
                .withColumn("features", functions.when(functions.col("id").equalTo(7),
                        functions.slice(functions.col("features"), 1, 12)).otherwise(functions.col("features")))
                .write().parquet(input.toString());

        Launcher.Outcome run = launcher.run(tmp.resolve("bad-row"), Map.of(), TIMEOUT, "score",
                "--model", CliHarness.model("wine_mlp"), "--input", input.toString(),
                "--output", tmp.resolve("bad-row-table").toString(), "--runner", "spark");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.coldpathErrLines()).as("%s", run).filteredOn(l -> !l.startsWith("coldpath: progress "))
                .singleElement().asString().contains("'features'", "length 12", "id=7", "(log: " + run.logDir());
        assertThat(run.err() + run.out()).as("the console").doesNotContain("\tat ", "Exception", "ERROR");
        assertThat(run.log()).as("the log file").contains("Aborting task", "\tat ");
        assertThat(tmp.resolve("bad-row-table")).as("nothing committed").satisfiesAnyOf(
                t -> assertThat(t).doesNotExist(),
                t -> assertThat(t.resolve("_coldpath/current.json")).doesNotExist());
    }

    /**
     * Rows the model fails on, quarantined: ONNX Runtime's native log of each failing run (which it prints to the
     * process's stderr, past Java's System.err) stays off the console, and its message is in each row's reason.
     */
    @Test
    void rowsTheModelFailsOnAreQuarantinedWithoutOnnxRuntimesOwnErrorLinesOnTheConsole() throws Exception {
        Path model = tmp.resolve("gather.onnx");
        Files.write(model, TestGraphs.gather());
        Path input = tmp.resolve("gather-input.parquet");
        Path table = tmp.resolve("gather-table");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT i AS id, CASE WHEN i % 100 = 7 THEN 7 ELSE i % 5 END AS idx FROM"
                    + " range(1000) t(i)) TO '" + input + "' (FORMAT parquet)");
        }

        Launcher.Outcome run = launcher.run(tmp.resolve("gather-run"), Map.of(), TIMEOUT, "score", "--model",
                model.toString(), "--input", input.toString(), "--output", table.toString(), "--input-columns",
                "idx", "--keep-columns", "id", "--set", "bad-rows.policy=quarantine", "--set",
                "bad-rows.max-fraction=0.1");

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).as("%s", run).contains("1,000 read, 990 written, 10 rejected");
        assertThat(run.err()).as("stderr").doesNotContain("onnxruntime", "Gather");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FILTER (_coldpath_reason LIKE '%out of data"
                     + " bounds%') FROM read_parquet('" + table + "/*/_quarantine/*.parquet')")) {
            rs.next();
            assertThat(rs.getLong(1)).as("reasons that carry ONNX Runtime's message").isEqualTo(10);
        }
    }

    @Test
    void aMasterUrlSparkCannotParseIsAConfigurationErrorWithExit2() throws Exception {
        // from the project directory, where the job's relative paths resolve: the preflight passes, Spark refuses
        Launcher.Outcome run = launcher.run(launcher.home(), Map.of(), TIMEOUT, "run",
                launcher.home().resolve("conf/examples/breast-cancer-logreg.yaml").toString(), "--master",
                "bogus://x", "--set", "output.path=" + tmp.resolve("never-master"));

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.coldpathErrLines()).as("%s", run).singleElement().asString()
                .startsWith("coldpath: Invalid spark.master 'bogus://x'");
        assertThat(run.err()).as("stderr").doesNotContain("\tat ", "Exception");
        assertThat(tmp.resolve("never-master")).doesNotExist();
    }

    /**
     * A driver killed with -9 between the write of a run into an Iceberg table and its commit (held there by the
     * test-only pause, {@code coldpath.test.pause-before-commit}): the table's current snapshot and rows are those of
     * the run before, and {@code runs gc} expires the killed run's staged snapshot and deletes its files.
     */
    @Test
    void aDriverKilledBetweenWriteAndCommitLeavesTheIcebergTableAsItWasAndGcCleansUp() throws Exception {
        // the run before, in this JVM's session (the shared one: its catalog coldpath is on the shared warehouse)
        Path warehouse = Path.of(CliHarness.icebergWarehouse());
        String[] score = {"score", "--model", CliHarness.model("wine_mlp"), "--input", CliHarness.data("wine"),
                "--output-table", "coldpath.launcher_kill.wine", "--warehouse", warehouse.toString()};
        CliHarness.Outcome first = CliHarness.run(concat(score, "--run-id", "before"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        Table table = new HadoopCatalog(new Configuration(), warehouse.toUri().toString())
                .loadTable(TableIdentifier.of("launcher_kill", "wine"));
        long before = table.currentSnapshot().snapshotId();
        Path data = Path.of(URI.create(table.location()).getPath(), "data");
        List<Path> filesBefore = files(data);
        int snapshotsBefore = snapshots(table);

        Path marker = tmp.resolve("kill-pause");
        Launcher.Running killed = launcher.start(tmp.resolve("kill-run"), Map.of("COLDPATH_JAVA_OPTS",
                "-Dcoldpath.test.pause-before-commit=" + marker), concat(score, "--run-id", "killed"));
        try {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!Files.exists(marker) && killed.process().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(marker).as("the run paused before its commit\n%s\n%s", killed.out(), killed.err()).exists();
        } finally {
            killed.process().descendants().forEach(ProcessHandle::destroyForcibly);
            killed.process().destroyForcibly().waitFor();
        }

        table.refresh();
        assertThat(table.currentSnapshot().snapshotId()).isEqualTo(before);
        assertThat(rows(table)).containsExactly(Map.entry("before", 178));
        assertThat(snapshots(table)).as("the killed run's staged snapshot")
                .isEqualTo(snapshotsBefore + 1);
        assertThat(files(data)).as("the killed run's data files").hasSizeGreaterThan(filesBefore.size());

        Thread.sleep(1000); // older than --staging-older-than
        CliHarness.Outcome gc = CliHarness.run("runs", "gc", "coldpath.launcher_kill.wine", "--warehouse",
                warehouse.toString(), "--keep", "1", "--staging-older-than", "1s");
        assertThat(gc.exitCode()).as(gc.err()).isZero();
        assertThat(gc.out()).contains("staged snapshots older than");
        table.refresh();
        assertThat(snapshots(table)).isEqualTo(snapshotsBefore);
        assertThat(files(data)).as("what the table's data directory holds")
                .containsExactlyInAnyOrderElementsOf(filesBefore);
        assertThat(table.currentSnapshot().snapshotId()).isEqualTo(before);
        assertThat(rows(table)).containsExactly(Map.entry("before", 178));
    }

    private static int snapshots(Table table) {
        int n = 0;
        for (var ignored : table.snapshots()) {
            n++;
        }
        return n;
    }

    private static String[] concat(String[] first, String... more) {
        return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
    }

    /** The rows of each run id in the table's current snapshot, read by Iceberg's generic reader, without Spark. */
    private static Map<String, Integer> rows(Table table) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            records.forEach(r -> counts.merge((String) r.getField("run_id"), 1, Integer::sum));
        }
        return counts;
    }

    private static Map<String, String> awsEnvironment() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    /** A job file with the server's s3a settings as spark.hadoop.* keys and no credentials, as docs/s3.md shows. */
    private static Path writeS3Job(String bucket, String table) throws IOException {
        Path job = tmp.resolve(bucket.substring("s3a://".length()) + ".yaml");
        Files.writeString(job, String.join("\n",
                "name: launcher-s3",
                "model: " + bucket + "/models/logreg.onnx",
                "input: {path: " + bucket + "/input}",
                "features: [" + CliHarness.BREAST_CANCER_FEATURES.replace(",", ", ") + "]",
                "output: {path: " + bucket + "/" + table + ", keep-columns: [id]}",
                "spark.master: local[2]",
                "spark.hadoop.fs.s3a.endpoint: " + s3.endpoint(),
                "spark.hadoop.fs.s3a.endpoint.region: us-east-1",
                "spark.hadoop.fs.s3a.path.style.access: \"true\"",
                "spark.hadoop.fs.s3a.connection.ssl.enabled: \"false\"",
                ""));
        return job;
    }

    /**
     * A copy of the launcher's layout (bin, conf, cli/target; links to the project's files) whose lib/ lacks the
     * jars named {@code prefix}*. Under target/, not a temp dir: JUnit warns about every link it deletes.
     */
    private static Path installWithout(Path install, String prefix) throws IOException {
        Path project = CliHarness.projectDir();
        if (Files.exists(install)) {
            try (Stream<Path> old = Files.walk(install)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Path lib = Files.createDirectories(install.resolve("cli/target/lib"));
        try (Stream<Path> jars = Files.list(project.resolve("cli/target/lib"))) {
            for (Path jar : jars.filter(j -> !j.getFileName().toString().startsWith(prefix)).toList()) {
                Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar);
            }
        }
        Files.createSymbolicLink(install.resolve("cli/target/coldpath-cli.jar"),
                project.resolve("cli/target/coldpath-cli.jar"));
        Files.createDirectories(install.resolve("bin"));
        Files.copy(project.resolve("bin/coldpath"), install.resolve("bin/coldpath"));
        Files.createSymbolicLink(install.resolve("conf"), project.resolve("conf"));
        assertThat(lib.resolveSibling("lib")).isDirectoryNotContaining("glob:**/" + prefix + "*");
        return install;
    }

    /** The table's one run holds 569 distinct ids whose probability is the trainer's, within float error. */
    private static void assertMatchesTrainer(Path table) throws SQLException {
        String expected = CliHarness.projectDir().resolve("sample-data/expected/breast_cancer_logreg.csv").toString();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement();
             ResultSet rs = statement.executeQuery("WITH o AS (SELECT id, probability FROM read_parquet('" + table
                     + "/**/*.parquet', hive_partitioning = false)) SELECT (SELECT count(*) FROM o),"
                     + " (SELECT count(DISTINCT id) FROM o), count(*), max(abs(o.probability - e.probability))"
                     + " FROM o JOIN read_csv('" + expected + "') e USING (id)")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows").isEqualTo(569);
            assertThat(rs.getLong(2)).as("distinct ids").isEqualTo(569);
            assertThat(rs.getLong(3)).as("rows matching the trainer's ids").isEqualTo(569);
            assertThat(rs.getDouble(4)).as("largest difference to the trainer's probability").isLessThan(TOLERANCE);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(all::add);
        }
        return all;
    }
}
