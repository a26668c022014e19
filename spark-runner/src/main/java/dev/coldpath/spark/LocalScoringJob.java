package dev.coldpath.spark;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ImageFilesSource;
import dev.coldpath.connectors.InputSource;
import dev.coldpath.connectors.ParquetFooters;
import dev.coldpath.connectors.ParquetSource;
import dev.coldpath.core.compare.BindingComparison;
import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.ImageColumn;
import dev.coldpath.core.error.BudgetBreachedException;
import dev.coldpath.core.error.ClusterException;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.model.ModelQuantization;
import dev.coldpath.core.plan.ModelBinding;
import dev.coldpath.core.plan.ParquetRunTable;
import dev.coldpath.core.plan.ScoringInput;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.ScoringPlanner;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.score.BindingBatches;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.KeyType;
import dev.coldpath.core.spec.RunPeriod;
import dev.coldpath.core.table.RunLineage;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scoring job in this JVM, without Spark: the local runner (docs/architecture.md, "The local runner"). The
 * same plan, partition function ({@link ScoreBindings}), run table sink ({@link ParquetRunTableSink}), checks and
 * manifest as {@link SparkScoringJob}; the input's files, cut into byte ranges and packed into splits as a Spark
 * scan cuts and packs them (many small files to a split; a folder of images: into runs of files), are read by
 * {@link LocalParquetInput} ({@link LocalImageInput}) and scored by a pool of workers that take the splits in turn.
 * Each worker is a pipeline over its splits: read, encode, infer and decode on its thread, a batch at a time, and
 * write on a thread of its own ({@link LocalRowWriter}), bounded, so memory stays at a few batches per worker
 * whatever the input's size; each split's rows go to a part file of their own (as Spark writes one per split; with
 * shadow models, one more in each shadow's directory), and all workers share the JVM's one session of each model.
 * Driver-only; one run at a time.
 */
public final class LocalScoringJob {
    /** The runner's name, as {@code runner: local} and the manifest say it. */
    public static final String NAME = "local";
    private static final Logger LOG = LoggerFactory.getLogger(LocalScoringJob.class);

    private final Configuration conf;
    private final HadoopFileStore store;
    private final Progress.Listener progress;
    private final Duration progressEvery;
    /** How long a stopped run waits for its workers before it removes its staged files ({@link #WORKER_DRAIN}). */
    private final Duration workerDrain;
    /** The hook that stops the run in progress when the JVM shuts down; null between runs. */
    private volatile Thread shutdownHook;

    /** A job on the Hadoop settings {@code spark.hadoop.*} of {@code spec}, reporting progress every {@code every}. */
    public LocalScoringJob(JobSpec spec, Progress.Listener progress, Duration every) {
        this(spec, progress, every, WORKER_DRAIN);
    }

    /**
     * A job on {@code hadoop}, the job's Hadoop configuration as its preflight built it
     * ({@link JobPreflight.Checked#hadoop}), so that a run parses Hadoop's default files once; reporting progress
     * every {@code every}.
     */
    public LocalScoringJob(Configuration hadoop, Progress.Listener progress, Duration every) {
        this(hadoop, progress, every, WORKER_DRAIN);
    }

    /** As {@link #LocalScoringJob(JobSpec, Progress.Listener, Duration)}, waiting {@code workerDrain} for workers. */
    LocalScoringJob(JobSpec spec, Progress.Listener progress, Duration every, Duration workerDrain) {
        this(HadoopFileStore.hadoopConfiguration(spec.sparkConf()), progress, every, workerDrain);
    }

    private LocalScoringJob(Configuration hadoop, Progress.Listener progress, Duration every, Duration workerDrain) {
        this.conf = hadoop;
        this.store = new HadoopFileStore(conf);
        this.progress = progress;
        this.progressEvery = every;
        this.workerDrain = workerDrain;
    }

    /**
     * What the run reads: the plan, the columns of each file it reads (all of them for the quarantine), its parts,
     * each read by one worker into a part file of its index, and its rows, when known (the footers' count, of every
     * file; a folder's images).
     */
    private record Read(SparkScoringJob.Prepared prepared, StructType schema, List<String> columns, int workers,
                        List<Part> parts, OptionalLong rows) {
        Read {
            parts = List.copyOf(parts);
        }
    }

    /** What one worker reads into one part file: a split of Parquet files, or a run of image files. */
    private sealed interface Part permits ParquetPart, ImagePart {
    }

    private record ParquetPart(LocalParquetInput.Split split) implements Part {
    }

    private record ImagePart(List<ParquetSource.InputFile> files) implements Part {
        ImagePart {
            files = List.copyOf(files);
        }
    }

    /**
     * Prepares, scores and commits one run, saying in its manifest that the local runner ran it and
     * {@code reason}; a failed run leaves nothing visible.
     */
    public RunResult run(JobSpec spec, String reason) {
        return run(spec, reason, Optional.empty());
    }

    /**
     * As {@link #run(JobSpec, String)}, planning with the model {@code preflight} resolved and opened when it checked
     * this very job (for another period of a backfill, the model is resolved and opened again): the run scores the
     * model the preflight checked, opened once for its signature and once more for the session that scores.
     */
    public RunResult run(JobSpec spec, String reason, Optional<JobPreflight.Checked> preflight) {
        Instant started = Instant.now();
        long start = System.nanoTime();
        String runId = spec.effectiveRunId(started);
        Optional<JobPreflight.Checked> checked = preflight.filter(c -> c.spec().equals(spec));
        JobPreflight.OpenedModel opened = checked.map(JobPreflight.Checked::opened)
                .orElseGet(() -> JobPreflight.open(spec.model(), ModelResolver.resolve(spec, store, conf), store));
        // the files the preflight listed, which the runner was chosen on, rather than a second listing
        Read read = prepare(spec, opened, checked.map(JobPreflight.Checked::files),
                checked.flatMap(JobPreflight.Checked::footers));
        ScoringPlan plan = read.prepared().plan();
        ParquetRunTableSink sink = new ParquetRunTableSink(conf, store, (ParquetRunTable) plan.output().sink(),
                ScoreBindings.runColumns(plan));
        sink.stage(new RunLineage(read.prepared().versionValue(), runId, spec.run().period().map(RunPeriod::id),
                started));
        AtomicBoolean expired = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        ShutdownStop shutdown = new ShutdownStop(runId, sink, stop);
        Thread hook = new Thread(shutdown, "coldpath-local-shutdown");
        OnnxRuntimeShutdown.keepEnvironmentUntilExit(); // its sessions score until the workers stop
        Runtime.getRuntime().addShutdownHook(hook);
        this.shutdownHook = hook;
        try {
            RunOutcome outcome = scorePass(read, sink, runId, started, expired, stop);
            return commit(read.prepared(), sink, runId, outcome, start, reason, shutdown);
        } catch (RuntimeException | Error e) {
            try {
                sink.abort();
            } catch (RuntimeException abort) {
                e.addSuppressed(abort);
            }
            if (shutdown.signalled()) {
                shutdown.ended();
                if (shuttingDown()) { // the hook says what happened, then the JVM halts: no second line
                    awaitHalt();
                }
                throw new ClusterException("Run " + runId + " was stopped as the JVM shut down (TERM or Ctrl-C);"
                        + " nothing was committed (run it again)", e);
            }
            // only the stop the timer caused is the breach: a worker's own error stays the run's error
            if (expired.get() && e instanceof CancellationException) {
                throw new BudgetBreachedException("Run " + runId + " exceeded budget.max-wall-time "
                        + KeyType.durationText(spec.budget().maxWallTime().orElseThrow())
                        + " and was cancelled; nothing was committed"
                        + " (raise the budget)", e);
            }
            if (e instanceof Error error) {
                throw error;
            }
            // as the Spark runner classifies the same failure: a storage error writing the run is retriable (6)
            throw SparkScoringJob.translate((RuntimeException) e, "Scoring " + read.prepared().source().path()
                    + " into " + sink.table() + " failed");
        } finally {
            shutdown.ended();
            this.shutdownHook = null;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook has run or runs now
            }
        }
    }

    /** The shutdown hook of the run in progress, if any: what TERM or Ctrl-C runs. For tests. */
    Optional<Thread> shutdownHook() {
        return Optional.ofNullable(shutdownHook);
    }

    /**
     * Stops the run when the JVM shuts down (TERM, Ctrl-C), which would otherwise end it mid-write with its part
     * files in the staging directory and no word on the console: sets the run's stop, waits up to
     * {@link #SHUTDOWN_GRACE} for the workers to end and the run to remove its staged files, removes them itself if
     * the run has not (unless its commit has started: a commit is let finish), and says so in one line.
     */
    private final class ShutdownStop implements Runnable {
        private final String runId;
        private final ParquetRunTableSink sink;
        private final AtomicBoolean stop;
        private final AtomicBoolean signalled = new AtomicBoolean();
        private final AtomicBoolean committing = new AtomicBoolean();
        private final CountDownLatch ended = new CountDownLatch(1);

        ShutdownStop(String runId, ParquetRunTableSink sink, AtomicBoolean stop) {
            this.runId = runId;
            this.sink = sink;
            this.stop = stop;
        }

        @Override
        public void run() {
            signalled.set(true);
            stop.set(true);
            boolean done = await(SHUTDOWN_GRACE);
            if (committing.get()) {
                if (!done) {
                    await(SHUTDOWN_GRACE);
                }
                return; // committed, or a commit that died half-way, which the table's claims and gc handle
            }
            String left = "";
            if (!done) {
                try {
                    sink.abort();
                    left = "; a worker was still running " + SHUTDOWN_GRACE.toSeconds() + " s later: `coldpath runs"
                            + " gc " + sink.table() + "` removes what it wrote after that";
                } catch (RuntimeException e) {
                    LOG.warn("Cannot remove the staged files of run {} on shutdown", runId, e);
                    left = "; its staged files could not be removed: `coldpath runs gc " + sink.table()
                            + "` removes them";
                }
            }
            LOG.info("Run {} stopped as the JVM shut down; nothing was committed", runId);
            progress.stopped("run " + runId + " stopped: the JVM is shutting down (TERM or Ctrl-C); nothing was"
                    + " committed" + left);
        }

        boolean signalled() {
            return signalled.get();
        }

        void committing() {
            committing.set(true);
        }

        void ended() {
            ended.countDown();
        }

        private boolean await(Duration limit) {
            try {
                return ended.await(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** How long a stopped run waits for its workers before it removes its staged files. */
    static final Duration WORKER_DRAIN = Duration.ofMinutes(1);

    /** How long a worker still running at the end of the drain gets to end once interrupted. */
    private static final Duration INTERRUPTED_GRACE = Duration.ofSeconds(1);

    /** How often the run checks, while its workers score, whether it was stopped. */
    private static final long STOP_POLL_MILLIS = 200;

    /** How long a TERM'd run's shutdown hook waits for its workers to stop and its staged files to go. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    /** Whether the JVM is shutting down (no hook can be added then). */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** Waits for the JVM, which is shutting down, to halt. */
    private static void awaitHalt() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // halting
            }
        }
    }

    /** The plan against the input files' schema, as Spark would read them, and the columns to read. */
    private Read prepare(JobSpec spec, JobPreflight.OpenedModel opened,
                         Optional<List<ParquetSource.InputFile>> listed,
                         Optional<ParquetFooters.Footers> footers) {
        String input = spec.resolvedInputPath();
        store.checkDirectoryOrAbsent(spec.output().path(), "output.path");
        String tableRoot = new RunTable(store, store.qualify(spec.output().path())).root();
        if (spec.input().images()) {
            return prepareImages(spec, opened, input, tableRoot, listed.orElseGet(() -> ImageFilesSource.list(conf,
                    input, spec.input().effectiveGlob())));
        }
        List<ParquetSource.InputFile> files = listed.orElseGet(() -> ParquetSource.list(conf, input, List.of()));
        // the first file's columns are every file's: RunnerChoice.differentColumns sends other inputs to Spark
        StructType schema = LocalParquetInput.schema(conf, files.get(0).path(), footers); // as the preflight read it
        Map<String, ModelQuantization> quantization = new LinkedHashMap<>();
        ScoringPlan plan = plan(spec, opened, input, schema, tableRoot, quantization);
        List<String> columns = null;
        if (plan.badRows().policy() != BadRows.Policy.QUARANTINE) { // the quarantine keeps whole rows
            Set<String> read = new HashSet<>(plan.output().keepColumns());
            if (plan.routing().isSet()) { // a canary's rows are chosen by their routing key
                plan.routing().key().forEach(c -> read.add(c.name()));
            }
            for (ModelBinding binding : plan.bindings()) {
                for (Encoder encoder : binding.encoders()) {
                    read.addAll(encoder.columns());
                }
            }
            StructType projected = new StructType(Arrays.stream(schema.fields())
                    .filter(f -> read.contains(f.name())).toArray(StructField[]::new));
            if (projected.size() < schema.size()) {
                schema = projected;
                columns = Arrays.asList(projected.fieldNames());
                quantization.clear();
                plan = plan(spec, opened, input, schema, tableRoot, quantization);
            }
        }
        int cores = cpus(spec);
        SQLConf sizes = splitSizes(spec);
        // sized as Spark's scan would on the job's master (local[2]: over 2), so both runners cut the same splits
        int parallelism = JobPreflight.localParallelism(spec).orElse(cores);
        List<LocalParquetInput.Split> splits = LocalParquetInput.splits(conf,
                files.stream().map(ParquetSource.InputFile::path).toList(),
                files.stream().map(ParquetSource.InputFile::sizeBytes).toList(), parallelism,
                sizes.filesMaxPartitionBytes(), sizes.filesOpenCostInBytes(), footers);
        int workers = Math.max(1, Math.min(splits.size(), cores));
        BatchMemoryCheck.check(plan, Runtime.getRuntime().maxMemory(), workers);
        InputSource source = new LocalSource(input, files);
        return new Read(new SparkScoringJob.Prepared(spec, source, plan, opened.signature(),
                opened.model().versionValue(), quantization), schema, columns, workers,
                splits.stream().<Part>map(ParquetPart::new).toList(),
                footers.map(ParquetFooters.Footers::rows).orElse(OptionalLong.empty()));
    }

    /**
     * A folder of image files: listed as the Spark runner lists it, read as rows of Spark's binaryFile columns
     * (all of them: all but the bytes come from the listing), in runs of consecutive files, as many as the workers
     * (more for a large folder: at most {@value ImageFilesSource#FILES_PER_PARTITION} files a run, as the Spark
     * runner's partitions).
     */
    private Read prepareImages(JobSpec spec, JobPreflight.OpenedModel opened, String input, String tableRoot,
                               List<ParquetSource.InputFile> files) {
        StructType schema = LocalImageInput.SCHEMA;
        Map<String, ModelQuantization> quantization = new LinkedHashMap<>();
        ScoringPlan plan = plan(spec, opened, input, schema, tableRoot, quantization);
        int workers = Math.max(1, Math.min(files.size(), cpus(spec)));
        BatchMemoryCheck.check(plan, Runtime.getRuntime().maxMemory(), workers);
        int count = ImageFilesSource.partitions(files.size(), workers);
        List<Part> runs = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            int from = (int) ((long) files.size() * p / count);
            int to = (int) ((long) files.size() * (p + 1) / count);
            if (to > from) {
                runs.add(new ImagePart(files.subList(from, to)));
            }
        }
        return new Read(new SparkScoringJob.Prepared(spec, new LocalSource(input, files), plan, opened.signature(),
                opened.model().versionValue(), quantization), schema, null, workers, runs,
                OptionalLong.of(files.size()));
    }

    /**
     * Spark's split sizes, {@code spark.sql.files.maxPartitionBytes} and {@code openCostInBytes}, as the job sets them.
     */
    private static SQLConf splitSizes(JobSpec spec) {
        SQLConf sizes = new SQLConf();
        for (String key : List.of(SQLConf.FILES_MAX_PARTITION_BYTES().key(),
                SQLConf.FILES_OPEN_COST_IN_BYTES().key())) {
            String value = spec.sparkConf().get(key);
            if (value != null) {
                try {
                    sizes.setConfString(key, value);
                } catch (IllegalArgumentException e) {
                    throw new JobSpecException("Invalid " + key + ": " + value + " (must be a size in bytes, as 128m: "
                            + e.getMessage() + ")");
                }
            }
        }
        return sizes;
    }

    private ScoringPlan plan(JobSpec spec, JobPreflight.OpenedModel opened, String input, StructType schema,
                             String tableRoot, Map<String, ModelQuantization> quantization) {
        RowSchema rows = SparkTypes.toRowSchema(schema);
        return ScoringPlanner.plan(JobPreflight.request(spec, JobPreflight.bindings(spec, opened, store, conf, rows,
                quantization), new ScoringInput(input, rows), tableRoot));
    }

    /**
     * The one pass over the input: every worker scores the splits it takes and writes their accepted rows and (with
     * bad-rows.policy quarantine) rejected rows into the staged run. A failing worker stops the others; so does
     * budget.max-wall-time, setting {@code expired}.
     */
    private RunOutcome scorePass(Read read, ParquetRunTableSink sink, String runId, Instant started,
                                 AtomicBoolean expired, AtomicBoolean stop) {
        ScoringPlan plan = read.prepared().plan();
        int workers = read.workers();
        int cores = cpus(read.prepared().spec());
        int threads = Math.max(1, cores / workers); // inference.threads auto: the cores the workers leave
        StructType accepted = new StructType(concat(Arrays.stream(plan.keepOrdinals())
                .mapToObj(i -> read.schema().fields()[i]).toArray(StructField[]::new),
                ScoreBindings.publishedPredictions(plan).fields()));
        StructType rejected = ScoredRows.rejectedSchema(read.schema());
        ParquetRunTableSink.LocalFiles out = sink.localFiles(accepted, rejected,
                plan.badRows().policy() == BadRows.Policy.QUARANTINE, ScoreBindings.shadows(plan, read.schema()));
        String run = UUID.randomUUID().toString();
        AtomicLong rows = new AtomicLong();
        AtomicInteger splitsDone = new AtomicInteger();
        AtomicInteger nextSplit = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "coldpath-local-worker");
            t.setDaemon(true);
            return t;
        });
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coldpath-local-timer");
            t.setDaemon(true);
            return t;
        });
        // as WallClockBudget: a budget that only warns lets the run finish, and its manifest records the breach
        plan.budget().maxWallTime().filter(limit -> !plan.budget().warnOnly())
                .ifPresent(limit -> timers.schedule(() -> {
                    expired.set(true);
                    stop.set(true);
                }, limit.toMillis(), TimeUnit.MILLISECONDS));
        // by the rows written of the input's rows, which move within a split (a small input is one split)
        timers.scheduleAtFixedRate(() -> progress.update(new Progress(runId, splitsDone.get(), read.parts().size(),
                rows.get(), read.rows(), Duration.between(started, Instant.now()), Progress.Unit.SPLITS)),
                progressEvery.toMillis(), progressEvery.toMillis(), TimeUnit.MILLISECONDS);
        ScoringCounters total = new ScoringCounters(started.toEpochMilli(), run);
        Map<Integer, ComparisonsAccumulator> comparedByPart = new TreeMap<>();
        boolean stopSeen = false;
        long stoppedAt = 0; // System.nanoTime() when the run was seen stopped (nanoTime may be negative)
        try {
            CompletionService<Worked> done = new ExecutorCompletionService<>(pool);
            for (int w = 0; w < workers; w++) {
                done.submit(() -> work(plan, read, nextSplit, threads, out, run, started, stop, rows, splitsDone));
            }
            // in the order the workers end: the first failure stops the others at their next batch; once the run is
            // stopped (a failure, the budget, the JVM shutting down), a worker stuck in a native call or a hung read
            // is waited for workerDrain at most
            Throwable failure = null;
            int ended = 0;
            while (ended < workers) {
                Future<Worked> next;
                try {
                    next = done.poll(STOP_POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop.set(true);
                    failure = failure != null ? failure : new CancellationException("interrupted");
                    break;
                }
                if (next == null) {
                    if (stop.get()) {
                        if (!stopSeen) {
                            stopSeen = true;
                            stoppedAt = System.nanoTime();
                        }
                        if (System.nanoTime() - stoppedAt >= workerDrain.toNanos()) {
                            failure = failure != null ? failure : new CancellationException("the run was stopped");
                            break; // awaitTermination says which run, and what removes what the worker writes
                        }
                    }
                    continue;
                }
                ended++;
                try {
                    Worked worked = next.get();
                    total.merge(worked.counters());
                    comparedByPart.putAll(worked.comparisons());
                } catch (ExecutionException e) {
                    stop.set(true);
                    Throwable cause = e.getCause(); // the worker's own error, unchecked (work)
                    if (failure == null || failure instanceof CancellationException) {
                        failure = cause;
                    }
                } catch (InterruptedException e) { // not thrown: the future is done
                    Thread.currentThread().interrupt();
                }
            }
            if (failure == null && stop.get() && splitsDone.get() < read.parts().size()) {
                // the timer stopped workers between splits: they took no more and ended without an error
                failure = new CancellationException("the run was stopped");
            }
            if (failure instanceof Error error) {
                throw error;
            }
            if (failure != null) {
                throw (RuntimeException) failure;
            }
        } finally {
            pool.shutdownNow();
            timers.shutdownNow();
            // before the caller removes the staged run the workers write into: what is left of the drain, if the
            // run was stopped, and then at least a moment for a worker the interrupt wakes
            Duration wait = !stopSeen ? workerDrain : workerDrain.minusNanos(System.nanoTime() - stoppedAt);
            awaitTermination(runId, sink.table(), wait.compareTo(INTERRUPTED_GRACE) < 0 ? INTERRUPTED_GRACE : wait,
                    pool, timers);
        }
        out.written();
        // in the parts' order, as Spark's driver would if its tasks ended in order: floating-point sums merge in it
        ComparisonsAccumulator comparisons = new ComparisonsAccumulator();
        comparedByPart.values().forEach(comparisons::merge);
        RunOutcome outcome = RunOutcome.of(total, started, Instant.now(), comparisons.value().values().stream()
                .map(BindingComparison::summary).toList());
        if (outcome.rowsRead() == 0) {
            throw new InputDataException("Input " + read.prepared().source().path() + " has no rows: nothing to"
                    + " score");
        }
        return outcome;
    }

    /**
     * What a worker counted and, with several models, how each compared with the champion over each of its parts'
     * rows (by part index).
     */
    private record Worked(ScoringCounters counters, Map<Integer, ComparisonsAccumulator> comparisons) {
    }

    /**
     * One worker's pipeline over the splits it takes in turn (the next index of {@code nextSplit} until none is
     * left, so that the workers end together whatever the splits' sizes): each split's rows scored and written to a
     * part file of the split's index, as Spark writes one file per input split, so that a writer's buffered row
     * group stays within one split's rows.
     */
    private Worked work(ScoringPlan plan, Read read, AtomicInteger nextSplit, int threads,
                                 ParquetRunTableSink.LocalFiles out, String run, Instant started,
                                 AtomicBoolean stop, AtomicLong rowsDone, AtomicInteger splitsDone) {
        try {
            interpretSmallInput(read.prepared().source().files());
            ScoringCounters counters = new ScoringCounters(started.toEpochMilli(), run);
            ComparisonsAccumulator comparisons = new ComparisonsAccumulator();
            Map<Integer, ComparisonsAccumulator> byPart = new HashMap<>();
            ScoreBindings scoring = new ScoreBindings(ownCopy(plan), read.schema(), counters, comparisons,
                    read.prepared().spec().executor());
            int capacity = Math.max(LocalParquetInput.DEFAULT_BATCH_ROWS, new BindingBatches(plan).capacity());
            int index;
            // a stopped run's workers take no further split (no reader, writer or part file for it)
            while (!stop.get() && (index = nextSplit.getAndIncrement()) < read.parts().size()) {
                Part next = read.parts().get(index);
                try (LocalParquetInput.Batches batches = next instanceof ParquetPart parquet
                        ? LocalParquetInput.batches(conf, parquet.split(), read.columns(), capacity) : null) {
                    // the writer's thread creates the part file while this one starts scoring
                    int part = index;
                    LocalRowWriter writer = new LocalRowWriter(() -> out.data(part), out.suffix(), stop, rowsDone,
                            "coldpath-local-writer-" + index);
                    ScoreBindings.LocalPass pass;
                    try {
                        pass = next instanceof ImagePart images
                                ? scoring.overLocalRows(stoppable(LocalImageInput.rows(conf, images.files()), stop),
                                        out.rejects(index), out.shadows(index), threads, read.workers())
                                : scoring.overLocalBatches(stoppable(batches, stop), out.rejects(index),
                                        out.shadows(index), threads);
                    } catch (Throwable e) { // Hadoop's and Spark's code may throw an IOException undeclared
                        abortQuietly(writer::abort, e);
                        throw e;
                    }
                    score(pass, writer, stop);
                } catch (OutOfMemoryError e) { // the writer's thread's, as the scoring thread's is mapped already
                    throw scoring.outOfMemory(e);
                }
                splitsDone.incrementAndGet();
                byPart.put(index, (ComparisonsAccumulator) comparisons.copy()); // the part's, handed on at its end
                comparisons.reset();
            }
            return new Worked(counters, byPart);
        } catch (Throwable e) {
            stop.set(true); // whatever failed, the other workers stop at their next batch
            throw unchecked(e);
        }
    }

    /**
     * The plan a worker scores with: of a plan that reads images, a copy of its own, as each Spark task deserialises
     * its own, since an image encoder keeps its decoder's buffers and its batch decoded ahead for the one thread that
     * encodes with it ({@link ImageColumn}); any other plan as it is.
     */
    private static ScoringPlan ownCopy(ScoringPlan plan) {
        boolean images = plan.bindings().stream().flatMap(b -> b.encoders().stream())
                .anyMatch(ImageColumn.class::isInstance);
        if (!images) {
            return plan;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(plan);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (ScoringPlan) in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("Cannot copy the scoring plan for a local runner worker: " + e, e);
        }
    }

    /**
     * On a small input, row projections are interpreted instead of compiled with Janino, which takes 0.5-1 s of a
     * small run on its critical path (and loads 400 classes); the rows are the same, as interpreting is Spark's own
     * fallback ({@code spark.sql.codegen.factoryMode} NO_CODEGEN). It sets Spark's fallback SQL settings
     * ({@link SQLConf#getFallbackConf()}, what {@link SQLConf#get()} gives a thread with no active SparkSession),
     * which are the JVM's, shared by every thread and every run in it: a larger input unsets the setting again, for a
     * run after a small one. Nothing is set when a SparkSession's settings apply to this thread: a session's settings
     * are not the runner's to change.
     */
    private static void interpretSmallInput(List<ParquetSource.InputFile> files) {
        long bytes = files.stream().mapToLong(ParquetSource.InputFile::sizeBytes).sum();
        SQLConf sql = SQLConf.get();
        if (sql == SQLConf.getFallbackConf()) {
            if (bytes <= INTERPRETED_MAX_BYTES) {
                sql.setConfString(SQLConf.CODEGEN_FACTORY_MODE().key(), "NO_CODEGEN");
            } else {
                sql.unsetConf(SQLConf.CODEGEN_FACTORY_MODE().key());
            }
        }
    }

    /** The CPUs the run's workers and their threads share: those of the job's local master, as Spark's tasks'. */
    private static int cpus(JobSpec spec) {
        return JobPreflight.localCpus(spec).orElseGet(Runtime.getRuntime()::availableProcessors);
    }

    /** The input size up to which projections are interpreted: some 100,000 rows of 30 floats. */
    static final long INTERPRETED_MAX_BYTES = 16L << 20;

    /**
     * Scores one file's rows into its writer; on a failure, the first error is thrown and the rest suppressed. A
     * stopped run ends before the pass's next row: taking one may score a model batch (of a text model's one input
     * batch, a hundred of them), so the run stops within a model batch, not an input batch.
     */
    static void score(ScoreBindings.LocalPass pass, LocalRowWriter writer, AtomicBoolean stop) {
        Throwable failure = null;
        try {
            while (true) {
                if (stop.get()) {
                    throw new CancellationException("the run was stopped");
                }
                if (!pass.rows().hasNext()) {
                    break;
                }
                writer.write(pass.rows().next());
            }
            writer.finish();
        } catch (Throwable e) { // an IOException too, which Spark's Parquet writer throws undeclared
            failure = e;
            stop.set(true);
            abortQuietly(pass.fail(), e);
            abortQuietly(writer::abort, e);
            Optional<RuntimeException> writers = e instanceof CancellationException ? writer.failure()
                    : Optional.empty();
            if (writers.isPresent()) { // the writer stopped the run (its part file could not be made): its error
                failure = writers.get();
                throw writers.get();
            }
            throw e;
        } finally {
            if (failure == null) {
                pass.complete().run();
            } else {
                abortQuietly(pass.complete(), failure);
            }
        }
    }

    /**
     * A worker's failure as an unchecked exception: an {@link IOException} that Hadoop's or Spark's code threw
     * undeclared (a quarantine or shadow file that cannot be created or written) is a storage failure.
     */
    static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure instanceof RuntimeException r) {
            return r;
        }
        if (failure instanceof IOException io) {
            return new StorageException("Cannot write the run's files: " + io.getClass().getSimpleName() + ": "
                    + io.getMessage() + " (check the output location, then run again)", io);
        }
        return new IllegalStateException("A local runner worker failed: " + failure, failure);
    }

    /** Runs {@code cleanup} after {@code failure}, whose error it stays: a cleanup's own error is suppressed. */
    private static void abortQuietly(Runnable cleanup, Throwable failure) {
        try {
            cleanup.run();
        } catch (Throwable e) { // an IOException too, thrown undeclared by Spark's Parquet writer
            failure.addSuppressed(e);
        }
    }

    /**
     * Waits up to {@code wait} for the workers to end (and then for the timers, stopped already); a worker still
     * running then, stuck in a native call or a hung read, is left, and logged with what removes the files it may
     * write after its staged run is removed.
     */
    private void awaitTermination(String runId, String table, Duration wait, ExecutorService workers,
                                  ExecutorService timers) {
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                try {
                    if (!workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        LOG.warn("Run {}: a local runner worker was still running {} s after the run stopped; its"
                                + " staging directory is removed now, and `coldpath runs gc {}` removes what that"
                                + " worker writes after that", runId, workerDrain.toSeconds(), table);
                    }
                    timers.awaitTermination(INTERRUPTED_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The batches, until the run is stopped (a failure elsewhere, or budget.max-wall-time). */
    private static <T> Iterator<T> stoppable(Iterator<T> batches, AtomicBoolean stop) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (stop.get()) {
                    throw new CancellationException("the run was stopped");
                }
                return batches.hasNext();
            }

            @Override
            public T next() {
                return batches.next();
            }
        };
    }

    /** Checks the pass against the bad-row policy and the budgets, then commits it with its manifest. */
    private RunResult commit(SparkScoringJob.Prepared prepared, ParquetRunTableSink sink, String runId,
                             RunOutcome outcome, long start, String reason, ShutdownStop shutdown) {
        ScoringPlan plan = prepared.plan();
        BadRowsCheck.check(plan.badRows(), outcome.rowsScored(), outcome.rowsRejected());
        Optional<RunDrift> drift = sink.drift(plan.binding().decoders().stream().map(OutputDecoder::column)
                .toList());
        List<String> breaches = BudgetCheck.breaches(plan.budget(), outcome.wallTime(), outcome.metrics(),
                outcome.rowsScored(), outcome.comparisons(), drift);
        BudgetCheck.enforce(plan.budget(), breaches);
        RunManifest manifest = RunManifests.of(prepared, runId, sink.dataPath(), outcome, APPLICATION, MASTER,
                breaches, sink.quarantinePath()).withDrift(drift.orElse(null))
                .withRunner(new RunManifest.Runner(NAME, reason));
        shutdown.committing();
        RunSink.Committed committed = sink.commit(manifest);
        LOG.info("Run {} committed by the local runner: {} rows in {}", runId, outcome.rowsScored(),
                committed.location());
        return new RunResult(runId, sink.table(), committed.location(), committed.promoted(),
                plan.binding().model(), outcome, breaches, Duration.ofNanos(System.nanoTime() - start),
                APPLICATION, Optional.of(manifest));
    }

    /** What the manifest's {@code spark} section says of a run that had no Spark application. */
    static final String APPLICATION = "none";
    static final String MASTER = "none (runner: local)";

    private static StructField[] concat(StructField[] a, StructField[] b) {
        StructField[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The input as listed without Spark; it has no DataFrame. */
    private record LocalSource(String path, List<ParquetSource.InputFile> files) implements InputSource {
        @Override
        public long footerRows() {
            return -1;
        }

        @Override
        public Dataset<Row> read() {
            throw new UnsupportedOperationException("the local runner reads its input without Spark");
        }
    }
}
