package dev.coldpath.cli;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.spark.ExecutorSessions;
import dev.coldpath.spark.RunResult;
import dev.coldpath.spark.SparkScoringJob;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The soak of issue 13 (a benchmark, not a test; {@code scripts/soak.sh} runs it): many runs of the breast-cancer
 * job in one JVM on one local[2] Spark, either through the CLI ({@code coldpath run}, as a scheduler that keeps a
 * JVM would) or through one reused {@link SparkScoringJob}, into one table that {@code runs gc} trims every few
 * runs. After each run it records the process's resident memory, the part of it outside the Java heap and
 * metaspace (ONNX Runtime's sessions, direct buffers, thread stacks: on local[2] the executor is this JVM), the
 * sessions opened so far, and the table's runs and bytes. It prints whether memory outside the heap and the
 * session count stayed flat (the last tenth of the runs within 10 % of the runs after warm-up) and writes one CSV
 * row per run.
 *
 * <p>Arguments: {@code --runs N} (200), {@code --mode cli|job|cli,job} (both), {@code --keep K} (5),
 * {@code --gc-every G} (10), {@code --out DIR} (target/soak).
 */
final class SoakBench {
    private static final Path PROJECT = CliHarness.projectDir();
    private static final Path JOB = PROJECT.resolve("conf/examples/breast-cancer-logreg.yaml");
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** What one run left behind. */
    private record Sample(int run, double seconds, long rows, long sessionsReported, long sessionsOpened,
                          int sessionsCached, long rssKb, long outsideHeapKb, long heapUsedKb, int tableRuns,
                          long tableKb) {
        static final String HEADER = "run,seconds,rows,sessions_reported,sessions_opened_total,sessions_cached,"
                + "rss_kb,outside_heap_kb,heap_used_kb,table_runs,table_kb";

        String csv() {
            return String.format(Locale.ROOT, "%d,%.3f,%d,%d,%d,%d,%d,%d,%d,%d,%d", run, seconds, rows,
                    sessionsReported, sessionsOpened, sessionsCached, rssKb, outsideHeapKb, heapUsedKb, tableRuns,
                    tableKb);
        }
    }

    private SoakBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int runs = Integer.parseInt(options.getOrDefault("--runs", "200"));
        List<String> modes = List.of(options.getOrDefault("--mode", "cli,job").split(","));
        int keep = Integer.parseInt(options.getOrDefault("--keep", "5"));
        int gcEvery = Integer.parseInt(options.getOrDefault("--gc-every", "10"));
        Path out = Path.of(options.getOrDefault("--out", "target/soak")).toAbsolutePath();
        Files.createDirectories(out);
        SparkSession spark = CliHarness.spark(); // the default session: every run below reuses it
        boolean flat = true;
        for (String mode : modes) {
            ExecutorSessions.cache().reset();
            Path table = out.resolve("table-" + mode);
            deleteTree(table);
            List<Sample> samples = new ArrayList<>();
            SparkScoringJob job = new SparkScoringJob(spark);
            for (int i = 1; i <= runs; i++) {
                String runId = String.format(Locale.ROOT, "soak-%s-%04d", mode, i);
                long start = System.nanoTime();
                long[] result = mode.equals("cli") ? runCli(table, runId) : runJob(job, table, runId);
                double seconds = (System.nanoTime() - start) / 1e9;
                if (i % gcEvery == 0) {
                    gc(mode, table, keep);
                }
                samples.add(sample(i, seconds, result[0], result[1], table));
                if (i % 10 == 0 || i == runs) {
                    Sample s = samples.get(samples.size() - 1);
                    System.out.printf(Locale.ROOT, "soak %s: run %d/%d  %.2f s  rss %,d MB  outside heap %,d MB"
                                    + "  sessions opened %d  table %d runs %,d KB%n", mode, i, runs, seconds,
                            s.rssKb() / 1024, s.outsideHeapKb() / 1024, s.sessionsOpened(), s.tableRuns(),
                            s.tableKb());
                }
            }
            Path csv = out.resolve("soak-" + mode + ".csv");
            Files.write(csv, Stream.concat(Stream.of(Sample.HEADER), samples.stream().map(Sample::csv)).toList());
            flat &= summarise(mode, samples, keep, gcEvery, csv);
        }
        spark.stop();
        System.exit(flat ? 0 : 1);
    }

    /** {@code coldpath run} in this JVM; returns rows written and sessions the run reported. */
    private static long[] runCli(Path table, String runId) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Coldpath.execute(new PrintWriter(out, true), new PrintWriter(err, true), "run", JOB.toString(),
                "--set", "model=" + CliHarness.model("breast_cancer_logreg"),
                "--set", "input.path=" + CliHarness.data("breast_cancer"),
                "--set", "output.path=" + table, "--run-id", runId);
        if (code != 0) {
            throw new IllegalStateException("coldpath run " + runId + " exited " + code + ":\n" + out + err);
        }
        String summary = out.toString();
        long rows = Long.parseLong(summary.replaceAll("(?s).*scored ([0-9,]+) rows.*", "$1").replace(",", ""));
        long sessions = summary.contains("sessions  reused") ? 0
                : Long.parseLong(summary.replaceAll("(?s).*sessions  (\\d+) opened.*", "$1"));
        return new long[] {rows, sessions};
    }

    /** One run of the reused {@link SparkScoringJob}. */
    private static long[] runJob(SparkScoringJob job, Path table, String runId) {
        JobConfig config = JobConfig.load(JOB).overriddenBy(JobConfig.parseAssignments(List.of(
                "model=" + CliHarness.model("breast_cancer_logreg"), "input.path=" + CliHarness.data("breast_cancer"),
                "output.path=" + table, "run.id=" + runId), "soak"));
        RunResult result = job.run(JobSpec.from(config));
        return new long[] {result.rowsWritten(), result.sessionsCreated()};
    }

    private static void gc(String mode, Path table, int keep) {
        if (mode.equals("cli")) {
            int code = Coldpath.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                    "runs", "gc", table.toString(), "--keep", Integer.toString(keep));
            if (code != 0) {
                throw new IllegalStateException("coldpath runs gc exited " + code);
            }
        } else {
            new RunTable(new HadoopFileStore(new Configuration()), table.toUri().toString()).gc(keep);
        }
    }

    private static Sample sample(int run, double seconds, long rows, long sessionsReported, Path table)
            throws IOException {
        long rss = procStatusKb("VmRSS");
        long javaCommitted = (MEMORY.getHeapMemoryUsage().getCommitted()
                + MEMORY.getNonHeapMemoryUsage().getCommitted()) / 1024;
        RunTable runs = new RunTable(new HadoopFileStore(new Configuration()), table.toUri().toString());
        return new Sample(run, seconds, rows, sessionsReported, ExecutorSessions.cache().sessionsCreated(),
                ExecutorSessions.cache().size(), rss, rss - javaCommitted, MEMORY.getHeapMemoryUsage().getUsed() / 1024,
                runs.runs().size(), treeKb(table));
    }

    /**
     * Prints the soak's verdict: memory outside the heap and the sessions opened, early (after a tenth of the runs
     * for warm-up, up to a quarter) against late (the last tenth), and the table's largest size after a gc.
     */
    private static boolean summarise(String mode, List<Sample> samples, int keep, int gcEvery, Path csv) {
        int n = samples.size();
        List<Sample> early = samples.subList(Math.max(1, n / 10), Math.max(2, n / 4));
        List<Sample> late = samples.subList(n - Math.max(1, n / 10), n);
        long earlyOutside = median(early.stream().mapToLong(Sample::outsideHeapKb).toArray());
        long lateOutside = median(late.stream().mapToLong(Sample::outsideHeapKb).toArray());
        long earlyRss = median(early.stream().mapToLong(Sample::rssKb).toArray());
        long lateRss = median(late.stream().mapToLong(Sample::rssKb).toArray());
        long sessionsEarly = early.get(0).sessionsOpened();
        long sessionsLate = late.get(late.size() - 1).sessionsOpened();
        int maxRuns = samples.stream().filter(s -> s.run() >= gcEvery).mapToInt(Sample::tableRuns).max().orElse(0);
        long maxTableKb = samples.stream().filter(s -> s.run() >= gcEvery).mapToLong(Sample::tableKb).max()
                .orElse(0);
        double outsideRatio = (double) lateOutside / earlyOutside;
        boolean flat = outsideRatio <= 1.10 && sessionsLate == sessionsEarly && maxRuns <= keep + gcEvery;
        double[] seconds = samples.stream().mapToDouble(Sample::seconds).sorted().toArray();
        System.out.printf(Locale.ROOT, "%n== soak, mode %s: %d runs in one JVM (local[2]), gc --keep %d every %d runs"
                        + " (%s)%n", mode, n, keep, gcEvery, csv);
        System.out.printf(Locale.ROOT, "  run time: median %.2f s, p95 %.2f s, max %.2f s%n",
                seconds[seconds.length / 2], seconds[(int) (seconds.length * 0.95)], seconds[seconds.length - 1]);
        System.out.printf(Locale.ROOT, "  outside heap: %,d MB after warm-up, %,d MB at the end (x%.2f)  %s%n",
                earlyOutside / 1024, lateOutside / 1024, outsideRatio, outsideRatio <= 1.10 ? "FLAT" : "GREW");
        System.out.printf(Locale.ROOT, "  rss:          %,d MB after warm-up, %,d MB at the end (x%.2f)%n",
                earlyRss / 1024, lateRss / 1024, (double) lateRss / earlyRss);
        System.out.printf(Locale.ROOT, "  sessions opened in the JVM: %d after warm-up, %d at the end  %s%n",
                sessionsEarly, sessionsLate, sessionsLate == sessionsEarly ? "FLAT" : "GREW");
        System.out.printf(Locale.ROOT, "  table after each gc: at most %d runs, %,d KB  %s%n", maxRuns, maxTableKb,
                maxRuns <= keep + gcEvery ? "BOUNDED" : "GREW");
        return flat;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long procStatusKb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static long treeKb(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum() / 1024;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option VALUE pairs: " + String.join(" ", args));
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }
}
