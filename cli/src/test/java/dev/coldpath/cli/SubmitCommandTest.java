package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SubmitCommandTest {
    private static final String ASSEMBLY = "/opt/coldpath/coldpath-assembly.jar";

    @TempDir
    Path dir;

    private Path job;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeJob() throws IOException {
        job = dir.resolve("demo.yaml");
        Files.writeString(job, """
                name: demo
                model: /models/demo.onnx
                input:
                  path: /data/in
                output:
                  path: /data/out
                features: [a, b]
                spark:
                  master: local[2]
                """);
    }

    private int submit(String... args) {
        List<String> all = new ArrayList<>(List.of("submit", job.toString()));
        all.addAll(List.of(args));
        return Coldpath.execute(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    }

    @Test
    void localMasterKeepsTheDriverOnLoopbackAndOverridesTheJobFilesMaster() {
        int code = submit("--master", "local[2]", "--spark-home", "/opt/spark", "--assembly", ASSEMBLY,
                "--set", "output.path=/tmp/predictions", "--dry-run");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("""
                /opt/spark/bin/spark-submit \\
                  --master 'local[2]' \\
                  --deploy-mode client \\
                  --name 'coldpath demo' \\
                  --class dev.coldpath.cli.Coldpath \\
                  --conf spark.driver.host=127.0.0.1 \\
                  /opt/coldpath/coldpath-assembly.jar \\
                  run %s \\
                  --master 'local[2]' \\
                  --set output.path=/tmp/predictions
                """.formatted(job));
    }

    @Test
    void everySchedulingFlagOfRunReachesTheDriver() {
        int code = submit("--master", "yarn", "--deploy-mode", "cluster", "--spark-home", "/opt/spark",
                "--assembly", ASSEMBLY, "--from", "2026-11-24", "--to", "2026-11-26", "--skip-missing",
                "--incremental", "--promote", "manual", "--dry-run");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).endsWith("""
                  --master yarn \\
                  --from 2026-11-24 \\
                  --to 2026-11-26 \\
                  --promote manual \\
                  --incremental \\
                  --skip-missing
                """);
        out.getBuffer().setLength(0);
        assertThat(submit("--master", "yarn", "--spark-home", "/opt/spark", "--assembly", ASSEMBLY, "--date",
                "2026-11-27", "--run-id", "2026-11-27-candidate", "--dry-run")).isZero();
        assertThat(out.toString()).endsWith("""
                  --run-id 2026-11-27-candidate \\
                  --date 2026-11-27
                """);
    }

    @Test
    void aHalfGivenBackfillIsRefusedBeforeSparkSubmitRuns() {
        assertThat(submit("--master", "yarn", "--assembly", ASSEMBLY, "--from", "2026-11-24", "--dry-run"))
                .isEqualTo(2);
        assertThat(err.toString()).startsWith("coldpath: Invalid backfill: give both --from and --to");
    }

    @Test
    void standaloneMasterGetsCoresMaxFromExecutorsTimesCores() {
        int code = submit("--master", "spark://127.0.0.1:7077", "--executors", "2", "--executor-cores", "2",
                "--executor-memory", "1g", "--conf", "spark.sql.shuffle.partitions=8",
                "--spark-home", "/opt/spark", "--assembly", ASSEMBLY, "--dry-run");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("""
                /opt/spark/bin/spark-submit \\
                  --master spark://127.0.0.1:7077 \\
                  --deploy-mode client \\
                  --name 'coldpath demo' \\
                  --class dev.coldpath.cli.Coldpath \\
                  --executor-cores 2 \\
                  --executor-memory 1g \\
                  --conf spark.driver.host=127.0.0.1 \\
                  --conf spark.cores.max=4 \\
                  --conf spark.sql.shuffle.partitions=8 \\
                  /opt/coldpath/coldpath-assembly.jar \\
                  run %s \\
                  --master spark://127.0.0.1:7077
                """.formatted(job));
    }

    @Test
    void remoteStandaloneClusterModeReadsTheJobFileAtItsPathAndLeavesTheDriverHostAlone() {
        int code = submit("--master", "spark://spark-master.example.com:7077", "--deploy-mode", "cluster",
                "--executors", "4", "--executor-cores", "8", "--spark-home", "/opt/spark",
                "--assembly", "hdfs:///apps/coldpath-assembly.jar", "--dry-run");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("""
                /opt/spark/bin/spark-submit \\
                  --master spark://spark-master.example.com:7077 \\
                  --deploy-mode cluster \\
                  --name 'coldpath demo' \\
                  --class dev.coldpath.cli.Coldpath \\
                  --executor-cores 8 \\
                  --conf spark.cores.max=32 \\
                  hdfs:///apps/coldpath-assembly.jar \\
                  run %s \\
                  --master spark://spark-master.example.com:7077
                """.formatted(job));
    }

    @Test
    void yarnClusterModeShipsTheJobFileAndAsksForExecutorsByNumber() {
        int code = submit("--master", "yarn", "--deploy-mode", "cluster", "--executors", "10",
                "--executor-cores", "4", "--executor-memory", "8g",
                "--conf", "spark.executor.memoryOverhead=2g", "--set", "inference.threads=1",
                "--set", "input.path=hdfs:///data/day=2025-01-01",
                "--spark-home", "/opt/spark", "--assembly", ASSEMBLY, "--dry-run");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("""
                /opt/spark/bin/spark-submit \\
                  --master yarn \\
                  --deploy-mode cluster \\
                  --name 'coldpath demo' \\
                  --class dev.coldpath.cli.Coldpath \\
                  --num-executors 10 \\
                  --executor-cores 4 \\
                  --executor-memory 8g \\
                  --files %s \\
                  --conf spark.executor.memoryOverhead=2g \\
                  /opt/coldpath/coldpath-assembly.jar \\
                  run demo.yaml \\
                  --master yarn \\
                  --set inference.threads=1 \\
                  --set input.path=hdfs:///data/day=2025-01-01
                """.formatted(job));
    }

    @Test
    void kubernetesClusterModeUsesTheAssemblyInTheImage() {
        int code = submit("--master", "k8s://https://k8s.example.com:6443", "--deploy-mode", "cluster",
                "--executors", "3", "--executor-cores", "2", "--executor-memory", "4g",
                "--conf", "spark.kubernetes.container.image=registry.example.com/coldpath:0.1.0",
                "--conf", "spark.kubernetes.file.upload.path=s3a://bucket/spark-uploads",
                "--spark-home", "/opt/spark", "--assembly", "local:///opt/coldpath/coldpath-assembly.jar",
                "--dry-run");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("""
                /opt/spark/bin/spark-submit \\
                  --master k8s://https://k8s.example.com:6443 \\
                  --deploy-mode cluster \\
                  --name 'coldpath demo' \\
                  --class dev.coldpath.cli.Coldpath \\
                  --num-executors 3 \\
                  --executor-cores 2 \\
                  --executor-memory 4g \\
                  --files %s \\
                  --conf spark.kubernetes.container.image=registry.example.com/coldpath:0.1.0 \\
                  --conf spark.kubernetes.file.upload.path=s3a://bucket/spark-uploads \\
                  local:///opt/coldpath/coldpath-assembly.jar \\
                  run demo.yaml \\
                  --master k8s://https://k8s.example.com:6443
                """.formatted(job));
    }

    @Test
    void theDriverHostGivenWithConfReplacesTheLoopbackDefault() {
        int code = submit("--master", "spark://localhost:7077", "--conf", "spark.driver.host=10.0.0.5",
                "--spark-home", "/opt/spark", "--assembly", ASSEMBLY, "--dry-run");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).doesNotContain("127.0.0.1").contains("--conf spark.driver.host=10.0.0.5");
    }

    @Test
    void withoutSparkHomeSparkSubmitComesFromThePath() {
        int code = submit("--master", "yarn", "--spark-home=", "--assembly", ASSEMBLY, "--dry-run");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("spark-submit \\\n  --master yarn \\\n");
    }

    @Test
    void theCommandIsTheRenderedArgumentsUnquoted() {
        SubmitArguments arguments = new SubmitArguments("/opt/spark/bin/spark-submit",
                SubmitMaster.parse("local[4]"), SubmitArguments.DeployMode.CLIENT, "coldpath demo", ASSEMBLY, job,
                List.of(), List.of("output.columns=a,b"), Optional.empty(), Optional.empty(), Optional.empty(), List.of());

        assertThat(arguments.command()).containsExactly("/opt/spark/bin/spark-submit", "--master", "local[4]",
                "--deploy-mode", "client", "--name", "coldpath demo", "--class", "dev.coldpath.cli.Coldpath",
                "--conf", "spark.driver.host=127.0.0.1", ASSEMBLY, "run", job.toString(), "--master", "local[4]",
                "--set", "output.columns=a,b");
    }

    @Test
    void runsSparkSubmitWithTheSparkHomeAndReturnsItsExitCode() throws IOException {
        Path sparkHome = dir.resolve("spark");
        Path program = sparkHome.resolve("bin/spark-submit");
        Files.createDirectories(program.getParent());
        Files.writeString(program, """
                #!/bin/sh
                echo "home $SPARK_HOME"
                echo "args $*"
                echo "a warning" >&2
                exit 3
                """);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path assembly = Files.createFile(dir.resolve("coldpath-assembly.jar"));

        int code = submit("--master", "local[2]", "--spark-home", sparkHome.toString(),
                "--assembly", assembly.toString());

        assertThat(code).isEqualTo(3);
        assertThat(out.toString()).isEqualTo("home " + sparkHome + "\nargs --master local[2] --deploy-mode client"
                + " --name coldpath demo --class dev.coldpath.cli.Coldpath --conf spark.driver.host=127.0.0.1 "
                + assembly + " run " + job + " --master local[2]\n");
        assertThat(err.toString()).isEqualTo("a warning\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSubmissions")
    void invalidSubmissionIsRefusedWithAMessageNamingTheRule(String why, List<String> args, String message) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--spark-home", "/opt/spark", "--assembly", ASSEMBLY, "--dry-run"));

        int code = submit(all.toArray(String[]::new));

        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains(message);
    }

    static Stream<Arguments> invalidSubmissions() {
        return Stream.of(
                Arguments.of("cluster mode on a local master",
                        List.of("--master", "local[2]", "--deploy-mode", "cluster"),
                        "Invalid --deploy-mode cluster for master local[2]"),
                Arguments.of("executors on a local master",
                        List.of("--master", "local[2]", "--executors", "2"),
                        "do not apply to master local[2]"),
                Arguments.of("executors on standalone without cores",
                        List.of("--master", "spark://127.0.0.1:7077", "--executors", "2"),
                        "--executors on a standalone master needs --executor-cores"),
                Arguments.of("no executors",
                        List.of("--master", "yarn", "--executors", "0"),
                        "Invalid --executors: 0 (must be > 0)"),
                Arguments.of("a memory size Spark cannot read",
                        List.of("--master", "yarn", "--executor-memory", "2 GB"),
                        "Invalid --executor-memory '2 GB': expected a size such as 512m or 4g"),
                Arguments.of("an unknown master",
                        List.of("--master", "mesos://m:5050"),
                        "Invalid --master 'mesos://m:5050': expected local[N], spark://HOST:PORT, yarn or"
                                + " k8s://https://HOST:PORT"),
                Arguments.of("an unknown deploy mode",
                        List.of("--master", "yarn", "--deploy-mode", "server"),
                        "Invalid --deploy-mode 'server': expected client or cluster"),
                Arguments.of("a conf without a value",
                        List.of("--master", "yarn", "--conf", "spark.executor.cores"),
                        "Invalid --conf 'spark.executor.cores': expected KEY=VALUE"),
                Arguments.of("an unknown job key",
                        List.of("--master", "yarn", "--set", "inference.batchsize=10"),
                        "Unknown key 'inference.batchsize'"));
    }

    @Test
    void aMissingJobFileIsRefusedBeforeAnythingRuns() throws IOException {
        Files.delete(job);

        int code = submit("--master", "yarn", "--spark-home", "/opt/spark", "--assembly", ASSEMBLY);

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Job file " + job + " not found");
    }

    @Test
    void aSparkHomeWithoutSparkSubmitIsRefusedWithWhatToDo() throws IOException {
        Path assembly = Files.createFile(dir.resolve("coldpath-assembly.jar"));

        int code = submit("--master", "yarn", "--spark-home", dir.toString(), "--assembly", assembly.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("No bin/spark-submit in Spark home " + dir)
                .contains("scripts/local-cluster.sh build");
    }
}
