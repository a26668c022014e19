package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.CurrentPointer;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.spark.S3ProxyServer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The fault matrix (issue 13) on a real standalone cluster of separate JVMs ({@link LocalCluster#shared()}: a master
 * and two workers, on 127.0.0.1 and 127.0.0.2 so that Spark sees two hosts), each job submitted with
 * {@code bin/coldpath submit}: an executor killed, a worker killed, speculative copies of a slow task, an S3 server
 * that throttles, and four jobs at once; a damaged model in the executors' cache rides along with
 * {@link StandaloneClusterIT}'s S3 submit, to save a submit. Each case asserts the exact rows and keys of the
 * committed run, where the table's pointer is, and that no partial run is visible. Waits are on events (a line of
 * the driver's log), never on the clock, and each is bounded by minutes. In its own failsafe
 * group: {@code mvn verify -Dit.test=ClusterFaultsIT} runs only these; needs {@code mvn package} first.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the in-process tests: see cli/pom.xml
@ResourceLock(LocalCluster.LOCK)
@Tag("faults")
class ClusterFaultsIT {
    private static final Path PROJECT = LocalCluster.PROJECT;
    private static final Path ASSEMBLY = Path.of(System.getProperty("coldpath.assembly"));
    private static final Path JOB = PROJECT.resolve("conf/examples/breast-cancer-logreg.yaml");
    private static final Path MODEL = PROJECT.resolve("sample-data/models/breast_cancer_logreg.onnx");
    private static final Path SAMPLE = PROJECT.resolve("sample-data/data/breast_cancer.parquet");
    private static final String ACCESS_KEY = LocalCluster.ACCESS_KEY;
    private static final String SECRET_KEY = LocalCluster.SECRET_KEY;
    private static final Map<String, String> AWS_ENV = LocalCluster.AWS_ENV;
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration EVENT_TIMEOUT = Duration.ofMinutes(5);
    /**
     * The input of the kill cases: 48 files (one task each) of about 600 rows, so that the job still has many
     * tasks to run when the first has finished and the kill comes.
     */
    private static final int KILL_FILES = 48;
    private static final int KILL_COPIES = 50;
    private static final Pattern APPLICATION = Pattern.compile("app-\\d{14}-\\d{4}");
    /** TaskSetManager's line for a task the driver has taken the result of: its host, then its executor. */
    private static final Pattern FINISHED_TASK = Pattern.compile(
            "Finished task \\S+ in stage \\S+ \\(TID \\d+\\) in \\d+ ms on (\\S+) \\(executor (\\S+)\\)");
    /** The second attempt of a task, which without failures is a speculative copy. */
    private static final Pattern SECOND_ATTEMPT = Pattern.compile("Starting task \\d+\\.1 in stage");
    /** TaskSetManager's line for an attempt that ended without a result: task index, attempt, stage, reason. */
    private static final Pattern LOST_TASK = Pattern.compile(
            "Lost task (\\d+)\\.(\\d+) in stage (\\S+) \\(TID \\d+\\) \\([^)]*\\): (.*)");
    /**
     * How Spark ends the attempt that lost a race to another attempt of its task: killed when the winner finished
     * ("another attempt succeeded"), or, when the winner was the job's last task, by the job's end ("Stage
     * finished", which overwrites the first reason if both kills reach the executor before the attempt stops), or
     * denied the commit of its output because the winner's was authorised (TaskCommitDenied).
     */
    private static final Pattern LOST_RACE = Pattern.compile("TaskKilled \\((another attempt succeeded"
            + "|(Stage cancelled: )?Stage finished)\\)|TaskCommitDenied.*");
    /** coldpath's line in the driver's log once the run is committed. */
    private static final Pattern COMMITTED = Pattern.compile("Run \\S+ committed: ");

    private static LocalCluster cluster;
    private static S3ProxyServer s3;
    private static S3Objects s3objects;

    @BeforeAll
    static void startCluster() throws IOException {
        s3 = S3ProxyServer.start(Files.createTempDirectory("faults-s3"), ACCESS_KEY, SECRET_KEY);
        s3objects = new S3Objects(s3);
        cluster = LocalCluster.shared();
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    /**
     * A test that killed a worker leaves the cluster short of it: every test starts with both, and with the class
     * archive's dump started once a submit has recorded the classes ({@link ClusterClassShare}).
     */
    @BeforeEach
    void bothWorkersRun() throws IOException {
        cluster.ensureUp();
    }

    /**
     * The application's only executor, killed with -9 once the driver has taken a result from it: the master starts
     * a replacement, which scores the rest. The session count includes the killed executor's session (it served a
     * finished task) and the replacement's.
     */
    @Test
    void anExecutorKilledMidJobIsReplacedAndEveryRowIsCommittedOnceWithBothSessionsCounted(@TempDir Path dir)
            throws Exception {
        Path input = writeInput(dir.resolve("input"), KILL_FILES, KILL_COPIES);
        Path table = dir.resolve("table");
        long start = System.nanoTime();
        Launcher.Running submit = submit(dir, input, table.toString(), List.of("--executors", "1",
                "--executor-cores", "2", "--executor-memory", "1g"));
        try {
            String app = awaitDriverLog(submit, APPLICATION).group();
            Map.Entry<String, ProcessHandle> executor = awaitOnlyExecutor(app); // found before the kill is due
            String victimId = executor.getKey();
            ProcessHandle victim = executor.getValue();
            awaitScoringTaskFinished(submit, ".+", victimId, KILL_FILES);

            victim.destroyForcibly();
            victim.onExit().get(1, TimeUnit.MINUTES);

            Launcher.Outcome outcome = await(submit);
            assertThat(outcome.exitCode()).as("submit:%n%s", outcome).isZero();
            assertKilledMidJob(driverLog(submit), victimId);
            CommittedRun run = assertOnlyRunHoldsExactly(table, input);
            RunManifest.Sessions sessions = run.manifest().sessions();
            assertThat(sessions.owners()).as("executorId@pid@host of each session opened")
                    .anyMatch(owner -> owner.startsWith(victimId + "@" + victim.pid() + "@"))
                    .anyMatch(owner -> !owner.startsWith(victimId + "@"));
            assertThat(sessions.created()).as("sessions opened: %s", sessions.owners()).isEqualTo(2);
            report("executor kill -9", start, run);
        } finally {
            kill(submit);
        }
    }

    /**
     * A whole worker (its JVM and its executor's) killed with -9 once the driver has taken a result from that
     * worker's executor: the job finishes on the other worker.
     */
    @Test
    void aWorkerKilledMidJobLeavesTheJobToTheOtherWorker(@TempDir Path dir) throws Exception {
        Path input = writeInput(dir.resolve("input"), KILL_FILES, KILL_COPIES);
        Path table = dir.resolve("table");
        String lostHost = cluster.workerHost(2);
        ProcessHandle worker = cluster.worker(2);
        long start = System.nanoTime();
        Launcher.Running submit = submit(dir, input, table.toString(), bothExecutors());
        try {
            String app = awaitDriverLog(submit, APPLICATION).group();
            List<ProcessHandle> executors = awaitExecutorsOf(worker, app); // found before the kill is due
            String lostExecutor = awaitScoringTaskFinished(submit, Pattern.quote(lostHost), "\\S+", KILL_FILES)
                    .group(2);

            worker.destroyForcibly();
            executors.forEach(ProcessHandle::destroyForcibly);
            worker.onExit().get(1, TimeUnit.MINUTES);

            Launcher.Outcome outcome = await(submit);
            assertThat(outcome.exitCode()).as("submit:%n%s", outcome).isZero();
            String log = driverLog(submit);
            assertKilledMidJob(log, lostExecutor);
            CommittedRun run = assertOnlyRunHoldsExactly(table, input);
            assertThat(finishingHosts(log)).as("hosts that finished tasks")
                    .contains(lostHost, cluster.workerHost(1));
            assertThat(run.manifest().sessions().created()).as("sessions: %s", run.manifest().sessions().owners())
                    .isEqualTo(2);
            report("worker kill -9", start, run);
        } finally {
            kill(submit);
        }
    }

    /**
     * With {@code spark.speculation=true}, a slow task (one file of one row group, scored one row per batch, read as
     * one split) gets a copy on the other host once it has run 2 s ({@code spark.speculation.task.duration.threshold},
     * which Spark applies to a stage of no more tasks than an executor has slots); only one attempt's rows are
     * committed. The copy does not wait for other tasks: with sixteen small files beside the slow one and Spark's
     * default quantile, it needed three quarters of them finished and a free slot on the other host, and under load
     * the other executor's first tasks took as long as the slow task itself (no copy started at load 19).
     */
    @Test
    void speculativeCopiesOfASlowTaskCommitEachRowOnce(@TempDir Path dir) throws Exception {
        Path input = Files.createDirectories(dir.resolve("input"));
        writeSingleRowGroupFile(input.resolve("big.parquet"), 150);
        Path table = dir.resolve("table");
        long start = System.nanoTime();
        List<String> args = new ArrayList<>(bothExecutors());
        args.addAll(List.of("--conf", "spark.speculation=true",
                "--conf", "spark.speculation.task.duration.threshold=2s",
                // one split whatever the file's size: Spark's split size is at least the open cost (default 4 MB)
                "--conf", "spark.sql.files.openCostInBytes=128m",
                "--set", "spark.sql.files.maxPartitionBytes=128m", "--set", "inference.batch-size=1"));
        Launcher.Running submit = submit(dir, input, table.toString(), args);
        try {
            Launcher.Outcome outcome = await(submit);
            assertThat(outcome.exitCode()).as("submit:%n%s", outcome).isZero();
            String log = driverLog(submit);
            assertThat(SECOND_ATTEMPT.matcher(log).find()).as("a speculative attempt in the driver's log:%n%s",
                    grep(log, "task")).isTrue();
            assertOnlyLosersOfARaceWereLost(log);
            CommittedRun run = assertOnlyRunHoldsExactly(table, input);
            assertThat(stagingLeftovers(table)).as("files left in the table outside its runs and _coldpath")
                    .isEmpty();
            report("speculation", start, run);
        } finally {
            kill(submit);
        }
    }

    /**
     * Every S3 request of the driver and the executors goes through a proxy that answers 20 % of them with 503
     * SlowDown (at most 40, within the first 3 minutes): the run succeeds through S3A's retries and commits
     * everything, or it fails as an external error (6) and commits nothing; it is never partial.
     */
    @Test
    void aThrottlingS3ServerIsRetriedThroughOrFailsAsExternalButNeverCommitsPartially(@TempDir Path dir)
            throws Exception {
        String bucket = s3.createBucket("throttled");
        Path input = writeInput(dir.resolve("input"), 8, 1);
        s3objects.upload(input, bucket + "/input");
        s3objects.upload(MODEL, bucket + "/models/logreg.onnx");
        long start = System.nanoTime();
        try (SlowDownProxy proxy = SlowDownProxy.start(s3.port(), 0.2, 40, Duration.ofMinutes(3),
                Duration.ofMinutes(15), 13)) {
            // one executor: its requests and the driver's all go through the proxy, and a second JVM adds only CPU
            List<String> args = new ArrayList<>(List.of("--executors", "1", "--executor-cores", "2",
                    "--executor-memory", "1g", "--set", "model=" + bucket + "/models/logreg.onnx"));
            s3Conf(proxy.endpoint()).forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
            Launcher.Running submit = submit(dir, null, null, args, "input.path=" + bucket + "/input",
                    "output.path=" + bucket + "/predictions");
            Launcher.Outcome outcome;
            try {
                outcome = await(submit);
            } finally {
                kill(submit);
            }
            Path table = download(bucket + "/predictions", dir.resolve("table"));
            assertThat(proxy.faults()).as("requests answered 503 SlowDown, of %d", proxy.requests()).isPositive();
            assertThat(outcome.exitCode()).as("submit:%n%s", outcome).isIn(0, 6);
            if (outcome.exitCode() == 0) {
                CommittedRun run = assertOnlyRunHoldsExactly(table, input);
                report("S3 503 SlowDown on " + proxy.faults() + " of " + proxy.requests() + " requests ("
                        + byMethod(proxy.faulted()) + ")", start, run);
            } else {
                assertNothingCommitted(table);
                assertThat(outcome.coldpathErrLines()).as("stderr:%n%s", outcome.err()).isNotEmpty();
                System.out.printf(Locale.ROOT, "ClusterFaultsIT: S3 503 SlowDown on %d of %d requests: exit 6 in"
                        + " %.1f s, nothing committed: %s%n", proxy.faults(), proxy.requests(), seconds(start),
                        outcome.coldpathErrLines());
            }
        }
    }

    /** Four jobs submitted at once, one executor each, into four tables: all commit, each its own rows. */
    @Test
    void fourConcurrentJobsIntoFourTablesAllCommit(@TempDir Path dir) throws Exception {
        Path input = writeInput(dir.resolve("input"), 8, 1);
        long start = System.nanoTime();
        List<Launcher.Running> submits = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                submits.add(submit(dir.resolve("job-" + i), input, dir.resolve("table-" + i).toString(),
                        List.of("--executors", "1", "--executor-cores", "1", "--executor-memory", "768m")));
            }
            List<String> applications = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Launcher.Outcome outcome = await(submits.get(i));
                assertThat(outcome.exitCode()).as("job %d:%n%s", i, outcome).isZero();
                CommittedRun run = assertOnlyRunHoldsExactly(dir.resolve("table-" + i), input);
                applications.add(run.manifest().spark().applicationId());
            }
            assertThat(applications).as("Spark applications").doesNotHaveDuplicates();
            System.out.printf(Locale.ROOT, "ClusterFaultsIT: 4 concurrent jobs: all committed in %.1f s%n",
                    seconds(start));
        } finally {
            submits.forEach(ClusterFaultsIT::kill);
        }
    }

    // ---- submitting and waiting

    private static List<String> bothExecutors() {
        return List.of("--executors", "2", "--executor-cores", "2", "--executor-memory", "1g",
                // scoring starts once both executors are there, so both get tasks
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=600s");
    }

    /** Starts {@code bin/coldpath submit} of the logistic-regression job; a null input or output is set by args. */
    private static Launcher.Running submit(Path dir, Path input, String output, List<String> options,
                                           String... sets) throws IOException {
        List<String> args = new ArrayList<>(List.of("submit", JOB.toString(), "--master", cluster.masterUrl(),
                "--spark-home", cluster.sparkHome().toString(), "--assembly", ASSEMBLY.toString(),
                "--set", "model=" + MODEL,
                // one file per partition: below the open cost (4 MB) Spark would pack small files together
                "--set", "spark.sql.files.maxPartitionBytes=1m"));
        if (input != null) {
            args.addAll(List.of("--set", "input.path=" + input));
        }
        if (output != null) {
            args.addAll(List.of("--set", "output.path=" + output));
        }
        for (String set : sets) {
            args.addAll(List.of("--set", set));
        }
        args.addAll(options);
        LocalCluster.Submit settings = cluster.nextSubmit();
        args.addAll(settings.options());
        return Launcher.project().start(dir.resolve("submit"), settings.environment(AWS_ENV),
                args.toArray(String[]::new));
    }

    private static Launcher.Outcome await(Launcher.Running submit) throws Exception {
        if (!submit.process().waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("bin/coldpath submit did not finish in " + JOB_TIMEOUT + ":\n" + submit.out()
                    + "\n" + tail(submit.err(), 40));
        }
        return new Launcher.Outcome(submit.process().exitValue(), submit.out(), submit.err(), submit.logDir());
    }

    private static void kill(Launcher.Running submit) {
        submit.process().descendants().forEach(ProcessHandle::destroyForcibly);
        submit.process().destroyForcibly();
    }

    /** The client-mode driver's log file ("" until it is written). */
    private static String driverLog(Launcher.Running submit) throws IOException {
        try (Stream<Path> files = Files.list(submit.logDir())) {
            Optional<Path> log = files.filter(f -> f.getFileName().toString().endsWith("-driver.log")).findFirst();
            return log.isPresent() ? Files.readString(log.get()) : "";
        }
    }

    /** The first match of {@code pattern} in the driver's log, once it is there. */
    private static Matcher awaitDriverLog(Launcher.Running submit, Pattern pattern) throws Exception {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
        while (true) {
            Matcher matcher = pattern.matcher(driverLog(submit));
            if (matcher.find()) {
                return matcher;
            }
            if (!submit.process().isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no line matching '" + pattern + "' in the driver's log "
                        + (submit.process().isAlive() ? "within " + EVENT_TIMEOUT : "before submit exited") + ":\n"
                        + submit.out() + "\n" + tail(submit.err(), 40) + "\n--- driver log\n"
                        + tail(driverLog(submit), 40));
            }
            Thread.sleep(50);
        }
    }

    /**
     * The first task of the scoring stage (one task per input file: {@code tasks} of them, where the jobs before it
     * that read the input's metadata have fewer) that the driver took the result of from an executor on a host
     * matching {@code host}.
     */
    private static Matcher awaitScoringTaskFinished(Launcher.Running submit, String host, String executor,
                                                    int tasks) throws Exception {
        return awaitDriverLog(submit, Pattern.compile("Finished task \\S+ in stage \\S+ \\(TID \\d+\\) in \\d+ ms"
                + " on (" + host + ") \\(executor (" + executor + ")\\) \\(\\d+/" + tasks + "\\)"));
    }

    /**
     * Asserts that the driver lost the executor while it ran tasks of the job, which the driver then ran again
     * elsewhere: the kill came mid-job, not after the job had finished. Spark says so in one of two ways, depending
     * on whether the executor or its worker went first.
     */
    private static void assertKilledMidJob(String driverLog, String executor) {
        assertThat(driverLog).as("the driver's log").contains("Lost executor " + executor + " ");
        assertThat(driverLog.lines().filter(line -> line.contains("ExecutorLostFailure (executor " + executor + " ")
                || line.contains("failed because while it was being computed, its executor exited")))
                .as("tasks lost with executor %s (none: the job had finished before the kill, so give it more"
                        + " input); the driver's lines on executors:%n%s", executor, grep(driverLog, "xecutor"))
                .isNotEmpty();
    }

    /** The id and JVM of the application's one executor, once it runs. */
    private static Map.Entry<String, ProcessHandle> awaitOnlyExecutor(String application) throws Exception {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
        while (true) {
            Map<String, ProcessHandle> executors = LocalCluster.executors(application);
            if (!executors.isEmpty()) {
                assertThat(executors).as("executor JVMs of %s", application).hasSize(1);
                return executors.entrySet().iterator().next();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no executor JVM of " + application + " within " + EVENT_TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    /** The JVMs the worker started for the application's executors, once there is one. */
    private static List<ProcessHandle> awaitExecutorsOf(ProcessHandle worker, String application)
            throws Exception {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
        while (true) {
            List<ProcessHandle> executors = LocalCluster.executors(application).values().stream()
                    .filter(e -> e.parent().map(worker::equals).orElse(false)).toList();
            if (!executors.isEmpty()) {
                return executors;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("worker " + worker.pid() + " started no executor of " + application
                        + " within " + EVENT_TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Asserts that every attempt the driver lost is one that lost a race to another attempt of the same task, which
     * finished ({@link #LOST_RACE}), and that it had stopped before coldpath committed the run.
     */
    private static void assertOnlyLosersOfARaceWereLost(String driverLog) {
        List<String> lines = driverLog.lines().toList();
        int committedAt = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (COMMITTED.matcher(lines.get(i)).find()) {
                committedAt = i;
            }
        }
        assertThat(committedAt).as("coldpath's commit line in the driver's log:%n%s", tail(driverLog, 40))
                .isNotNegative();
        for (int i = 0; i < lines.size(); i++) {
            Matcher lost = LOST_TASK.matcher(lines.get(i));
            if (!lost.find()) {
                continue;
            }
            String task = lost.group(1);
            String attempt = lost.group(2);
            String stage = Pattern.quote(lost.group(3));
            Pattern winner = Pattern.compile("Finished task " + task + "\\.(?!" + attempt + " )\\d+ in stage " + stage
                    + " ");
            assertThat(lost.group(4)).as("why %s was lost", lines.get(i)).matches(LOST_RACE);
            assertThat(winner.matcher(driverLog).find()).as("another attempt of the task of %s finished; the"
                    + " driver's lines on tasks:%n%s", lines.get(i), grep(driverLog, " task ")).isTrue();
            assertThat(i).as("the line of the lost attempt (%s) comes before the run's commit (%s)", lines.get(i),
                    lines.get(committedAt)).isLessThan(committedAt);
        }
    }

    private static List<String> lostTasks(String driverLog) {
        return driverLog.lines().filter(line -> line.contains("Lost task")).toList();
    }

    private static List<String> finishingHosts(String driverLog) {
        List<String> hosts = new ArrayList<>();
        Matcher matcher = FINISHED_TASK.matcher(driverLog);
        while (matcher.find()) {
            hosts.add(matcher.group(1));
        }
        return hosts.stream().distinct().toList();
    }

    // ---- what the table holds

    /**
     * Asserts that the table has exactly one committed run, that the pointer is on it, that every data file a
     * reader would see is in it, and that it holds each input row exactly once (rows, distinct ids and the sum of
     * the ids all equal the input's); returns it.
     */
    private static CommittedRun assertOnlyRunHoldsExactly(Path table, Path input) throws Exception {
        RunTable runs = new RunTable(new HadoopFileStore(new Configuration()), table.toUri().toString());
        List<CommittedRun> committed = runs.runs();
        assertThat(committed).as("committed runs in %s", table).hasSize(1);
        CommittedRun run = committed.get(0);
        assertThat(runs.current().map(CurrentPointer::runId)).as("the table's current run").contains(run.runId());
        Path runDir = Path.of(URI.create(run.path()));
        assertThat(visibleDataFiles(table)).as("data files a reader of the table sees")
                .isNotEmpty().allMatch(file -> file.startsWith(runDir));
        Keys expected = keys(visibleDataFiles(input));
        Keys written = keys(visibleDataFiles(runDir));
        assertThat(written.rows()).as("rows written").isEqualTo(expected.rows());
        assertThat(written.distinct()).as("distinct ids written").isEqualTo(expected.rows());
        assertThat(written.sum()).as("sum of the ids written").isEqualTo(expected.sum());
        assertThat(run.manifest().rows().written()).as("rows in the manifest").isEqualTo(expected.rows());
        return run;
    }

    /**
     * Files a losing attempt could have left in the table, even hidden ones: anything under its staging folder or
     * under a {@code _temporary/} folder (the output committer's attempt folders).
     */
    private static List<Path> stagingLeftovers(Path table) throws IOException {
        try (Stream<Path> files = Files.walk(table)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                for (Path part : table.relativize(f)) {
                    if (part.toString().equals("_staging") || part.toString().equals("_temporary")) {
                        return true;
                    }
                }
                return false;
            }).sorted().toList();
        }
    }

    private static void assertNothingCommitted(Path table) throws Exception {
        RunTable runs = new RunTable(new HadoopFileStore(new Configuration()), table.toUri().toString());
        assertThat(runs.runs()).as("committed runs").isEmpty();
        assertThat(runs.current()).as("the table's pointer").isEmpty();
        assertThat(visibleDataFiles(table)).as("data files a reader of the table sees").isEmpty();
    }

    /** Parquet files under {@code root} that no '_' or '.' folder or name hides, as Spark and Hive readers skip. */
    private static List<Path> visibleDataFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .filter(f -> {
                        for (Path part : root.relativize(f)) {
                            if (part.toString().startsWith("_") || part.toString().startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    }).sorted().toList();
        }
    }

    private record Keys(long rows, long distinct, long sum) {
    }

    private static Keys keys(List<Path> files) throws SQLException {
        String list = files.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", ", "[", "]"));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*), count(DISTINCT id), sum(id) FROM read_parquet("
                     + list + ", hive_partitioning = false)")) {
            rs.next();
            return new Keys(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    // ---- inputs

    /**
     * The sample {@code copies} times over (copy c has ids + c x 1,000,000, so every id is unique), spread over
     * {@code files} Parquet files by id.
     */
    private static Path writeInput(Path dir, int files, int copies) throws SQLException, IOException {
        Files.createDirectories(dir);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < files; i++) {
                statement.execute(String.format(Locale.ROOT, "COPY (%s WHERE id %% %d = %d ORDER BY id) TO '%s'"
                        + " (FORMAT parquet)", copies(copies, 0), files, i, dir.resolve("part-" + i + ".parquet")));
            }
        }
        return dir;
    }

    /** One file of {@code copies} more copies of the sample (ids from 1,000,000,000 up) in a single row group. */
    private static void writeSingleRowGroupFile(Path file, int copies) throws SQLException {
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement()) {
            statement.execute(String.format(Locale.ROOT, "COPY (%s ORDER BY id) TO '%s' (FORMAT parquet,"
                    + " ROW_GROUP_SIZE 100000000)", copies(copies, 1_000_000_000L), file));
            try (ResultSet rs = statement.executeQuery("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('"
                    + file + "')")) {
                rs.next();
                assertThat(rs.getLong(1)).as("row groups in %s", file).isEqualTo(1);
            }
        }
    }

    private static String copies(int copies, long base) {
        return String.format(Locale.ROOT, "SELECT * FROM (SELECT s.* REPLACE (s.id + %d + c.range * 1000000 AS id)"
                + " FROM read_parquet('%s') s, range(%d) c)", base, SAMPLE, copies);
    }

    // ---- S3

    /**
     * The s3a settings for the driver and the executors, to the given endpoint, with S3A's retries as in
     * production (the test server's own settings retry once); credentials come from the environment.
     */
    private static Map<String, String> s3Conf(String endpoint) {
        Map<String, String> conf = new LinkedHashMap<>();
        s3.sparkConf().forEach((key, value) -> {
            if (!key.endsWith(".access.key") && !key.endsWith(".secret.key") && !key.endsWith(".credentials.provider")
                    && !key.contains(".retry.") && !key.endsWith(".attempts.maximum")) {
                conf.put(key, value);
            }
        });
        conf.put("spark.hadoop.fs.s3a.endpoint", endpoint);
        conf.put("spark.hadoop.fs.s3a.retry.interval", "100ms");
        conf.put("spark.hadoop.fs.s3a.retry.throttle.interval", "100ms");
        return conf;
    }

    /** Every object under {@code uri}, read back through s3a (not the proxy) into a local folder. */
    private static Path download(String uri, Path local) throws IOException {
        Files.createDirectories(local);
        try {
            s3objects.download(uri, local);
        } catch (FileNotFoundException nothingThere) {
            // a run that failed before it wrote anything
        }
        return local;
    }

    // ---- reporting

    private static void report(String fault, long start, CommittedRun run) {
        RunManifest manifest = run.manifest();
        System.out.printf(Locale.ROOT, "ClusterFaultsIT: %s: exit 0, %,d rows committed once as run %s in %.1f s"
                        + " (job %.1f s); sessions %d: %s%n", fault, manifest.rows().written(), run.runId(),
                seconds(start), manifest.wallMs() / 1000.0, manifest.sessions().created(),
                manifest.sessions().owners());
    }

    /** "GET 12, PUT 3" for request lines "GET /b/k", ... */
    private static String byMethod(List<String> requests) {
        return requests.stream().collect(Collectors.groupingBy(r -> r.substring(0, r.indexOf(' ')), TreeMap::new,
                Collectors.counting())).entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String grep(String text, String word) {
        return text.lines().filter(l -> l.contains(word)).collect(Collectors.joining("\n"));
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
