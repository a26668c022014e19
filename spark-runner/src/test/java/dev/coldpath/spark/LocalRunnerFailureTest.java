package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coldpath.core.error.ClusterException;
import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local runner's failures, stops and aborts (no SparkSession): each fails the run with the error and exit code
 * the Spark runner gives the same failure, and leaves no thread, open file or staged file behind. Storage faults come
 * from {@link FaultyLocalFileSystem}, local disk that fails one file's create or write.
 */
class LocalRunnerFailureTest {
    @TempDir
    Path tmp;

    /** The breast-cancer sample with every seventh row's {@code mean_area} missing, in two files. */
    private Path holes() throws SQLException, IOException {
        Path dir = Files.createDirectories(tmp.resolve("holes"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (int file = 0; file < 2; file++) {
                s.execute("COPY (SELECT * REPLACE (CASE WHEN id % 7 = 0 THEN NULL ELSE mean_area END AS mean_area)"
                        + " FROM read_parquet('" + SampleData.data("breast_cancer") + "') WHERE id % 2 = " + file
                        + ") TO '" + dir.resolve("part-" + file + ".parquet") + "' (FORMAT parquet)");
            }
        }
        return dir;
    }

    private JobSpec job(String input, Map<String, String> keys) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model("breast_cancer_logreg").toString());
        flat.put("input.path", input);
        flat.put("features.input", String.join(",", SampleData.BREAST_CANCER_FEATURES));
        flat.put("output.path", tmp.resolve("table").toString());
        flat.put("output.keep-columns", "id");
        flat.put("spark.master", "local[2]");
        flat.putAll(keys);
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    /** Hadoop keys that put {@link FaultyLocalFileSystem} under {@code file:} for one job. */
    private static Map<String, String> faulty(String key, String path) {
        return Map.of("spark.hadoop.fs.file.impl", FaultyLocalFileSystem.class.getName(),
                "spark.hadoop.fs.file.impl.disable.cache", "true", "spark.hadoop." + key, path);
    }

    private static RunResult runLocally(JobSpec spec) {
        return new LocalScoringJob(spec, Progress.Listener.NONE, Duration.ofSeconds(1)).run(spec, "runner: local");
    }

