package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.CurrentPointer;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.spark.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real Spark standalone cluster (scripts/local-cluster.sh: a master and two workers, each its own JVM, shared
 * with the other cluster tests: {@link LocalCluster#shared()}) runs
 * the breast-cancer job submitted with {@code bin/coldpath submit} and the assembly, reading and writing s3a on a
 * real S3 server, and must give the trainer's probabilities. Needs {@code mvn package} first (failsafe runs
 * after it); the first run resolves Spark's jars.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the in-process tests: see cli/pom.xml
@ResourceLock(LocalCluster.LOCK)
class StandaloneClusterIT {
    private static final Path PROJECT = LocalCluster.PROJECT;
    private static final Path ASSEMBLY = Path.of(System.getProperty("coldpath.assembly"));
    private static final Path CLUSTER_DIR = PROJECT.resolve("cli/target/it-cluster");
    private static final Pattern SESSIONS = Pattern.compile(
            "(?m)^\\s*sessions\\s+(\\d+) opened in \\d+(?:\\.\\d)? ms, by (.*)$");
    private static final Pattern SCORED = Pattern.compile("(?m)^coldpath: .*scored .* in ([0-9.]+) s \\(");
    private static final String ACCESS_KEY = LocalCluster.ACCESS_KEY;
    private static final String SECRET_KEY = LocalCluster.SECRET_KEY;
    private static final Map<String, String> AWS_ENV = LocalCluster.AWS_ENV;
    private static S3ProxyServer s3;
    private static S3Objects s3objects;
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException {
        s3 = S3ProxyServer.start(Files.createTempDirectory("cluster-s3"), ACCESS_KEY, SECRET_KEY);
        s3objects = new S3Objects(s3);
        cluster = LocalCluster.shared();
    }

    /** Starts again whatever JVM of the cluster another class's test killed, and the class archive's dump. */
    @BeforeEach
    void clusterUp() throws IOException {
        cluster.ensureUp();
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    /**
     * The sample job with the logistic regression as champion and the tree ensemble as shadow (issue 15), both
     * read from S3: each of the two executor JVMs opens one session per model (2 x 2 = 4), the published rows are
     * the regression trainer's probabilities and the shadow's rows the tree trainer's labels and probabilities.
     * One case of the fault matrix (docs/operations.md) rides along, to save the cluster lane a submit: the
     * champion's file in the model cache ({@code executor.model-cache.dir}) is damaged (bytes changed, same size),
     * so it is fetched again, verified and replaced (by the driver, which reads a plain path's model through the
     * same cache, or by the executors), and no task fails.
     */
    @Test
    void submittedJobScoresS3InputIntoAnS3TableWithOneSessionPerModelPerExecutorJvmAndADamagedCachedModel(
            @TempDir Path dir) throws Exception {
        String bucket = s3.createBucket("cluster");
        Path input = writeInputInFiles(dir.resolve("input"), 8);
        s3objects.upload(input, bucket + "/input");
        Path logreg = PROJECT.resolve("sample-data/models/breast_cancer_logreg.onnx");
        s3objects.upload(logreg, bucket + "/models/logreg.onnx");
        byte[] model = Files.readAllBytes(logreg);
        Path cache = Files.createDirectories(dir.resolve("model-cache"));
        Path cached = Files.createDirectories(cache.resolve(ModelArtifact.sha256(model))).resolve("model.onnx");
        byte[] damaged = model.clone();
        for (int i = damaged.length / 2; i < damaged.length / 2 + 64; i++) {
            damaged[i] ^= 0x5a;
        }
        Files.write(cached, damaged);
        s3objects.upload(PROJECT.resolve("sample-data/models/breast_cancer_trees.onnx"),
                bucket + "/models/trees.onnx");
        Path job = championAndShadowJob(dir.resolve("job.yaml"), bucket + "/models/logreg.onnx",
                bucket + "/models/trees.onnx");
        List<String> args = new ArrayList<>(List.of("submit", job.toString(),
                "--master", cluster.masterUrl(), "--executors", "2", "--executor-cores", "2",
                "--executor-memory", "1g",
                // Start scoring only once both executors are there, so both get tasks.
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=600s",
                "--spark-home", cluster.sparkHome().toString(), "--assembly", ASSEMBLY.toString(),
                "--set", "input.path=" + bucket + "/input",
                "--set", "output.path=" + bucket + "/predictions",
                // One file per partition: below the open cost (4 MB), Spark would pack the small files together.
                "--set", "spark.sql.files.maxPartitionBytes=1m",
                "--set", "executor.model-cache.dir=" + cache));
        LocalCluster.Submit settings = cluster.nextSubmit();
        args.addAll(settings.options());
        // The endpoint as users give it on the command line; the credentials from the environment, which the
        // driver (client mode) and the workers' executors both have, like nodes with an instance role.
        s3.sparkConf().forEach((key, value) -> {
            if (!key.endsWith(".access.key") && !key.endsWith(".secret.key")
                    && !key.endsWith(".credentials.provider")) {
                args.addAll(List.of("--conf", key + "=" + value));
            }
        });

        long start = System.nanoTime();
        Launcher.Outcome submit = Launcher.project().run(PROJECT, settings.environment(AWS_ENV),
                Duration.ofMinutes(10), args.toArray(String[]::new));
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        Files.createDirectories(CLUSTER_DIR);
        Files.writeString(CLUSTER_DIR.resolve("submit.out"), submit.out());
        Files.writeString(CLUSTER_DIR.resolve("submit.err"), submit.err());
        assertThat(submit.exitCode()).as("submit:%n%s%n%s", submit.out(), tail(submit.err(), 80)).isZero();
        assertThat(submit.out() + submit.err()).as("submit's output").doesNotContain(SECRET_KEY);
        assertThat(submit.err().lines()).as("the driver logs to its file, not the console")
                .noneMatch(line -> line.contains(" INFO "));
        assertThat(driverLog(submit).lines().filter(line -> line.contains("Lost task"))).as("tasks lost").isEmpty();
        assertThat(Files.readAllBytes(cached)).as("the cached champion, fetched again").isEqualTo(model);

        // sessions = executor JVMs x models: each executor JVM opens each model once, whatever its task slots
        Matcher sessions = SESSIONS.matcher(submit.out());
        assertThat(sessions.find()).as("a sessions line in:%n%s", submit.out()).isTrue();
        List<String> owners = List.of(sessions.group(2).strip().split(",\\s*"));
        assertThat(Integer.parseInt(sessions.group(1))).as("sessions created").isEqualTo(2 * 2);
        assertThat(owners).as("executorId@pid@host of each session").hasSize(2 * 2);
        assertThat(owners.stream().map(o -> o.substring(0, o.indexOf('@'))).distinct())
                .as("executor ids").hasSize(2).doesNotContain("driver");
        assertThat(owners.stream().collect(Collectors.groupingBy(o -> o.substring(o.indexOf('@') + 1),
                Collectors.counting()))).as("sessions by executor JVM (pid@host)").hasSize(2)
                .allSatisfy((jvm, count) -> assertThat(count).as("sessions of %s", jvm).isEqualTo(2));

        Path tableCopy = dir.resolve("table");
        assertThat(s3objects.download(bucket + "/predictions", tableCopy)).as("objects of the table").isPositive();
        List<Path> runs;
        try (Stream<Path> files = Files.list(tableCopy)) {
            runs = files.filter(p -> p.getFileName().toString().startsWith("run=")).toList();
        }
        assertThat(runs).as("runs in the table").hasSize(1);
        Path run = runs.get(0);
        RunTable table = new RunTable(new HadoopFileStore(new Configuration()), tableCopy.toUri().toString());
        List<CommittedRun> committed = table.runs();
        assertThat(committed).as("committed runs").hasSize(1);
        assertThat(table.current().map(CurrentPointer::runId)).as("the table's current run")
                .contains(committed.get(0).runId());
        RunManifest manifest = RunManifest.read(Files.readAllBytes(run.resolve("_manifest.json")), "manifest");
        assertThat(manifest.sessions().created()).as("sessions in the manifest").isEqualTo(2 * 2);
        assertThat(manifest.sessions().owners()).as("session owners in the manifest").hasSameElementsAs(owners);
        assertThat(manifest.models()).extracting(RunManifest.ModelRun::binding, RunManifest.ModelRun::role)
                .containsExactly(tuple("champion", "champion"), tuple("forest", "shadow"));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            String published = "read_parquet('" + run + "/*.parquet', hive_partitioning = false)";
            assertThat(fileCount(duckdb, run)).as("output files = scored partitions").isGreaterThanOrEqualTo(8);
            String expected = PROJECT.resolve("sample-data/expected/breast_cancer_logreg.csv").toString();
            try (Statement statement = duckdb.createStatement();
                 ResultSet rs = statement.executeQuery("WITH o AS (SELECT id, probability, served_by FROM "
                         + published + ") SELECT (SELECT count(*) FROM o), (SELECT count(DISTINCT id) FROM o),"
                         + " count(*), max(abs(o.probability - e.probability)), count(*) FILTER (o.served_by"
                         + " = 'champion') FROM o JOIN read_csv('" + expected + "') e USING (id)")) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows").isEqualTo(569);
                assertThat(rs.getLong(2)).as("distinct ids").isEqualTo(569);
                assertThat(rs.getLong(3)).as("rows matching the trainer's ids").isEqualTo(569);
                assertThat(rs.getDouble(4)).as("largest difference to the trainer's probability").isLessThan(1e-5);
                assertThat(rs.getLong(5)).as("rows served by the champion").isEqualTo(569);
            }
            String shadow = "read_parquet('" + run + "/_shadow/forest/*.parquet', hive_partitioning = false)";
            String trees = PROJECT.resolve("sample-data/expected/breast_cancer_trees.csv").toString();
            try (Statement statement = duckdb.createStatement();
                 // the model's class names (metadata 'classes') are the trainer's classes 0 and 1
                 ResultSet rs = statement.executeQuery("WITH s AS (SELECT id, CASE label WHEN 'malignant' THEN 0"
                         + " WHEN 'benign' THEN 1 END AS label, map_extract(probabilities, 'benign')[1] AS p1 FROM "
                         + shadow + ") SELECT (SELECT count(*) FROM s), (SELECT count(DISTINCT id) FROM s), count(*),"
                         + " count(*) FILTER (s.label = e.label), max(abs(s.p1 - e.p1)) FROM s JOIN read_csv('"
                         + trees + "') e USING (id)")) {
                rs.next();
                assertThat(rs.getLong(1)).as("shadow rows").isEqualTo(569);
                assertThat(rs.getLong(2)).as("distinct ids of the shadow").isEqualTo(569);
                assertThat(rs.getLong(3)).as("shadow rows matching the trainer's ids").isEqualTo(569);
                assertThat(rs.getLong(4)).as("shadow labels equal to the tree trainer's").isEqualTo(569);
                assertThat(rs.getDouble(5)).as("largest difference to the tree trainer's p1").isLessThan(1e-5);
            }
        }
        System.out.printf(Locale.ROOT, "StandaloneClusterIT: cluster start-up %.1f s; cluster (2 executors x 2"
                        + " cores, 2 models) on s3a: job %s s, wall with bin/coldpath submit %.1f s%n",
                cluster.startup().toMillis() / 1000.0, jobSeconds(submit.out()), wall.toMillis() / 1000.0);
    }

    /** The sample job file with {@code champion} as champion and {@code shadow} as shadow instead of its model. */
    private static Path championAndShadowJob(Path file, String champion, String shadow) throws IOException {
        String sample = Files.readString(PROJECT.resolve("conf/examples/breast-cancer-logreg.yaml"));
        Matcher model = Pattern.compile("(?m)^model: .*$").matcher(sample);
        assertThat(model.find()).as("the model line of the sample job").isTrue();
        return Files.writeString(file, sample.substring(0, model.start()) + "models:\n"
                + "  - {name: champion, model: " + champion + ", role: champion}\n"
                + "  - {name: forest, model: " + shadow + ", role: shadow}" + sample.substring(model.end()));
    }

    /**
     * {@code coldpath submit} killed (-9, or TERM) while its driver scores: the driver, a child of the killed
     * process in client mode, stops within seconds, the cluster ends the application, and nothing is committed.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"KILL", "TERM"})
    void aKilledSubmitLeavesNoDriverNoApplicationAndNoCommittedRun(String signal, @TempDir Path dir)
            throws Exception {
        Path input = writeInputInFiles(dir.resolve("input"), 200);
        Path table = dir.resolve("table");
        List<String> args = new ArrayList<>(List.of("submit",
                PROJECT.resolve("conf/examples/breast-cancer-logreg.yaml").toString(),
                "--master", cluster.masterUrl(), "--executors", "1", "--executor-cores", "1", "--executor-memory", "1g",
                "--spark-home", cluster.sparkHome().toString(), "--assembly", ASSEMBLY.toString(),
                "--set", "model=" + PROJECT.resolve("sample-data/models/breast_cancer_logreg.onnx"),
                "--set", "input.path=" + input, "--set", "output.path=" + table,
                "--set", "spark.sql.files.maxPartitionBytes=1m"));
        LocalCluster.Submit settings = cluster.nextSubmit();
        args.addAll(settings.options());
        Launcher.Running submit = Launcher.project().start(dir.resolve("submit"), settings.environment(Map.of()),
                args.toArray(String[]::new));
        try {
            awaitText(submit, "coldpath: progress", Duration.ofMinutes(5));
            List<ProcessHandle> children = submit.process().descendants().toList();
            assertThat(children).as("spark-submit's JVM, running the driver").isNotEmpty();

            if (signal.equals("KILL")) {
                submit.process().destroyForcibly();
            } else {
                submit.process().destroy();
            }

            for (ProcessHandle child : children) {
                child.onExit().get(60, TimeUnit.SECONDS);
            }
            assertThat(submit.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!cluster.masterStatus().contains("\"activeapps\":[]") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(cluster.masterStatus()).as("the master's applications").contains("\"activeapps\":[]");
            Thread.sleep(2000); // anything still on its way to the table would be there by now
            try (Stream<Path> files = Files.walk(table)) {
                assertThat(files.map(p -> p.getFileName().toString())).as("files in the table")
                        .doesNotContain("_manifest.json", "current.json");
            }
            if (signal.equals("KILL")) { // the driver's console went with its parent: its log file says why
                try (Stream<Path> logs = Files.list(submit.logDir())) {
                    assertThat(logs.filter(l -> l.getFileName().toString().endsWith("-driver.log"))
                            .map(StandaloneClusterIT::read)).singleElement().asString().contains("is gone: exiting");
                }
            }
        } finally {
            submit.process().descendants().forEach(ProcessHandle::destroyForcibly);
            submit.process().destroyForcibly();
        }
    }

    /** The client-mode driver's log file. */
    private static String driverLog(Launcher.Outcome submit) throws IOException {
        try (Stream<Path> files = Files.list(submit.logDir())) {
            return read(files.filter(f -> f.getFileName().toString().endsWith("-driver.log")).findFirst()
                    .orElseThrow(() -> new AssertionError("no driver log in " + submit.logDir())));
        }
    }

    private static void awaitText(Launcher.Running running, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(running.out() + running.err()).contains(text)) {
            if (!running.process().isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' from bin/coldpath:\n" + running.out() + "\n"
                        + tail(running.err(), 40));
            }
            Thread.sleep(100);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample split into {@code files} Parquet files, so Spark reads it in at least that many partitions. */
    private static Path writeInputInFiles(Path dir, int files) throws SQLException, IOException {
        Files.createDirectories(dir);
        Path sample = PROJECT.resolve("sample-data/data/breast_cancer.parquet");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < files; i++) {
                statement.execute(String.format(Locale.ROOT, "COPY (SELECT * FROM read_parquet('%s') WHERE id %% %d"
                        + " = %d ORDER BY id) TO '%s' (FORMAT parquet)", sample, files, i,
                        dir.resolve("part-" + i + ".parquet")));
            }
        }
        return dir;
    }

    /** The published Parquet files of a run directory ({@code _shadow/} and other '_' folders not included). */
    private static long fileCount(Connection duckdb, Path run) throws SQLException {
        try (Statement statement = duckdb.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(DISTINCT filename) FROM read_parquet('" + run
                     + "/*.parquet', filename = true, hive_partitioning = false)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String jobSeconds(String out) {
        Matcher m = SCORED.matcher(out);
        return m.find() ? m.group(1) : "?";
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

}
