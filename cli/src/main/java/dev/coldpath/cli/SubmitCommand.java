package dev.coldpath.cli;

import dev.coldpath.cli.SubmitArguments.DeployMode;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coldpath submit}: runs a job file on a cluster through spark-submit and the coldpath assembly. */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = JobKeysHelp.class,
        description = {
            "Run a job file on a Spark cluster: builds the spark-submit command for the coldpath assembly"
                    + " (coldpath-assembly.jar, whose main class takes the same arguments as 'coldpath run'),"
                    + " runs it and returns its exit code. In client mode the driver's output appears here.",
            "",
            "The job file is checked here first. In cluster mode on YARN or Kubernetes it is shipped with"
                    + " --files; a standalone cluster's driver reads it at the same path, so keep it on a file"
                    + " system every worker sees. Paths inside the job (model, input, output) are read by the"
                    + " driver and the executors: on a cluster, use absolute paths or URIs (hdfs://, s3a://)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  coldpath submit job.yaml --master spark://127.0.0.1:7077 \\",
            "      --executors 2 --executor-cores 2",
            "  coldpath submit job.yaml --master yarn --deploy-mode cluster \\",
            "      --executors 10 --executor-cores 4 --executor-memory 8g \\",
            "      --set input.path=hdfs:///data/day=2025-01-01 --dry-run",
            "",
            "See docs/deploy.md for standalone, YARN and Kubernetes, and for sizing executors."})