    private void assertNothingLeft() throws IOException, InterruptedException {
        // a pool's thread may still be on its way out when the pool has terminated: each gets seconds to end, where
        // a writer left polling (the bug this guards against) never ends
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("coldpath-local-")) {
                thread.join(5_000);
            }
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("coldpath-local-"));
        if (Files.exists(tmp.resolve("table"))) {
            try (Stream<Path> left = Files.walk(tmp.resolve("table"))) {
                assertThat(left.filter(Files::isRegularFile)).isEmpty();
            }
        }
    }

    @Test
    void aQuarantineFileThatCannotBeCreatedFailsTheRunAsAStorageErrorAndStopsEveryWriter() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>(faulty(FaultyLocalFileSystem.FAIL_CREATE, "_quarantine"));
        keys.putAll(Map.of("bad-rows.policy", "quarantine", "bad-rows.max-fraction", "0.5"));
        JobSpec spec = job(holes().toString(), keys);

        // the quarantine's file is opened on the scoring thread, and Spark's writer throws its IOException undeclared
        assertThatThrownBy(() -> runLocally(spec))
                .isInstanceOf(StorageException.class) // exit 6, not an internal error
                .hasMessageContaining("Cannot create")
                .hasMessageContaining("_quarantine");
        assertNothingLeft(); // the part files' writer threads were stopped, their files removed
    }

    @Test
    void aPartFileThatCannotBeCreatedFailsTheRunWithTheWritersErrorNotAsStopped() throws Exception {
        Path input = Files.createDirectories(tmp.resolve("ten"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            // 5,690 rows: two input batches, so the scoring thread asks for a second after the writer failed
            s.execute("COPY (SELECT b.* FROM read_parquet('" + SampleData.data("breast_cancer") + "') b, range(10))"
                    + " TO '" + input.resolve("ten.parquet") + "' (FORMAT parquet)");
        }
        JobSpec spec = job(input.toString(), faulty(FaultyLocalFileSystem.FAIL_CREATE, "part-"));

        // the writer's thread creates the part file; the scoring thread sees the run stopped at its next batch
        assertThatThrownBy(() -> runLocally(spec))
                .isInstanceOf(StorageException.class) // exit 6, as Spark's `Mkdirs failed to create`
                .hasMessageStartingWith("Cannot create the Parquet file file:" + tmp.resolve("table/_staging"))
                .hasMessageContaining(".part-00000-0.parquet.tmp (test)");
        assertNothingLeft();
    }

    @Test
    void aPartFileThatCannotBeWrittenFailsTheRunAsARetriableErrorAsOnSpark() throws Exception {
        JobSpec spec = job(SampleData.data("breast_cancer").toString(),
                faulty(FaultyLocalFileSystem.FAIL_WRITE, "part-"));

        // the row group is written when the part file is closed, as `ulimit -f` or a full disk fails it
        assertThatThrownBy(() -> runLocally(spec))
                .isInstanceOf(ColdpathException.class)
                .satisfies(e -> assertThat(((ColdpathException) e).fault()).isEqualTo(Fault.EXTERNAL)) // exit 6
                .hasMessageContaining("File too large (test)"); // the writer names its file, then the cause
        assertNothingLeft();
    }

    @Test
    void aReadErrorThatIsNotABadFileIsARetriableStorageErrorAndABadFileStaysTheUsers() throws Exception {
        JobSpec spec = job(SampleData.data("breast_cancer").toString(),
                faulty(FaultyLocalFileSystem.FAIL_READ, "breast_cancer"));

        // Spark gives 2 only to the files InputFileFailures recognises as bad; a reset connection is worth a retry
        assertThatThrownBy(() -> runLocally(spec))
                .isInstanceOf(StorageException.class) // exit 6
                .hasMessageStartingWith("Cannot read input file file:" + SampleData.data("breast_cancer"))
                .hasMessageContaining("Connection reset (test)");
        assertNothingLeft();
        assertThat(LocalParquetInput.readFailure("file:/x.parquet", new IOException("Expected magic number at tail,"
                + " but found [1, 2, 3, 4]"))).isInstanceOf(InputDataException.class) // exit 2, naming the file
                .hasMessageStartingWith("Cannot read input file file:/x.parquet");
    }

    @Test
    void abortingABusyWriterWritesNothingMoreAndPrintsNothing() throws Exception {
        Path dir = tmp.resolve("aborted");
        Configuration conf = new Configuration();
        faulty(FaultyLocalFileSystem.FAIL_WRITE, "part-").forEach((k, v) -> conf.set(k.replace("spark.hadoop.", ""),
                v));
        SparkInternals.ParquetFiles files = SparkInternals.localParquetFiles(conf,
                new StructType().add("x", DataTypes.LongType), false);
        AtomicLong written = new AtomicLong();
        LocalRowWriter writer = new LocalRowWriter(new TaskParquetFile(dir.toString(), files, "coldpath-local",
                "scored rows", 0, 0), null, new AtomicBoolean(), written, "coldpath-local-writer-busy");
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e)); // what the JVM prints to stderr
        try {
            int rows = LocalRowWriter.BLOCK_ROWS;
            for (int i = 0; i < rows; i++) {
                writer.write(new GenericInternalRow(new Object[] {(long) i}));
            }
            writer.write(new GenericInternalRow(new Object[] {-1L})); // a block handed, one row kept back
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (written.get() < rows && System.nanoTime() < until) { // in the file's buffered row group
                Thread.sleep(5);
            }
            assertThat(written.get()).isEqualTo(rows);

            Thread.currentThread().interrupt(); // as a stopped run's scoring thread may be
            writer.abort();
            assertThat(Thread.interrupted()).isTrue();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
        // abandoned, not closed: its row group was never written (this file system fails any write past the magic)
        assertThat(uncaught).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("coldpath-local-writer-busy"));
        try (Stream<Path> left = Files.walk(dir)) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aStoppedRunEndsWithinAModelBatchNotAtTheEndOfItsInputBatch() throws Exception {
        Path dir = tmp.resolve("stopped");
        SparkInternals.ParquetFiles files = SparkInternals.localParquetFiles(new Configuration(),
                new StructType().add("x", DataTypes.LongType), false);
        AtomicBoolean stop = new AtomicBoolean();
        LocalRowWriter writer = new LocalRowWriter(new TaskParquetFile(dir.toString(), files, "coldpath-local",
                "scored rows", 0, 0), null, stop, new AtomicLong(), "coldpath-local-writer-stopped");
        int modelBatches = 1000; // one input batch of a text model: a model batch per row taken, at most
        AtomicInteger scored = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        Iterator<InternalRow> rows = new Iterator<>() { // a pass's rows: taking the next one scores its model batch
            @Override
            public boolean hasNext() {
                if (scored.get() == modelBatches) {
                    return false;
                }
                if (scored.incrementAndGet() == 3) {
                    stop.set(true); // budget.max-wall-time passes while the third batch is scored
                }
                return true;
            }

            @Override
            public InternalRow next() {
                return new GenericInternalRow(new Object[] {(long) scored.get()});
            }
        };

        assertThatThrownBy(() -> LocalScoringJob.score(new ScoreBindings.LocalPass(rows, completed::incrementAndGet,
                () -> { }), writer, stop)).isInstanceOf(CancellationException.class);
        assertThat(scored.get()).as("model batches scored").isEqualTo(3);
        assertThat(completed.get()).as("the pass's sessions released").isEqualTo(1);
        try (Stream<Path> left = Files.walk(dir)) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aRunStoppedAsTheJvmShutsDownRemovesItsStagedFilesAndSaysSoInOneLine() throws Exception {
        Path input = Files.createDirectories(tmp.resolve("input"));
        for (int i = 0; i < 16; i++) {
            Files.copy(SampleData.data("breast_cancer"), input.resolve("part-" + i + ".parquet"));
        }
        JobSpec spec = job(input.toString(), Map.of("inference.batch-size", "1",
                "spark.sql.files.maxPartitionBytes", String.valueOf(Files.size(SampleData.data("breast_cancer")))));
        AtomicReference<LocalScoringJob> job = new AtomicReference<>();
        AtomicReference<Thread> hook = new AtomicReference<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        Progress.Listener listener = new Progress.Listener() {
            @Override
            public void update(Progress p) {
                if (p.rowsDone() > 0 && hook.get() == null) { // mid-write: TERM, as the JVM runs the hook
                    job.get().shutdownHook().ifPresent(h -> {
                        hook.set(h);
                        h.start();
                    });
                }
            }

            @Override
            public void stopped(String line) {
                lines.add(line);
            }
        };
        job.set(new LocalScoringJob(spec, listener, Duration.ofMillis(20)));

        assertThatThrownBy(() -> job.get().run(spec, "runner: local"))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("was stopped as the JVM shut down (TERM or Ctrl-C); nothing was committed");
        hook.get().join(LocalScoringJob.SHUTDOWN_GRACE.toMillis() * 3);

        assertThat(lines).singleElement().asString()
                .matches("run \\S+ stopped: the JVM is shutting down \\(TERM or Ctrl-C\\); nothing was committed");
        assertNothingLeft(); // no part file left in the staging directory
        assertThat(job.get().shutdownHook()).isEmpty(); // removed with the run
    }

    @Test
    void aWorkerStuckAfterTheRunFailedIsLeftAfterTheDrainAndLoggedWithTheRunAndTheGcThatRemovesWhatItWrites()
            throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "two workers, one failing, one stuck");
        Path input = Files.createDirectories(tmp.resolve("two"));
        Files.copy(SampleData.data("breast_cancer"), input.resolve("part-0-fails.parquet"));
        Files.copy(SampleData.data("breast_cancer"), input.resolve("part-1-stuck.parquet"));
        JobSpec spec = job(input.toString(), Map.of("spark.hadoop.fs.file.impl",
                StuckLocalFileSystem.class.getName(), "spark.hadoop.fs.file.impl.disable.cache", "true",
                "spark.hadoop." + StuckLocalFileSystem.STUCK, "part-1-stuck",
                "spark.hadoop." + StuckLocalFileSystem.FAIL, "part-0-fails", "spark.sql.files.maxPartitionBytes",
                String.valueOf(Files.size(SampleData.data("breast_cancer"))))); // a split, and a worker, each
        StuckLocalFileSystem.reset();
        StringWriter log = new StringWriter();
        WriterAppender appender = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%p %m%n")
                .build(), null, log, "stuck-worker", false, true);
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LoggerConfig logger = new LoggerConfig(LocalScoringJob.class.getName(), Level.WARN, true);
        logger.addAppender(appender, Level.WARN, null);
        context.getConfiguration().addLogger(logger.getName(), logger);
        context.updateLoggers();
        try {
            // a drain of 1 s instead of a minute: the run ends some 2 s after the failure, the stuck worker left
            assertThatThrownBy(() -> new LocalScoringJob(spec, Progress.Listener.NONE, Duration.ofSeconds(1),
                    Duration.ofSeconds(1)).run(spec, "runner: local"))
                    .isInstanceOf(StorageException.class) // the failing worker's error, not a cancellation
                    .hasMessageContaining("Connection reset (test)");
        } finally {
            StuckLocalFileSystem.release();
            context.getConfiguration().removeLogger(logger.getName());
            context.updateLoggers();
            appender.stop();
        }

        assertThat(log.toString()).containsPattern("WARN Run \\S+: a local runner worker was still running 1 s after"
                + " the run stopped; its staging directory is removed now, and `coldpath runs gc "
                + "(file:)?" + Pattern.quote(tmp.resolve("table").toString()) + "/?` removes what"
                + " that worker writes after that");
        assertNothingLeft(); // released, the worker sees the run stopped and removes its part file
    }
}
