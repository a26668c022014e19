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
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.ModelQuantization;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.plan.ParquetRunTable;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.IcebergTable;
import dev.coldpath.core.plan.Sink;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.IcebergOutput;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.KeyType;
import dev.coldpath.core.spec.RunPeriod;
import dev.coldpath.core.table.RunLineage;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.types.StructType;
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

    /** Everything the run will do, checked, before any data is read or written: planned as by {@link Coldpath#plan}. */
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
        Optional<IcebergSource> tableInput = Optional.empty();
        if (spec.input().table().isPresent()) {
            Optional<IcebergSource.Range> range = icebergRange(spec);
            if (range.isEmpty()) {
                return Optional.empty();
            }
            tableInput = Optional.of(new IcebergSource(spark, range.get()));
        } else if (spec.input().incremental()) {
            RunTable table = new RunTable(store, tableRoot);
            partitions = JobPreflight.unscoredPartitions(store, table, input, model.artifact().sha256());
            if (partitions.isEmpty()) {
                ParquetSource.open(spark, input); // still report an input that is not there yet
                return Optional.empty();
            }
        }
        InputSource source = tableInput.isPresent() ? tableInput.get()
                : spec.input().images() ? ImageFilesSource.open(spark, input, spec.input().effectiveGlob())
                : ParquetSource.open(spark, input, partitions, spec.input().badFiles());
        Map<String, ModelQuantization> quantization = new LinkedHashMap<>();
        Coldpath.Planned planned = Coldpath.plan(spark, spec, model, source.read().schema(), source.path(), tableRoot,
                quantization);
        return Optional.of(new Prepared(spec, source, planned.plan(), planned.signature(), model.versionValue(),
                quantization));
    }

    /**
     * What a run of an Iceberg table input reads (through the session's catalogs, which the job's keys configure):
     * empty when an incremental job finds nothing appended since the output table's last run.
     */
    private Optional<IcebergSource.Range> icebergRange(JobSpec spec) {
        String name = spec.input().table().orElseThrow().table();
        IcebergRunSink.configureCatalog(spark, store, name, spec.inputWarehouse().orElse(""), "input.table",
                "input.warehouse (or output.warehouse)");
        Table input = sparkTable(name).orElseThrow(() -> new InputDataException(Fault.INPUT_NOT_READY,
                "Input table " + name + " does not exist (yet): check input.table and the catalog's settings"));
        Optional<Table> output = Optional.empty();
        if (spec.input().incremental() && spec.output().iceberg().isPresent()) {
            IcebergOutput out = spec.output().iceberg().get();
            IcebergRunSink.configureCatalog(spark, store, out.table(), out.warehouse().orElse(""), "output.table",
                    "output.warehouse");
            output = sparkTable(out.table());
        }
        return IcebergSource.range(name, input, output, spec.input().incremental());
    }

    /** An Iceberg table of the session's catalogs, freshly loaded; empty when it does not exist. */
    private Optional<Table> sparkTable(String name) {
        try {
            Table table = Spark3Util.loadIcebergTable(spark, name);
            table.refresh();
            return Optional.of(table);
        } catch (NoSuchTableException | org.apache.iceberg.exceptions.NoSuchTableException e) {
            return Optional.empty();
        } catch (ParseException e) {
            throw new JobSpecException("Invalid table name " + name + ": " + e.getMessage());
        }
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
            String table = spec.output().iceberg().map(IcebergOutput::table)
                    .orElseGet(() -> new RunTable(store, store.qualify(spec.output().path())).root());
            return new RunResult(runId, table, "", false,
                    model.artifact(), RunOutcome.none(started), List.of(), Duration.ofNanos(System.nanoTime() - start),
                    spark.sparkContext().applicationId(), Optional.empty());
        }
        Prepared prepared = maybe.get();
        RunSink sink = sink(prepared.plan());
        if (sink instanceof IcebergRunSink iceberg && prepared.source() instanceof IcebergSource read) {
            iceberg.recordInput(read.range());
        }
        sink.stage(new RunLineage(prepared.versionValue(), runId, spec.run().period().map(RunPeriod::id), started));
        String group = "coldpath-" + runId + "-" + UUID.randomUUID();
        WallClockBudget deadline = WallClockBudget.start(spark, group, prepared.plan().budget());
        try {
            spark.sparkContext().setJobGroup(group, "coldpath run " + runId, true);
            RunOutcome outcome = scorePass(prepared, sink, group, runId, started, deadline);
            awaitStragglers(group, runId);
            CommitPause.hold(runId);
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
                        + KeyType.durationText(spec.budget().maxWallTime().orElseThrow())
                        + " and was cancelled; nothing was committed"
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
        List<String> columns = ScoreBindings.runColumns(plan);
        if (sink instanceof ParquetRunTable table) {
            return new ParquetRunTableSink(spark, store, table, columns);
        }
        if (sink instanceof IcebergTable table) {
            return new IcebergRunSink(spark, store, table, plan.binding().model(), columns);
        }
        throw new IllegalArgumentException("no Spark sink for " + sink);
    }

    /**
     * The one pass over the input, {@link Coldpath#scorePass} as {@link Coldpath#score} makes it: every row is read
     * and scored once, and the sink writes the accepted rows and (with bad-rows.policy quarantine) the rejected ones
     * in the same Spark job.
     */
    private RunOutcome scorePass(Prepared prepared, RunSink sink, String group, String runId, Instant started,
                                 WallClockBudget deadline) {
        ScoringPlan plan = prepared.plan();
        ScoringCounters counters = new ScoringCounters(spark.sparkContext(), started.toEpochMilli());
        ComparisonsAccumulator comparisons = new ComparisonsAccumulator();
        try (ProgressPoller poller = ProgressPoller.start(spark, group, runId, counters, progress, progressEvery)) {
            Dataset<Row> input = prepared.source().read();
            spark.sparkContext().register(comparisons, "coldpath.comparisons");
            ScoredRows rows = Coldpath.scorePass(input, plan, counters, comparisons, shadows(plan, input.schema(),
                    sink), prepared.spec().executor());
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
        return sink.shadows(ScoreBindings.shadows(plan, inputSchema));
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
