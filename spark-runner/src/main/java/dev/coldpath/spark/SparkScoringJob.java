package dev.coldpath.spark;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ParquetSink;
import dev.coldpath.connectors.ParquetSource;
import dev.coldpath.core.error.ClusterException;
import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.io.FileStore;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.ScoringPlanner;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.ExecutorSpec;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.table.StagedRun;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Runs a scoring job on Spark: preflight on the driver (input listed, model resolved and opened once to read
 * its signature, schema checked against it), then one pass over the input that scores each partition in
 * batches into the run's staging directory, then the commit into the prediction table. Driver-only.
 */
public final class SparkScoringJob {
    /** The column of the quarantine that says why a row was rejected. */
    public static final String REASON_COLUMN = "_coldpath_reason";
    /** How long a failed run waits for its job's remaining tasks to stop before it removes its staging. */
    private static final Duration ABORT_DRAIN = Duration.ofSeconds(60);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SparkScoringJob.class);

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
    public record Prepared(JobSpec spec, ParquetSource source, ScoringPlan plan, ModelSignature signature,
                           String versionValue) {
    }

    /** Checks the job without running it; empty when an incremental job finds nothing new to score. */
    public java.util.Optional<Prepared> prepare(JobSpec spec) {
        ResolvedModel model = ModelResolver.resolve(spec, store, spark.sparkContext().hadoopConfiguration());
        try {
            return prepare(spec, model);
        } catch (Exception e) { // reading the input's footers can fail inside Spark
            throw translate(e, "Reading " + spec.resolvedInputPath() + " failed");
        }
    }

    private java.util.Optional<Prepared> prepare(JobSpec spec, ResolvedModel model) {
        store.checkDirectoryOrAbsent(spec.output().path(), "output.path");
        RunTable table = new RunTable(store, store.qualify(spec.output().path()));
        String input = spec.resolvedInputPath();
        List<String> partitions = List.of();
        if (spec.input().incremental()) {
            partitions = unscoredPartitions(table, input, model.artifact().sha256());
            if (partitions.isEmpty()) {
                ParquetSource.open(spark, input); // still report an input that is not there yet
                return java.util.Optional.empty();
            }
        }
        ParquetSource source = ParquetSource.open(spark, input, partitions);
        ModelSignature signature;
        try (OnnxModel session = OnnxModel.open(spec.model().source(), model.bytes(), SessionSettings.cpu(1))) {
            signature = session.signature();
        }
        RowSchema schema = SparkTypes.toRowSchema(source.read().schema());
        ScoringPlan plan = ScoringPlanner.plan(new ScoringPlanner.Request(model.artifact(), signature, schema,
                spec.model().features(), spec.model().outputs(), spec.output().keepColumns(),
                spec.model().outputPrefix(), spec.inference().batchSize(), spec.inference().threads()))
                .withBadRows(spec.badRows()).withDevice(spec.inference().device());
        return java.util.Optional.of(new Prepared(spec, source, plan, signature, model.versionValue()));
    }

    /** The input's partition directories that no committed run of this model (by sha256) has read. */
    private List<String> unscoredPartitions(RunTable table, String input, String sha256) {
        Set<String> scored = new HashSet<>();
        for (CommittedRun run : table.runs()) {
            if (run.manifest().model().sha256().equals(sha256)) {
                scored.addAll(run.manifest().input().partitions());
            }
        }
        if (!store.exists(input)) {
            return List.of();
        }
        return store.list(input).stream()
                .filter(e -> e.directory() && e.name().contains("=") && !e.name().startsWith("_"))
                .map(FileStore.Entry::name)
                .filter(name -> !scored.contains(name))
                .toList();
    }

    public RunResult run(JobSpec spec) {
        Instant started = Instant.now();
        long start = System.nanoTime();
        String runId = spec.effectiveRunId(started);
        RunTable table = new RunTable(store, store.qualify(spec.output().path()));
        ResolvedModel model = ModelResolver.resolve(spec, store, spark.sparkContext().hadoopConfiguration());
        java.util.Optional<Prepared> maybe;
        try {
            maybe = prepare(spec, model);
        } catch (Exception e) { // reading the input's footers can fail inside Spark
            throw translate(e, "Reading " + spec.resolvedInputPath() + " failed");
        }
        if (maybe.isEmpty()) {
            return new RunResult(runId, table.root(), "", false, model.artifact(), 0, 0, 0, 0, 0, List.of(),
                    Duration.ZERO, Duration.ofNanos(System.nanoTime() - start), spark.sparkContext().applicationId(),
                    new RunMetrics(), List.of(), List.of(), java.util.Optional.empty());
        }
        Prepared prepared = maybe.get();
        Dataset<Row> input = prepared.source().read();
        ScoringCounters counters = new ScoringCounters(spark.sparkContext(), started.toEpochMilli());
        StagedRun staged = table.stage(runId, prepared.versionValue());
        String group = "coldpath-" + runId + "-" + java.util.UUID.randomUUID();
        WallClockBudget deadline = WallClockBudget.start(spark, group, spec.budget());
        try {
            spark.sparkContext().setJobGroup(group, "coldpath run " + runId, true);
            try (ProgressPoller poller = ProgressPoller.start(spark, group, runId, counters, progress,
                    progressEvery)) {
                ParquetSink.write(score(input, prepared.plan(), counters, ScorePartition.Mode.PREDICTIONS,
                        spec.executor()), staged.path());
            } finally {
                deadline.cancel();
            }
            long scored = counters.rowsScored.value();
            long rejected = counters.rowsRejected.value();
            if (scored + rejected == 0) { // counted in the scoring job itself: no extra pass over the input
                throw new InputDataException("Input " + prepared.source().path() + " has no rows: nothing to score");
            }
            BadRowsCheck.check(spec.badRows(), scored, rejected);
            String quarantine = null;
            if (rejected > 0 && spec.badRows().policy() == dev.coldpath.core.spec.BadRows.Policy.QUARANTINE) {
                quarantine = store.resolve(staged.path(), "_quarantine");
                ParquetSink.write(score(input, prepared.plan(), new ScoringCounters(spark.sparkContext(),
                        started.toEpochMilli()), ScorePartition.Mode.REJECTS, spec.executor()), quarantine);
            }
            Instant ended = Instant.now();
            RunMetrics metrics = counters.metrics.value();
            List<String> fallbacks = List.copyOf(new java.util.TreeSet<>(counters.deviceFallbacks.value()));
            fallbacks.forEach(f -> LOG.warn("inference.device is auto but executor {} ran on the CPU", f));
            List<String> breaches = BudgetCheck.breaches(spec.budget(), Duration.between(started, ended), metrics,
                    scored);
            BudgetCheck.enforce(spec.budget(), breaches);
            RunManifest manifest = RunManifests.of(prepared, runId, staged, counters, started, ended,
                    spark.sparkContext().applicationId(), spark.sparkContext().master(), breaches,
                    quarantine == null ? null : "_quarantine");
            dev.coldpath.core.report.RunReport.write(store, staged.path(), manifest);
            boolean promote = spec.output().promote() == PromotePolicy.ON_SUCCESS;
            CommittedRun committed = table.commit(staged, manifest, new RunTable.CommitOptions(promote,
                    spec.output().replace(), spec.output().viewName()));
            return new RunResult(runId, table.root(), committed.path(), promote, prepared.plan().model(),
                    scored + rejected, scored, rejected, counters.batches.value(), counters.sessionsCreated.value(),
                    counters.sessionOwners.value(), Duration.ofNanos(counters.sessionLoadNanos.value()),
                    Duration.ofNanos(System.nanoTime() - start), spark.sparkContext().applicationId(), metrics,
                    breaches, fallbacks, java.util.Optional.of(manifest));
        } catch (Exception e) { // Spark's failures are checked exceptions thrown through Scala code
            if (!TaskDrain.cancelAndAwait(spark.sparkContext(), group, ABORT_DRAIN)) {
                LOG.warn("Run {} failed and some of its tasks were still running {} s later; its staging directory"
                        + " is removed now, and `coldpath runs gc {}` removes what those tasks write after that",
                        runId, ABORT_DRAIN.toSeconds(), table.root());
            }
            abortQuietly(table, staged, e);
            if (deadline.expired()) {
                throw new dev.coldpath.core.error.BudgetBreachedException("Run " + runId + " exceeded"
                        + " budget.max-wall-time " + spec.budget().maxWallTime().orElseThrow() + " and was cancelled;"
                        + " nothing was committed (raise the budget, or give the job more executors)");
            }
            throw translate(e, "Scoring " + prepared.source().path() + " into " + table.root() + " failed");
        } finally {
            spark.sparkContext().clearJobGroup();
        }
    }

    private static void abortQuietly(RunTable table, StagedRun staged, Exception failure) {
        try {
            table.abort(staged);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** The input with kept columns and predictions, scored lazily when an action runs. */
    Dataset<Row> score(Dataset<Row> input, ScoringPlan plan, ScoringCounters counters, ScorePartition.Mode mode,
                       ExecutorSpec executor) {
        StructType inputSchema = input.schema();
        StructType kept = new StructType(Arrays.stream(plan.keepOrdinals())
                .mapToObj(i -> inputSchema.fields()[i]).toArray(StructField[]::new));
        StructType predictions = new StructType(plan.outputs().stream()
                .map(SparkScoringJob::field).toArray(StructField[]::new));
        StructType output = mode == ScorePartition.Mode.PREDICTIONS
                ? new StructType(concat(kept.fields(), predictions.fields()))
                : inputSchema.add(DataTypes.createStructField(REASON_COLUMN, DataTypes.StringType, false));
        ScorePartition scoring = new ScorePartition(plan, inputSchema, predictions, counters, mode, executor);
        RDD<InternalRow> scored = ColumnarInput.batches(input, plan.batchSize())
                .map(batches -> batches.toJavaRDD().mapPartitions(scoring.overBatches()).rdd())
                .orElseGet(() -> input.queryExecution().toRdd().toJavaRDD().mapPartitions(scoring.overRows()).rdd());
        return ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(scored, output, false);
    }

    private static StructField field(OutputDecoder column) {
        return DataTypes.createStructField(column.column(), SparkTypes.toDataType(column.type()), false);
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