final class SubmitCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job file, as 'coldpath run' takes it.")
    Path jobFile;

    @Option(names = "--master", required = true, paramLabel = "URL",
            description = "Where to run: spark://HOST:PORT (standalone), yarn, k8s://https://HOST:PORT, or"
                    + " local[N] to try the assembly on this machine. It also replaces any spark.master the job"
                    + " file sets.")
    String master;

    @Option(names = "--deploy-mode", paramLabel = "MODE", defaultValue = "client",
            description = "client (default): the driver runs here and prints the run's summary here;"
                    + " cluster: the cluster manager starts the driver on one of its machines.")
    String deployMode;

    @Option(names = "--executors", paramLabel = "N",
            description = "How many executors to start. YARN and Kubernetes get --num-executors N; a standalone"
                    + " cluster gets spark.cores.max = N x --executor-cores.")
    Integer executors;

    @Option(names = "--executor-cores", paramLabel = "C",
            description = "Cores (task slots) per executor. Each slot scores with its own task, and all slots"
                    + " of an executor share one model session.")
    Integer executorCores;

    @Option(names = "--executor-memory", paramLabel = "SIZE",
            description = "Heap per executor, e.g. 4g. ONNX Runtime's memory is off-heap: leave room for it"
                    + " with --conf spark.executor.memoryOverhead=SIZE (see docs/deploy.md).")
    String executorMemory;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "A Spark configuration key for spark-submit (repeatable), e.g."
                    + " --conf spark.dynamicAllocation.enabled=true. Wins over the ones this command adds.")
    List<String> conf = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a job-file key (repeatable), as 'coldpath run --set' does, e.g."
                    + " --set output.path=s3a://bucket/predictions.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--assembly", paramLabel = "JAR", defaultValue = "${env:COLDPATH_ASSEMBLY}",
            description = "The coldpath assembly jar: a local path, or a URI the cluster can read"
                    + " (local:///opt/coldpath/coldpath-assembly.jar in a Kubernetes image). Default:"
                    + " $COLDPATH_ASSEMBLY, else coldpath-assembly.jar beside this program's jar (cli/target).")
    String assembly;

    @Option(names = "--spark-home", paramLabel = "DIR", defaultValue = "${env:SPARK_HOME}",
            description = "The Spark installation whose bin/spark-submit to run. Default: $SPARK_HOME, else"
                    + " spark-submit from the PATH. scripts/local-cluster.sh build makes one from Maven.")
    String sparkHome;

    @Option(names = "--dry-run", description = "Print the spark-submit command instead of running it.")
    boolean dryRun;

    @Mixin
    ScheduleOptions schedule;

    @Override
    public Integer call() {
        JobConfig config = JobConfig.load(jobFile).overriddenBy(JobConfig.parseAssignments(overrides, "--set"))
                .overriddenBy(schedule.toConfig());
        JobSpec spec = JobSpec.from(config);
        schedule.backfill(); // checks --from/--to here, before anything starts
        List<String> sets = new ArrayList<>(overrides);
        String registry = System.getenv("COLDPATH_REGISTRY");
        if (registry != null && !registry.isBlank() && !config.has("registry")) {
            sets.add("registry=" + registry); // a cluster-mode driver does not see this machine's environment
        }
        SubmitArguments arguments = new SubmitArguments(sparkSubmit(), SubmitMaster.parse(master),
                DeployMode.parse(deployMode), "coldpath " + spec.name(), assembly(), jobFile, conf, sets,
                Optional.ofNullable(executors), Optional.ofNullable(executorCores),
                Optional.ofNullable(executorMemory), schedule.runArguments());
        PrintWriter out = command.commandLine().getOut();
        if (dryRun) {
            out.println(arguments.render());
            out.flush();
            return 0;
        }
        checkRunnable(arguments);
        return SubmitProcess.run(arguments.command(), environment(arguments), out, command.commandLine().getErr());
    }

    private boolean hasSparkHome() {
        return sparkHome != null && !sparkHome.isBlank();
    }

    private String sparkSubmit() {
        return hasSparkHome() ? Path.of(sparkHome, "bin", "spark-submit").toString() : "spark-submit";
    }

    /**
     * What the child sees besides this process's environment: the Spark installation chosen here and, for a
     * driver in the spark-submit process (client mode), coldpath's log configuration with a log file of its own
     * beside this process's, so the console stays as quiet as {@code coldpath run}'s.
     */
    private Map<String, String> environment(SubmitArguments arguments) {
        Map<String, String> env = new HashMap<>();
        if (hasSparkHome()) {
            env.put("SPARK_HOME", sparkHome);
        }
        // A client-mode driver stops when this process dies, even by kill -9 (SubmitterWatch).
        env.put(SubmitterWatch.PID_ENV, Long.toString(ProcessHandle.current().pid()));
        String logConfig = System.getProperty("log4j2.configurationFile");
        String logFile = System.getProperty(Coldpath.LOG_FILE_PROPERTY);
        if (arguments.deployMode() == DeployMode.CLIENT && logConfig != null && logFile != null) {
            String driverLog = logFile.replaceFirst("(\\.log)?$", "-driver.log");
            String options = "-Dlog4j2.configurationFile=" + logConfig + " -D" + Coldpath.LOG_FILE_PROPERTY + "="
                    + driverLog;
            String user = System.getenv("SPARK_SUBMIT_OPTS");
            env.put("SPARK_SUBMIT_OPTS", user == null || user.isBlank() ? options : user + " " + options);
        }
        return env;
    }

    private String assembly() {
        if (assembly != null && !assembly.isBlank()) {
            return assembly;
        }
        Path beside = besideThisProgram();
        if (beside == null) {
            throw new JobSpecException("Cannot find coldpath-assembly.jar: pass --assembly JAR or set"
                    + " COLDPATH_ASSEMBLY (mvn package builds it in cli/target)");
        }
        return beside.toString();
    }

    /** cli/target/coldpath-assembly.jar when running from cli/target/classes or cli/target/coldpath-cli.jar. */
    private static Path besideThisProgram() {
        try {
            Path self = Path.of(Coldpath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self) && self.getFileName().toString().contains("assembly")) {
                return self;
            }
            Path parent = self.getParent();
            return parent == null ? null : parent.resolve("coldpath-assembly.jar");
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private void checkRunnable(SubmitArguments arguments) {
        if (hasSparkHome() && !Files.isExecutable(Path.of(arguments.sparkSubmit()))) {
            throw new JobSpecException("No bin/spark-submit in Spark home " + sparkHome + ": point SPARK_HOME (or"
                    + " --spark-home) at a Spark distribution, or make one with scripts/local-cluster.sh build");
        }
        boolean localPath = !arguments.assembly().contains("://") && !arguments.assembly().startsWith("local:");
        if (localPath && !Files.isRegularFile(Path.of(arguments.assembly()))) {
            throw new JobSpecException("Assembly " + arguments.assembly() + " not found: build it with 'mvn package'"
                    + " (it lands in cli/target), or pass --assembly JAR");
        }
    }
}
