package dev.coldpath.spark;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ImageFilesSource;
import dev.coldpath.connectors.InputSource;
import dev.coldpath.connectors.ParquetSource;
import dev.coldpath.core.compare.BindingComparison;
import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.error.BudgetBreachedException;
import dev.coldpath.core.error.ClusterException;
import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.ModelQuantization;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.plan.ParquetRunTable;
import dev.coldpath.core.plan.ScoringInput;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.ScoringPlanner;
import dev.coldpath.core.plan.IcebergTable;
import dev.coldpath.core.plan.Sink;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.score.BindingBatches;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.ExecutorSpec;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.Role;
import dev.coldpath.core.spec.RunPeriod;
import dev.coldpath.core.table.RunLineage;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scoring job on Spark in three steps: {@link #prepare} (input listed, model resolved and opened once to
 * read its signature, schema checked against it: the plan), the score pass (one read and one inference per row,
 * accepted and rejected rows written by the run's {@link RunSink} in one Spark job), and the commit (bad-row and
 * budget checks, the manifest, the sink's commit). Driver-only.
 */
public final class SparkScoringJob {
    /** The runner's name, as {@code runner: spark} and the manifest say it. */
    public static final String NAME = "spark";
    /** The column of the quarantine that says why a row was rejected. */
    public static final String REASON_COLUMN = ScoredRows.REASON_COLUMN;
    /** How long a failed run waits for its job's remaining tasks to stop before it removes its staging. */
    private static final Duration ABORT_DRAIN = Duration.ofSeconds(60);
    /**
     * How long a successful run waits, before it commits, for attempts of its tasks that lost to another attempt
     * (speculative copies) to stop: Spark asks them to stop when the winner finishes, and they stop at their next
     * row or batch.
     */
    private static final Duration STRAGGLER_DRAIN = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(SparkScoringJob.class);

    private final SparkSession spark;
    private final HadoopFileStore store;
    private final Progress.Listener progress;
    private final Duration progressEvery;

    public SparkScoringJob(SparkSession spark) {
        this(spark, Progress.Listener.NONE, Duration.ofSeconds(1));
    }

    /** A job that reports its progress to {@code progress} every {@code every} while it scores. */
    public SparkScoringJob(SparkSession spark, Progress.Listener progress, Duration every) {
        this.spark = spark;
        this.store = new HadoopFileStore(spark.sparkContext().hadoopConfiguration());
        this.progress = progress;
        this.progressEvery = every;
    }

    /** Everything the run will do, checked, before any data is read or written. */
    public record Prepared(JobSpec spec, InputSource source, ScoringPlan plan, ModelSignature signature,
                           String versionValue, Map<String, ModelQuantization> quantization) {
    }

    /** Checks the job without running it; empty when an incremental job finds nothing new to score. */
    public Optional<Prepared> prepare(JobSpec spec) {
        ResolvedModel model = ModelResolver.resolve(spec, store, spark.sparkContext().hadoopConfiguration());
        try {
            return prepare(spec, model);
        } catch (Exception e) { // reading the input's footers can fail inside Spark
            throw translate(e, "Reading " + spec.resolvedInputPath() + " failed");
        }
    }

    private Optional<Prepared> prepare(JobSpec spec, ResolvedModel model) {
        String input = spec.resolvedInputPath();
        List<String> partitions = List.of();
        String tableRoot = "";
        if (spec.output().iceberg().isPresent()) {
            JobPreflight.checkIcebergOutput(spec);
        } else {
            store.checkDirectoryOrAbsent(spec.output().path(), "output.path");
            tableRoot = new RunTable(store, store.qualify(spec.output().path())).root();
        }
        if (spec.input().incremental()) {
            RunTable table = new RunTable(store, tableRoot);
            partitions = JobPreflight.unscoredPartitions(store, table, input, model.artifact().sha256());
            if (partitions.isEmpty()) {
                ParquetSource.open(spark, input); // still report an input that is not there yet
                return Optional.empty();
            }
        }
        InputSource source = spec.input().images() ? ImageFilesSource.open(spark, input, spec.input().effectiveGlob())
                : ParquetSource.open(spark, input, partitions, spec.input().badFiles());
        JobPreflight.OpenedModel opened = JobPreflight.open(spec.model(), model, store);
        ModelSignature signature = opened.signature();
        RowSchema schema = SparkTypes.toRowSchema(source.read().schema());
        Map<String, ModelQuantization> quantization = new LinkedHashMap<>();
        ScoringPlan plan = ScoringPlanner.plan(JobPreflight.request(spec,
                JobPreflight.bindings(spec, opened, store, spark.sparkContext().hadoopConfiguration(), schema,
                        quantization), new ScoringInput(source.path(), schema), tableRoot));
        BatchMemoryCheck.check(plan, spark.sparkContext());
        return Optional.of(new Prepared(spec, source, plan, signature, model.versionValue(),
                quantization));
    }

    /** Prepares, scores and commits one run; a failed run leaves nothing visible. */
    public RunResult run(JobSpec spec) {
        return run(spec, "runner: spark");
    }

    /**
     * As {@link #run(JobSpec)}, its manifest saying that Spark ran it and {@code reason} (as {@link RunnerChoice}
     * gives it).
     */
    public RunResult run(JobSpec spec, String reason) {
        Instant started = Instant.now();
        long start = System.nanoTime();
        String runId = spec.effectiveRunId(started);
        ResolvedModel model = ModelResolver.resolve(spec, store, spark.sparkContext().hadoopConfiguration());
        Optional<Prepared> maybe;
        try {
            maybe = prepare(spec, model);
        } catch (Exception e) { // reading the input's footers can fail inside Spark
            throw translate(e, "Reading " + spec.resolvedInputPath() + " failed");
        }
        if (maybe.isEmpty()) {
            return new RunResult(runId, new RunTable(store, store.qualify(spec.output().path())).root(), "", false,
                    model.artifact(), RunOutcome.none(started), List.of(), Duration.ofNanos(System.nanoTime() - start),
                    spark.sparkContext().applicationId(), Optional.empty());
        }
        Prepared prepared = maybe.get();
        RunSink sink = sink(prepared.plan());
        sink.stage(new RunLineage(prepared.versionValue(), runId, spec.run().period().map(RunPeriod::id), started));
        String group = "coldpath-" + runId + "-" + UUID.randomUUID();
        WallClockBudget deadline = WallClockBudget.start(spark, group, prepared.plan().budget());
        try {
            spark.sparkContext().setJobGroup(group, "coldpath run " + runId, true);
            RunOutcome outcome = scorePass(prepared, sink, group, runId, started, deadline);
            awaitStragglers(group, runId);
            return commit(prepared, sink, runId, outcome, start, reason);
        } catch (Exception e) { // Spark's failures are checked exceptions thrown through Scala code
            if (!TaskDrain.cancelAndAwait(spark.sparkContext(), group, ABORT_DRAIN)) {
                LOG.warn("Run {} failed and some of its tasks were still running {} s later; its staging directory"
                        + " is removed now, and `coldpath runs gc {}` removes what those tasks write after that",
                        runId, ABORT_DRAIN.toSeconds(), sink.table());
            }
            abortQuietly(sink, e);
            if (deadline.expired()) {
                throw new BudgetBreachedException("Run " + runId + " exceeded budget.max-wall-time "
                        + spec.budget().maxWallTime().orElseThrow() + " and was cancelled; nothing was committed"
                        + " (raise the budget, or give the job more executors)");
            }
            throw translate(e, "Scoring " + prepared.source().path() + " into " + sink.table() + " failed");
        } finally {
            spark.sparkContext().clearJobGroup();
        }
    }

    /**
     * Waits until no attempt of the run's tasks still runs. With spark.speculation a copy that lost to another
     * attempt may still be writing under the staging directory's {@code _temporary/} when the write job returns;
     * committing only after it stopped keeps every file of the run the winners'.
     */
    private void awaitStragglers(String group, String runId) {
        if (!TaskDrain.await(spark.sparkContext(), group, STRAGGLER_DRAIN)) {
            LOG.warn("Run {}: some attempts of its tasks that another attempt beat were still running {} s after"
                    + " its write; committing anyway (their files stay under the staging directory's _temporary/,"
                    + " which no reader sees)", runId, STRAGGLER_DRAIN.toSeconds());
        }
    }

    /** The sink the plan names. */
    private RunSink sink(ScoringPlan plan) {
        Sink sink = plan.output().sink();
        List<String> columns = new ArrayList<>(plan.output().keepColumns());
        plan.bindings().forEach(b -> b.decoders().forEach(d -> columns.add(d.column())));
        if (ScoreBindings.several(plan)) {
            columns.add(ScoreBindings.SERVED_BY);
        }
        if (sink instanceof ParquetRunTable table) {
            return new ParquetRunTableSink(spark, store, table, columns);
        }
        if (sink instanceof IcebergTable table) {
            return new IcebergRunSink(spark, store, table, plan.binding().model(), columns);
        }
        throw new IllegalArgumentException("no Spark sink for " + sink);
    }

    /**
     * The one pass over the input: every row is read and scored once, and the sink writes the accepted rows and
     * (with bad-rows.policy quarantine) the rejected ones in the same Spark job.
     */
    private RunOutcome scorePass(Prepared prepared, RunSink sink, String group, String runId, Instant started,
                                 WallClockBudget deadline) {
        ScoringPlan plan = prepared.plan();
        ScoringCounters counters = new ScoringCounters(spark.sparkContext(), started.toEpochMilli());
        ComparisonsAccumulator comparisons = new ComparisonsAccumulator();
        try (ProgressPoller poller = ProgressPoller.start(spark, group, runId, counters, progress, progressEvery)) {
            Dataset<Row> input = prepared.source().read();
            spark.sparkContext().register(comparisons, "coldpath.comparisons");
            ScoredRows rows = score(input, plan, counters, comparisons, shadows(plan, input.schema(), sink),
                    prepared.spec().executor());
            sink.write(rows, plan.badRows().policy() == BadRows.Policy.QUARANTINE);
        } finally {
            deadline.cancel();
        }
        RunOutcome outcome = RunOutcome.of(counters, started, Instant.now(), comparisons.value().values().stream()
                .map(BindingComparison::summary).toList());
        if (outcome.rowsRead() == 0) { // counted in the scoring job itself: no extra pass over the input
            throw new InputDataException("Input " + prepared.source().path() + " has no rows: nothing to score");
        }
        return outcome;
    }

    /** Checks the pass against the bad-row policy and the budgets, then commits it with its manifest. */
    private RunResult commit(Prepared prepared, RunSink sink, String runId, RunOutcome outcome, long start,
                             String reason) {
        ScoringPlan plan = prepared.plan();
        BadRowsCheck.check(plan.badRows(), outcome.rowsScored(), outcome.rowsRejected());
        outcome.deviceFallbacks().forEach(f -> LOG.warn("inference.device is auto but executor {} ran on the CPU",
                f));
        Optional<RunDrift> drift = sink.drift(plan.binding().decoders().stream().map(OutputDecoder::column)
                .toList());
        List<String> breaches = BudgetCheck.breaches(plan.budget(), outcome.wallTime(), outcome.metrics(),
                outcome.rowsScored(), outcome.comparisons(), drift);
        BudgetCheck.enforce(plan.budget(), breaches);
        RunManifest manifest = RunManifests.of(prepared, runId, sink.dataPath(), outcome,
                spark.sparkContext().applicationId(), spark.sparkContext().master(), breaches, sink.quarantinePath())
                .withDrift(drift.orElse(null)).withRunner(new RunManifest.Runner(NAME, reason));
        RunSink.Committed committed = sink.commit(manifest);
        LOG.info("Run {} committed: {} rows in {}", runId, outcome.rowsScored(), committed.location());
        return new RunResult(runId, sink.table(), committed.location(), committed.promoted(),
                plan.binding().model(), outcome, breaches, Duration.ofNanos(System.nanoTime() - start),
                spark.sparkContext().applicationId(), Optional.of(manifest));
    }

    private static void abortQuietly(RunSink sink, Exception failure) {
        try {
            sink.abort();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** The sink's writers of the plan's shadows, each with its model's version in its lineage. */
    private static ShadowSink shadows(ScoringPlan plan, StructType inputSchema, RunSink sink) {
        List<RunSink.Shadow> shadows = plan.bindings().stream().filter(b -> b.role() == Role.SHADOW)
                .map(b -> new RunSink.Shadow(b.name(), ScoreBindings.shadowSchema(plan, inputSchema, b),
                        ResolvedModel.versionValue(b.model())))
                .toList();
        return sink.shadows(shadows);
    }

    /**
     * The input scored lazily, when the sink's write runs, by every model of the plan in one pass
     * ({@link ScoreBindings}): the published rows (kept columns, the champion's or the canary's predictions, with
     * several models served_by) and, among them, the rejected ones; each shadow's rows go to {@code shadows} and
     * the comparisons to {@code comparisons}.
     */
    ScoredRows score(Dataset<Row> input, ScoringPlan plan, ScoringCounters counters,
                             ComparisonsAccumulator comparisons, ShadowSink shadows, ExecutorSpec executor) {
        StructType inputSchema = input.schema();
        StructType kept = new StructType(Arrays.stream(plan.keepOrdinals())
                .mapToObj(i -> inputSchema.fields()[i]).toArray(StructField[]::new));
        StructType predictions = ScoreBindings.publishedPredictions(plan);
        Optional<RDD<ColumnarBatch>> batches = ColumnarInput.batches(input, new BindingBatches(plan).capacity());
        int partitions = batches.map(RDD::getNumPartitions)
                .orElseGet(() -> input.queryExecution().toRdd().getNumPartitions());
        ScoreBindings scoring = new ScoreBindings(plan, inputSchema, counters, comparisons, executor,
                slotsPerTask(partitions));
        Function<RejectSink, RDD<InternalRow>> scored = rejects -> batches
                .map(b -> b.toJavaRDD().mapPartitions(scoring.overBatches(rejects, shadows)).rdd())
                .orElseGet(() -> input.queryExecution().toRdd().toJavaRDD()
                        .mapPartitions(scoring.overRows(rejects, shadows)).rdd());
        return new ScoredRows(spark, scored, new StructType(concat(kept.fields(), predictions.fields())),
                inputSchema);
    }

    /**
     * The task slots each task may use for its intra-op threads when inference.threads is auto: the job's slots
     * (Spark's default parallelism, in tasks of spark.task.cpus) over the input's partitions, at most an executor's
     * slots when spark.executor.cores is set; 1 when there are as many partitions as slots or more.
     */
    int slotsPerTask(int partitions) {
        SparkConf conf = spark.sparkContext().getConf();
        int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
        int slots = Math.max(1, spark.sparkContext().defaultParallelism() / taskCpus);
        if (partitions <= 0 || partitions >= slots) {
            return 1;
        }
        int perTask = slots / partitions;
        if (conf.contains("spark.executor.cores")) {
            perTask = Math.min(perTask, Math.max(1, conf.getInt("spark.executor.cores", 1) / taskCpus));
        }
        return Math.max(1, perTask);
    }

    private static StructField[] concat(StructField[] a, StructField[] b) {
        StructField[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The coldpath error behind a Spark failure, or the failure as an external one. */
    static RuntimeException translate(Exception e, String what) {
        if (e instanceof ColdpathException c) {
            return c;
        }
        Optional<InputDataException> badFile = InputFileFailures.classify(e);
        if (badFile.isPresent()) {
            return badFile.get();
        }
        return ColdpathException.find(e).<RuntimeException>map(c -> c)
                .orElseGet(() -> new ClusterException(what + ": " + firstLine(e), e));
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        return root.getClass().getSimpleName() + ": " + message.lines().findFirst().orElse("");
    }
}
