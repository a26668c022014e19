package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster (scripts/local-cluster.sh: a master and two workers, each its own JVM) runs
 * the breast-cancer job submitted with {@code coldpath submit} and the assembly, and must give what local[2]
 * gives. Needs {@code mvn package} first (failsafe runs after it); the first run resolves Spark's jars.
 */
class StandaloneClusterIT {
    private static final Path PROJECT = Path.of(System.getProperty("coldpath.project.dir")).toAbsolutePath();
    private static final Path SCRIPT = PROJECT.resolve("scripts/local-cluster.sh");
    private static final Path SPARK_HOME = PROJECT.resolve("target/spark-home");
    private static final Path ASSEMBLY = Path.of(System.getProperty("coldpath.assembly"));
    private static final Path CLUSTER_DIR = PROJECT.resolve("cli/target/it-cluster");
    private static final Pattern SESSIONS = Pattern.compile("(?m)^\\s*sessions\\s+(\\d+) opened in \\d+ ms, by (.*)$");
    private static final Pattern SCORED = Pattern.compile("(?m)^coldpath: .*scored .* in ([0-9.]+) s \\(");
    private static final Map<String, String> CLUSTER_ENV = new HashMap<>();
    private static String masterUrl;
    private static Duration clusterStartup;

    @BeforeAll
    static void startCluster() throws IOException {
        int[] ports = freePorts(4);
        masterUrl = "spark://127.0.0.1:" + ports[0];
        CLUSTER_ENV.put("COLDPATH_SPARK_HOME", SPARK_HOME.toString());
        CLUSTER_ENV.put("COLDPATH_CLUSTER_DIR", CLUSTER_DIR.toString());
        CLUSTER_ENV.put("COLDPATH_MASTER_PORT", Integer.toString(ports[0]));
        CLUSTER_ENV.put("COLDPATH_MASTER_UI_PORT", Integer.toString(ports[1]));
        CLUSTER_ENV.put("COLDPATH_WORKER_UI_PORTS", ports[2] + " " + ports[3]);
        CLUSTER_ENV.put("COLDPATH_WORKER_CORES", "2");
        CLUSTER_ENV.put("COLDPATH_WORKER_MEMORY", "2g");
        // The JVMs must go even when this JVM dies before @AfterAll.
        Runtime.getRuntime().addShutdownHook(new Thread(StandaloneClusterIT::stopCluster, "stop-local-cluster"));
        long start = System.nanoTime();
        Script result = script("start", Duration.ofMinutes(15));
        clusterStartup = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result.code()).as("local-cluster.sh start:%n%s", result.output()).isZero();
    }

    @AfterAll
    static void stopCluster() {
        try {
            script("stop", Duration.ofMinutes(1));
        } catch (IOException e) {
            System.err.println("StandaloneClusterIT: cannot stop the local cluster: " + e);
        }
    }

    @Test
    void submittedJobScoresLikeLocalRunWithOneSessionPerExecutorJvm(@TempDir Path dir) throws Exception {
        Path input = writeInputInFiles(dir.resolve("input"), 8);
        Path job = PROJECT.resolve("conf/examples/breast-cancer-logreg.yaml");
        List<String> sets = List.of(
                "--set", "model=" + PROJECT.resolve("sample-data/models/breast_cancer_logreg.onnx"),
                "--set", "input.path=" + input,
                // One file per partition: below the open cost (4 MB), Spark would pack the small files together.
                "--set", "spark.sql.files.maxPartitionBytes=1m");

        StringWriter localOut = new StringWriter();
        StringWriter localErr = new StringWriter();
        long localStart = System.nanoTime();
        int localCode = Coldpath.execute(new PrintWriter(localOut), new PrintWriter(localErr),
                args(List.of("run", job.toString(), "--master", "local[2]"), sets,
                        List.of("--set", "output.path=" + dir.resolve("local"))));
        Duration localWall = Duration.ofNanos(System.nanoTime() - localStart);
        assertThat(localCode).as("local run:%n%s%n%s", localOut, localErr).isZero();

        StringWriter clusterOut = new StringWriter();
        StringWriter clusterErr = new StringWriter();
        long clusterStart = System.nanoTime();
        int clusterCode = Coldpath.execute(new PrintWriter(clusterOut), new PrintWriter(clusterErr),
                args(List.of("submit", job.toString(), "--master", masterUrl,
                                "--executors", "2", "--executor-cores", "2", "--executor-memory", "1g",
                                // Start scoring only once both executors are there, so both get tasks.
                                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
                                "--spark-home", SPARK_HOME.toString(), "--assembly", ASSEMBLY.toString()),
                        sets, List.of("--set", "output.path=" + dir.resolve("cluster"))));
        Duration clusterWall = Duration.ofNanos(System.nanoTime() - clusterStart);
        Files.createDirectories(CLUSTER_DIR);
        Files.writeString(CLUSTER_DIR.resolve("submit.out"), clusterOut.toString());
        Files.writeString(CLUSTER_DIR.resolve("submit.err"), clusterErr.toString());
        assertThat(clusterCode).as("submit:%n%s%n%s", clusterOut, tail(clusterErr.toString(), 80)).isZero();

        Matcher sessions = SESSIONS.matcher(clusterOut.toString());
        assertThat(sessions.find()).as("a sessions line in:%n%s", clusterOut).isTrue();
        List<String> owners = List.of(sessions.group(2).strip().split(",\\s*"));
        assertThat(Integer.parseInt(sessions.group(1))).as("sessions created").isEqualTo(2);
        assertThat(owners).as("executorId@pid@host of each session").hasSize(2);
        assertThat(owners.stream().map(o -> o.substring(0, o.indexOf('@'))).distinct())
                .as("executor ids").hasSize(2).doesNotContain("driver");
        assertThat(owners.stream().map(o -> o.substring(o.indexOf('@') + 1)).distinct())
                .as("executor JVMs (pid@host)").hasSize(2);

        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThat(fileCount(duckdb, dir.resolve("cluster"))).as("output files = scored partitions")
                    .isGreaterThanOrEqualTo(8);
            List<List<Object>> expected = rows(duckdb, dir.resolve("local"));
            List<List<Object>> actual = rows(duckdb, dir.resolve("cluster"));
            assertThat(expected).hasSize(569);
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i)).as("row with id %s", expected.get(i).get(0)).isEqualTo(expected.get(i));
            }
        }
        System.out.printf(Locale.ROOT, "StandaloneClusterIT: cluster start-up %.1f s; local[2]: job %s s, wall"
                        + " %.1f s; cluster (2 executors x 2 cores): job %s s, wall with spark-submit %.1f s%n",
                clusterStartup.toMillis() / 1000.0, jobSeconds(localOut), localWall.toMillis() / 1000.0,
                jobSeconds(clusterOut), clusterWall.toMillis() / 1000.0);
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

    private static List<List<Object>> rows(Connection duckdb, Path table) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement statement = duckdb.createStatement();
             ResultSet rs = statement.executeQuery("SELECT * FROM read_parquet('" + table + "/**/*.parquet',"
                     + " hive_partitioning = false) ORDER BY id")) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int c = 1; c <= columns; c++) {
                    row.add(rs.getObject(c));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static long fileCount(Connection duckdb, Path table) throws SQLException {
        try (Statement statement = duckdb.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(DISTINCT filename) FROM read_parquet('" + table
                     + "/**/*.parquet', filename = true, hive_partitioning = false)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String jobSeconds(StringWriter out) {
        Matcher m = SCORED.matcher(out.toString());
        return m.find() ? m.group(1) : "?";
    }

    private static String[] args(List<String> first, List<String> second, List<String> third) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        all.addAll(third);
        return all.toArray(String[]::new);
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private record Script(int code, String output) {
    }

    private static Script script(String command, Duration timeout) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), command)
                .directory(PROJECT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(CLUSTER_ENV);
        Path log = Files.createTempFile("local-cluster-" + command, ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        try {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Script(-1, "timed out after " + timeout + "\n" + Files.readString(log));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            System.out.print(output);
            return new Script(process.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Script(-1, "interrupted");
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
