package dev.coldpath.spark;

import dev.coldpath.core.batch.LengthOrder;
import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.compare.BindingComparison;
import dev.coldpath.core.decode.ClassNamesDecoder;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.decode.TensorDecoder;
import dev.coldpath.core.decode.TensorValues;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.TokenizedText;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.OutOfMemoryException;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.model.DeviceChoice;
import dev.coldpath.core.plan.Inference;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.metrics.Stage;
import dev.coldpath.core.model.SessionCache;
import dev.coldpath.core.plan.ModelBinding;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.route.RouteKey;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.score.BatchScorer;
import dev.coldpath.core.score.BindingBatches;
import dev.coldpath.core.spec.ExecutorSpec;
import dev.coldpath.core.spec.Role;
import dev.coldpath.core.text.TextTokenizer;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.TaskFailureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The partition function (docs/architecture.md, "A run"): each row is read once, a chunk at a time
 * ({@link InputChunk}), encoded once per distinct feed ({@link BindingBatches}) and scored by every model of the plan
 * with the executor's shared sessions, one per model. It emits the published rows (kept columns, the champion's
 * predictions or, for the rows routed to it, the canary's; with several models, then {@value #SERVED_BY}) and, among
 * them, rejected rows ({@link RejectedRow}: the input row, whole, with the reason), unless the plan's bad-row policy
 * fails the task on the first; the sink splits the two ({@link ScoredRows}). It hands each shadow's rows (kept
 * columns, its predictions) to {@code shadows}, and compares every other model with the champion
 * ({@link BindingComparison}) into {@code comparisons} (docs/models.md). A row the champion (or its canary) cannot
 * score is rejected; a row only a shadow cannot score is left out of that shadow. Holds only the serializable plan
 * and accumulators; sessions are leased in the task, on the GPU Spark gave it when there is one, and released when
 * the task completes. Streams: at most one chunk of input is held at a time.
 */
final class ScoreBindings implements Serializable {
    private static final Logger LOG = LoggerFactory.getLogger(ScoreBindings.class);
    static final String SERVED_BY = "served_by";
    /** Batches of rows in the window a text model orders by length, when the input is not read in columnar chunks. */
    static final int BUCKET_WINDOW_BATCHES = 8;

    private final ScoringPlan plan;
    private final StructType inputSchema;
    private final ScoringCounters counters;
    private final ComparisonsAccumulator comparisons;
    private final ExecutorSpec executor;
    /** Task slots per task when inference.threads is auto: more than 1 when the input has fewer partitions. */
    private final int slotsPerTask;

    ScoreBindings(ScoringPlan plan, StructType inputSchema, ScoringCounters counters,
                  ComparisonsAccumulator comparisons, ExecutorSpec executor) {
        this(plan, inputSchema, counters, comparisons, executor, 1);
    }

    /**
     * With {@code slotsPerTask} above 1 (the input has fewer partitions than the job has task slots, as a single
     * small file does), a task whose threads are auto runs its sessions with that many times its cpus (at most the
     * executor's processors), so that the slots no task will use do not stay idle.
     */
    ScoreBindings(ScoringPlan plan, StructType inputSchema, ScoringCounters counters,
                  ComparisonsAccumulator comparisons, ExecutorSpec executor, int slotsPerTask) {
        if (slotsPerTask < 1) {
            throw new IllegalArgumentException("slotsPerTask must be > 0: " + slotsPerTask);
        }
        this.slotsPerTask = slotsPerTask;
        this.plan = plan;
        this.inputSchema = inputSchema;
        this.counters = counters;
        this.comparisons = comparisons;
        // the session cache's bound follows the job: it holds every model of the run at once
        this.executor = executor.withSessionsMax(Math.max(executor.sessionsMax(), plan.sessionsPerExecutor()));
    }

    /** The published rows' prediction columns: the champion's, then, with several models, {@value #SERVED_BY}. */
    static StructType publishedPredictions(ScoringPlan plan) {
        List<StructField> fields = new ArrayList<>(fields(plan.binding()));
        if (several(plan)) {
            fields.add(DataTypes.createStructField(SERVED_BY, DataTypes.StringType, false));
        }
        return new StructType(fields.toArray(StructField[]::new));
    }

    /**
     * The names of the columns a run writes, published or a shadow's, for its sink to check against the table's
     * own: the kept input columns, every model's predictions and, with several models, {@value #SERVED_BY}.
     */
    static List<String> runColumns(ScoringPlan plan) {
        List<String> columns = new ArrayList<>(plan.output().keepColumns());
        plan.bindings().forEach(b -> b.decoders().forEach(d -> columns.add(d.column())));
        if (several(plan)) {
            columns.add(SERVED_BY);
        }
        return columns;
    }

    /** The plan's shadows as a run's sink keeps them: name, rows' schema ({@link #shadowSchema}), model version. */
    static List<RunSink.Shadow> shadows(ScoringPlan plan, StructType inputSchema) {
        return plan.bindings().stream().filter(b -> b.role() == Role.SHADOW)
                .map(b -> new RunSink.Shadow(b.name(), shadowSchema(plan, inputSchema, b),
                        ResolvedModel.versionValue(b.model())))
                .toList();
    }

    /** Whether the plan has several models, so that the published rows say which served them. */
    static boolean several(ScoringPlan plan) {
        return plan.bindings().size() > 1;
    }

    /** A shadow's rows: the kept columns, then its prediction columns. */
    static StructType shadowSchema(ScoringPlan plan, StructType inputSchema, ModelBinding shadow) {
        List<StructField> fields = new ArrayList<>();
        for (int ordinal : plan.keepOrdinals()) {
            fields.add(inputSchema.fields()[ordinal]);
        }
        fields.addAll(fields(shadow));
        return new StructType(fields.toArray(StructField[]::new));
    }

    private static List<StructField> fields(ModelBinding binding) {
        return binding.decoders().stream().map(d -> DataTypes.createStructField(d.column(),
                SparkTypes.toDataType(d.type()), false)).toList();
    }

    /** The function over a columnar scan's batches. */
    FlatMapFunction<Iterator<ColumnarBatch>, InternalRow> overBatches(RejectSink rejects, ShadowSink shadows) {
        return batches -> ScoredRows.split(score(InputChunk.ofBatches(batches), false, shadows), rejects);
    }

    /**
     * The pass over one worker's batches outside Spark (the local runner, {@code LocalScoringJob}): with no task to
     * tell, the caller runs {@link LocalPass#complete} when the rows are all taken, or {@link LocalPass#fail}.
     *
     * @param threads the sessions' intra-op threads when inference.threads is auto
     */
    LocalPass overLocalBatches(Iterator<ColumnarBatch> batches, RejectSink rejects, ShadowSink shadows,
                               int threads) {
        return localPass(score(InputChunk.ofBatches(batches), false, shadows, threads), rejects);
    }

    private static LocalPass localPass(Scored scored, RejectSink rejects) {
        ScoredRows.Split split = ScoredRows.splitLocal(scored, rejects);
        return new LocalPass(split, scored.onComplete, () -> { // a task failure listener's work, Spark's own
            try {
                split.abort();
            } finally {
                scored.abortShadows();
            }
        });
    }

    /**
     * As {@link #overLocalBatches}, over rows of any other input (a folder of image files, {@code LocalImageInput}):
     * gathered in chunks as {@link #overRows} gathers a task's, so that the next chunk may be read early and its first
     * batch's images decoded ahead, as in a Spark task.
     *
     * @param threads the sessions' intra-op threads when inference.threads is auto
     * @param workers the local runner's workers scoring at once (its task slots, for the decode-ahead's choice)
     */
    LocalPass overLocalRows(Iterator<InternalRow> rows, RejectSink rejects, ShadowSink shadows, int threads,
                            int workers) {
        return localPass(score(InputChunk.ofRows(rows, rowWindow()), true, shadows, threads, workers), rejects);
    }

    /** A worker's pass outside Spark: its published rows, and what to run when they are done or when it failed. */
    record LocalPass(Iterator<InternalRow> rows, Runnable complete, Runnable fail) {
    }

    /** The function over rows of any plan. */
    FlatMapFunction<Iterator<InternalRow>, InternalRow> overRows(RejectSink rejects, ShadowSink shadows) {
        int window = rowWindow();
        return rows -> ScoredRows.split(score(InputChunk.ofRows(rows, window), true, shadows), rejects);
    }

    /** The rows of a chunk gathered from rows: a text model that buckets by length sorts several batches' worth. */
    private int rowWindow() {
        return new BindingBatches(plan).capacity() * (lengthOrderColumn(plan) >= 0 ? BUCKET_WINDOW_BATCHES : 1);
    }

    /**
     * The champion's text encoder, which tokenizes each chunk's texts ahead ({@link #tokenize}): the one whose
     * column orders the chunk by length when it buckets, else its first; null for a model without text.
     */
    private static TokenizedText windowText(ScoringPlan plan) {
        int ordered = lengthOrderColumn(plan);
        TokenizedText first = null;
        for (Encoder encoder : plan.binding().encoders()) {
            if (encoder instanceof TokenizedText text) {
                if (text.ordinal() == ordered) {
                    return text;
                }
                first = first == null ? text : first;
            }
        }
        return first;
    }

    /**
     * The tokens of each of the chunk's texts (null for a null text), made in one call into the tokenizer, which
     * encodes them in parallel: the window whose rows are then ordered by token count.
     */
    private static TextTokenizer.Tokens[] tokenize(InputChunk chunk, TokenizedText text) {
        int rows = chunk.rows();
        int ordinal = text.ordinal();
        int[] at = new int[rows];
        List<String> texts = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            InternalRow row = chunk.row(r);
            at[r] = row.isNullAt(ordinal) ? -1 : texts.size();
            if (at[r] >= 0) {
                texts.add(row.getUTF8String(ordinal).toString());
            }
        }
        TextTokenizer.Tokens[] made = text.tokenize(texts.toArray(String[]::new));
        TextTokenizer.Tokens[] tokens = new TextTokenizer.Tokens[rows];
        for (int r = 0; r < rows; r++) {
            tokens[r] = at[r] < 0 ? null : made[at[r]];
        }
        return tokens;
    }

    /** The input ordinal of the text whose length orders each chunk's rows (the champion's), or -1. */
    private static int lengthOrderColumn(ScoringPlan plan) {
        return plan.binding().lengthOrderColumn().orElse(-1);
    }

    /** @param readAhead whether a chunk's rows stay valid while the next chunk is read ({@link InputChunk#ofRows}) */
    private Iterator<InternalRow> score(Iterator<InputChunk> chunks, boolean readAhead, ShadowSink shadows) {
        return score(chunks, readAhead, shadows, 0, 0);
    }

    private Scored score(Iterator<InputChunk> chunks, boolean readAhead, ShadowSink shadows, int localThreads) {
        return score(chunks, readAhead, shadows, localThreads, 0);
    }

    /**
     * @param localThreads outside a task, the intra-op threads when inference.threads is auto; 0 in a task
     * @param localWorkers outside a task, the local runner's workers when known; 0 in a task
     */
    private Scored score(Iterator<InputChunk> chunks, boolean readAhead, ShadowSink shadows, int localThreads,
                         int localWorkers) {
        try {
            return open(chunks, readAhead, shadows, localThreads, localWorkers);
        } catch (OutOfMemoryError e) { // the batches' buffers are allocated here
            throw outOfMemory(e);
        }
    }

    private Scored open(Iterator<InputChunk> chunks, boolean readAhead, ShadowSink shadows, int localThreads,
                        int localWorkers) {
        TaskContext task = TaskContext.get();
        Inference inference = plan.binding().inference();
        int threads = inference.threads() > 0 ? inference.threads() : localThreads > 0 ? localThreads
                : TaskSlots.autoThreads(task, slotsPerTask);
        DeviceChoice device = DeviceChoice.choose(inference.device(), threads, assignedGpus(task),
                inference.device() != Device.CPU && DeviceChoice.cudaAvailable());
        device.fallback().ifPresent(reason -> counters.deviceFallbacks.add(executorId() + ": " + reason));
        counters.inference.add(new ResolvedInference(inference.batchSize(), device.settings()));
        String where = executorId() + "@" + ManagementFactory.getRuntimeMXBean().getName()
                + (device.settings().device() == Device.CUDA ? " on GPU " + device.settings().gpuId() : "");
        BindingBatches batches = new BindingBatches(plan);
        RunMetrics metrics = new RunMetrics();
        List<SessionCache.Lease> leases = new ArrayList<>();
        List<BatchScorer> scorers = new ArrayList<>();
        for (int i = 0; i < plan.bindings().size(); i++) {
            SessionCache.Lease lease = ExecutorSessions.acquire(plan.bindings().get(i).model(), device.settings(),
                    executor, counters.run);
            leases.add(lease);
            if (lease.created()) {
                metrics.sessionLoaded(lease.loadNanos());
            }
            // Every task on a session of this run reports it, as the opening task's report is lost with its executor.
            ExecutorSessions.opening(lease.model()).filter(opening -> opening.run().equals(counters.run))
                    .ifPresent(opening -> counters.sessions.add(new SessionsAccumulator.Opened(where,
                            opening.serial(), opening.loadNanos())));
            scorers.add(batches.scorer(i, lease.model()));
        }
        Scored scored = new Scored(chunks, batches, scorers, metrics, shadows,
                ImageDecodeAhead.of(plan, threads, readAhead, localWorkers));
        scored.onComplete = () -> {
            scored.decodeAhead.close();
            leases.forEach(SessionCache.Lease::close);
            counters.metrics.add(metrics);
            comparisons.add(scored.comparisons); // Spark keeps a failed task's updates out of the result
        };
        if (task != null) {
            task.addTaskCompletionListener((TaskContext t) -> scored.onComplete.run());
            task.addTaskFailureListener((TaskFailureListener) (t, e) -> scored.abortShadows());
        }
        return scored;
    }

    /**
     * The error that replaces an {@link OutOfMemoryError} of the task, naming the settings to change; the error
     * itself goes to the executor's log, not along as a cause (see {@link OutOfMemoryException}).
     */
    OutOfMemoryException outOfMemory(OutOfMemoryError e) {
        // INFO: the file only, as the console gets the task's one line; the stack trace says where memory ran out
        LOG.info("Out of memory in a scoring task; it fails with the message that names the settings", e);
        return new OutOfMemoryException("Out of memory on executor " + executorId() + " scoring batches of up to "
                + plan.binding().inference().batchSize() + " rows (" + e.getMessage() + "): lower"
                + " inference.batch-size, or raise spark.executor.memory (embedded local Spark: the JVM's heap and"
                + " direct memory, COLDPATH_JAVA_OPTS=-Xmx8g)");
    }

    /** The addresses of the GPUs Spark assigned to this task, if any. */
    static List<String> assignedGpus(TaskContext task) {
        if (task == null) {
            return List.of();
        }
        Option<ResourceInformation> gpu = task.resources().get("gpu");
        return gpu.isDefined() ? List.of(gpu.get().addresses()) : List.of();
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "local" : env.executorId(); // no Spark: the local runner
    }

    /** Scores a slice of rows with every model, then hands out its published and rejected rows. */
    private final class Scored implements Iterator<InternalRow> {
        private final Iterator<InputChunk> chunks;
        private final BindingBatches batches;
        private final List<BatchScorer> scorers;
        private final RunMetrics metrics;
        private final ShadowSink shadowSink;
        private final int champion;
        private final int canary;
        private final List<Integer> shadows = new ArrayList<>();
        /** What ends the pass: leases released, metrics and comparisons handed on. */
        private Runnable onComplete;
        private final PredictionWriter[][] writers;
        private final UTF8String[] names;
        private final SpecificInternalRow published;
        private final SpecificInternalRow[] shadowPredictions;
        private final UnsafeProjection output;
        private final UnsafeProjection[] shadowOutput;
        private final ShadowSink.Writer[] shadowWriters;
        private final UnsafeProjection wholeRow;
        private final JoinedRow joined = new JoinedRow();
        private final SparkValues values = new SparkValues();
        private final RouteKey routeKey = new RouteKey();
        private final int[] keyOrdinals;
        private final DataType[] keyTypes;
        /** Per compared binding: its comparison and which outputs pair with the champion's. */
        final Map<String, BindingComparison> comparisons = new LinkedHashMap<>();
        private final Compared[] compared;
        private final Deque<InternalRow> rejects = new ArrayDeque<>();
        private final int columns;
        private final boolean several = several(plan);
        private InputChunk chunk;
        /** The position in the current chunk's batching order of the next row to batch. */
        private int chunkNext;
        /** The current batch's rows are those at positions {@code from} to {@code to} of the batching order. */
        private int to;
        /** The position of the next row to hand out. */
        private int next;
        /** The input ordinal of the text whose length orders each chunk's rows, or -1 to keep the chunk's order. */
        private final int orderColumn = lengthOrderColumn(plan);
        /** Whether rows go into the batches one by one, within a text model's token budget. */
        private final boolean rowByRow = plan.bindings().stream().anyMatch(ModelBinding::readsText);
        /** The order in which the current chunk's rows are batched; null for the chunk's own order. */
        private int[] order;
        /** The champion's text encoder, which tokenizes each chunk's texts ahead in one call; null for none. */
        private final TokenizedText windowText = windowText(plan);
        /** The current chunk's tokens by chunk row (null for a null text), when {@link #windowText} is set. */
        private TextTokenizer.Tokens[] windowTokens;
        private long lastFillEnd;
        private BindingBatches.Scored scored;
        /** The task's image decode-ahead (a no-op when the plan reads no images or it is off). */
        final ImageDecodeAhead decodeAhead;
        /** The chunk after the current one, read early so that its first batch's images are decoded ahead. */
        private InputChunk pendingChunk;
        private long pendingReadNanos;

        Scored(Iterator<InputChunk> chunks, BindingBatches batches, List<BatchScorer> scorers, RunMetrics metrics,
               ShadowSink shadowSink, ImageDecodeAhead decodeAhead) {
            this.decodeAhead = decodeAhead;
            this.chunks = chunks;
            this.batches = batches;
            this.scorers = scorers;
            this.metrics = metrics;
            this.shadowSink = shadowSink;
            this.columns = inputSchema.size();
            List<ModelBinding> bindings = plan.bindings();
            int championAt = -1;
            int canaryAt = -1;
            writers = new PredictionWriter[bindings.size()][];
            names = new UTF8String[bindings.size()];
            shadowPredictions = new SpecificInternalRow[bindings.size()];
            shadowOutput = new UnsafeProjection[bindings.size()];
            shadowWriters = new ShadowSink.Writer[bindings.size()];
            compared = new Compared[bindings.size()];
            for (int i = 0; i < bindings.size(); i++) {
                ModelBinding b = bindings.get(i);
                names[i] = UTF8String.fromString(b.name());
                writers[i] = b.decoders().stream().map(PredictionWriter::forColumn).toArray(PredictionWriter[]::new);
                switch (b.role()) {
                    case CHAMPION -> championAt = i;
                    case CANARY -> canaryAt = i;
                    case SHADOW -> {
                        shadows.add(i);
                        StructType fields = new StructType(fields(b).toArray(StructField[]::new));
                        shadowPredictions[i] = row(fields);
                        shadowOutput[i] = UnsafeProjection.create(outputExpressions(fields));
                    }
                }
            }
            this.champion = championAt;
            this.canary = canaryAt;
            for (int i = 0; i < bindings.size(); i++) {
                if (i != champion) {
                    compared[i] = new Compared(bindings.get(champion), bindings.get(i));
                    comparisons.put(bindings.get(i).name(), compared[i].comparison);
                }
            }
            StructType publishedFields = publishedPredictions(plan);
            this.published = row(publishedFields);
            this.output = UnsafeProjection.create(outputExpressions(publishedFields));
            this.wholeRow = UnsafeProjection.create(CollectionConverters.asScala(RejectedRow.wholeRow(inputSchema,
                    plan.bindings())).toList());
            List<Column> key = plan.routing().isSet() ? plan.routing().key() : List.of();
            keyOrdinals = key.stream().mapToInt(c -> inputSchema.fieldIndex(c.name())).toArray();
            keyTypes = key.stream().map(c -> SparkTypes.toDataType(c.type())).toArray(DataType[]::new);
        }

        private SpecificInternalRow row(StructType fields) {
            List<DataType> types = Arrays.stream(fields.fields()).map(StructField::dataType).toList();
            return new SpecificInternalRow(CollectionConverters.asScala(types).toSeq());
        }

        /** Kept input columns, then {@code predictions}, from the input row joined with the prediction row. */
        private Seq<Expression> outputExpressions(StructType predictions) {
            List<Expression> exprs = new ArrayList<>();
            for (int ordinal : plan.keepOrdinals()) {
                StructField field = inputSchema.fields()[ordinal];
                exprs.add(new BoundReference(ordinal, field.dataType(), field.nullable()));
            }
            StructField[] fields = predictions.fields();
            for (int i = 0; i < fields.length; i++) {
                exprs.add(new BoundReference(columns + i, fields[i].dataType(), fields[i].nullable()));
            }
            return CollectionConverters.asScala(exprs).toList();
        }

        /**
         * Reading, scoring and handing out rows all allocate: an {@link OutOfMemoryError} there becomes the user's
         * message instead of the end of the executor's JVM.
         */
        @Override
        public boolean hasNext() {
            try {
                return advance();
            } catch (OutOfMemoryError e) {
                throw outOfMemory(e);
            }
        }

        @Override
        public InternalRow next() {
            try {
                return nextRow();
            } catch (OutOfMemoryError e) {
                throw outOfMemory(e);
            }
        }

        private OutOfMemoryException outOfMemory(OutOfMemoryError e) {
            scored = null; // room for the message; the task ends here
            return ScoreBindings.this.outOfMemory(e);
        }

        private boolean advance() {
            while (true) {
                if (!rejects.isEmpty()) {
                    return true;
                }
                while (next < to && servedRejection(rowAt(next)) != null) {
                    int r = rowAt(next);
                    String reason = servedRejection(r);
                    if (plan.badRows().failsOnFirst()) {
                        throw new InputDataException(reason + " in a row of input (" + key(r) + (keyOrdinals.length
                                == 0 && plan.keepOrdinals().length > 3 ? ", ..." : "") + "): fix or filter the input"
                                + " rows, or set bad-rows.policy");
                    }
                    counters.rowsRejected.add(1);
                    rejects.add(new RejectedRow(wholeRow.apply(chunk.row(r)).copy(), reason));
                    shadowsAndComparisons(r);
                    next++;
                }
                if (!rejects.isEmpty() || next < to) {
                    return true;
                }
                if (!fill()) {
                    commitShadows();
                    return false;
                }
            }
        }

        private InternalRow nextRow() {
            if (!advance()) {
                throw new NoSuchElementException();
            }
            if (!rejects.isEmpty()) {
                return rejects.poll();
            }
            int r = rowAt(next++);
            int served = servedBy(r);
            List<Prediction> predictions = scored.columns(served, r);
            int index = scored.index(served, r);
            PredictionWriter[] w = writers[served];
            for (int i = 0; i < w.length; i++) {
                w[i].write(predictions.get(i), index, published, i);
            }
            if (several) {
                published.update(w.length, names[served]);
            }
            shadowsAndComparisons(r);
            return output.apply(joined.apply(chunk.row(r), published));
        }

        /** The binding whose predictions row {@code r} publishes: the canary for the keys routed to it. */
        private int servedBy(int r) {
            if (canary < 0) {
                return champion;
            }
            InternalRow row = chunk.row(r);
            routeKey.reset();
            for (int k = 0; k < keyOrdinals.length; k++) {
                int o = keyOrdinals[k];
                if (row.isNullAt(o)) {
                    routeKey.appendNull();
                } else if (keyTypes[k] == DataTypes.StringType) {
                    routeKey.appendUtf8(row.getUTF8String(o).getBytes());
                } else if (keyTypes[k] == DataTypes.BooleanType) {
                    routeKey.appendBoolean(row.getBoolean(o));
                } else if (keyTypes[k] == DataTypes.LongType) {
                    routeKey.appendLong(row.getLong(o));
                } else if (keyTypes[k] == DataTypes.IntegerType) {
                    routeKey.appendLong(row.getInt(o));
                } else if (keyTypes[k] == DataTypes.ShortType) {
                    routeKey.appendLong(row.getShort(o));
                } else {
                    routeKey.appendLong(row.getByte(o));
                }
            }
            return plan.routing().toCanary(routeKey.bucket()) ? canary : champion;
        }

        private String servedRejection(int r) {
            return scored.rejection(servedBy(r), r);
        }

        /** Writes row {@code r} to each shadow that scored it, and compares each model that scored it too. */
        private void shadowsAndComparisons(int r) {
            boolean championScored = scored.rejection(champion, r) == null;
            for (int i = 0; i < compared.length; i++) {
                if (compared[i] == null || scored.rejection(i, r) != null) {
                    continue;
                }
                if (shadowOutput[i] != null) {
                    List<Prediction> predictions = scored.columns(i, r);
                    int index = scored.index(i, r);
                    for (int c = 0; c < writers[i].length; c++) {
                        writers[i][c].write(predictions.get(c), index, shadowPredictions[i], c);
                    }
                    shadowWriter(i).write(shadowOutput[i].apply(joined.apply(chunk.row(r), shadowPredictions[i])));
                }
                if (championScored) {
                    compared[i].row(r);
                }
            }
        }

        private ShadowSink.Writer shadowWriter(int binding) {
            if (shadowWriters[binding] == null) {
                shadowWriters[binding] = shadowSink.open(plan.bindings().get(binding).name());
            }
            return shadowWriters[binding];
        }

        private void commitShadows() {
            for (ShadowSink.Writer w : shadowWriters) {
                if (w != null) {
                    w.commit();
                }
            }
        }

        void abortShadows() {
            for (ShadowSink.Writer w : shadowWriters) {
                if (w != null) {
                    w.abort();
                }
            }
        }

        /** Reads and scores the next slice of the current chunk with every model. False when the input is done. */
        private boolean fill() {
            long start = System.nanoTime();
            if (lastFillEnd != 0) { // the last batch's rows: published, written to the shadows and compared
                metrics.record(Stage.WRITE, start - lastFillEnd);
            }
            batches.clear();
            long tokenizing = 0;
            while (chunk == null || chunkNext == chunk.rows()) {
                if (pendingChunk != null) {
                    chunk = pendingChunk;
                    pendingChunk = null;
                } else if (!chunks.hasNext()) {
                    return false;
                } else {
                    chunk = chunks.next();
                }
                chunkNext = 0;
                if (windowText != null) { // a text model: the chunk is the window its tokens order
                    long tokenize = System.nanoTime();
                    windowTokens = tokenize(chunk, windowText);
                    order = orderColumn < 0 ? null : LengthOrder.of(chunk.rows(),
                            r -> windowTokens[r] == null ? 0 : windowTokens[r].length());
                    long took = System.nanoTime() - tokenize;
                    metrics.record(Stage.TOKENIZE, took);
                    tokenizing += took;
                } else {
                    order = null;
                }
            }
            long read = System.nanoTime();
            metrics.record(Stage.READ, read - start - tokenizing + pendingReadNanos);
            pendingReadNanos = 0;
            int from = chunkNext;
            int end = Math.min(chunk.rows(), from + batches.capacity());
            if (rowByRow) { // in the batching order, until a row would take a text batch over its token budget
                while (chunkNext < end && batches.appendWithinBudget(rowValues(rowAt(chunkNext)), rowAt(chunkNext))) {
                    chunkNext++;
                }
            } else if (chunk.columns() != null) {
                batches.appendColumns(chunk.columns(), from, end, r -> values.wrap(chunk.row(r), columns));
                chunkNext = end;
            } else {
                for (int r = from; r < end; r++) {
                    batches.append(values.wrap(chunk.row(r), columns), r);
                }
                chunkNext = end;
            }
            to = chunkNext;
            next = from;
            long tensor = System.nanoTime() - read;
            if (decodeAhead.readsImages()) {
                long inline = decodeAhead.takeInlineNanos();
                metrics.record(Stage.IMAGE, inline + decodeAhead.takeAheadNanos());
                tensor -= inline;
                if (!rowByRow && order == null) {
                    startDecodeAhead();
                }
            }
            metrics.record(Stage.TENSOR, tensor);
            scored = batches.score(scorers, metrics);
            if (scored.of(champion) != null) {
                scored.of(champion).parts().forEach(metrics::observe);
            }
            if (plan.bindings().get(champion).readsText()) {
                for (BindingBatches.Feed feed : batches.feeds()) {
                    if (feed.bindings().contains(champion)) {
                        TensorBatch batch = feed.batch();
                        metrics.textBatch(batch.rows(), batch.paddedLength(), batch.paddedPositions(),
                                batch.truncatedRows());
                    }
                }
            }
            int accepted = 0;
            for (int p = from; p < to; p++) {
                if (servedRejection(rowAt(p)) == null) {
                    accepted++;
                }
            }
            metrics.batchDone(accepted, (System.currentTimeMillis() - counters.startMillis) / 1000);
            counters.rowsScored.add(accepted);
            counters.batches.add(1);
            lastFillEnd = System.nanoTime();
            return true;
        }

        /**
         * Hands the next batch's rows to the decode-ahead: the rest of the current chunk, or the first rows of the next
         * chunk, read now when the chunk's rows stay valid meanwhile.
         */
        private void startDecodeAhead() {
            if (!decodeAhead.on()) {
                return;
            }
            InputChunk source = chunk;
            int from = chunkNext;
            if (from == chunk.rows()) {
                if (!decodeAhead.readAhead() || pendingChunk != null) {
                    return;
                }
                long start = System.nanoTime();
                if (!chunks.hasNext()) {
                    return;
                }
                pendingChunk = chunks.next();
                pendingReadNanos = System.nanoTime() - start;
                source = pendingChunk;
                from = 0;
            }
            decodeAhead.start(source, from, Math.min(source.rows(), from + batches.capacity()));
        }

        /** Chunk row {@code r} as the encoders read it, with its tokens when they were made ahead. */
        private SparkValues rowValues(int r) {
            values.wrap(chunk.row(r), columns);
            return windowTokens == null ? values : values.withTokens(windowText, windowTokens[r]);
        }

        /** The chunk row at position {@code p} of the batching order. */
        private int rowAt(int p) {
            return order == null ? p : order[p];
        }

        /** The champion's and another model's outputs of the same name, as labels or as scores. */
        private final class Compared {
            final BindingComparison comparison;
            private final int other;
            private final int[] championLabels;
            private final int[] otherLabels;
            private final int[] championScores;
            private final int[] otherScores;
            private final String[] labelsA;
            private final String[] labelsB;
            private final double[] scoresA;
            private final double[] scoresB;

            Compared(ModelBinding championBinding, ModelBinding otherBinding) {
                this.other = plan.bindings().indexOf(otherBinding);
                List<String> labelNames = new ArrayList<>();
                List<String> scoreNames = new ArrayList<>();
                List<int[]> labelPairs = new ArrayList<>();
                List<int[]> scorePairs = new ArrayList<>();
                List<OutputDecoder> mine = championBinding.decoders();
                List<OutputDecoder> theirs = otherBinding.decoders();
                for (int a = 0; a < mine.size(); a++) {
                    for (int b = 0; b < theirs.size(); b++) {
                        OutputDecoder x = mine.get(a);
                        OutputDecoder y = theirs.get(b);
                        if (x.output().equals(y.output()) && oneValuePerRow(x) && oneValuePerRow(y)) {
                            boolean scores = floatingPoint(x) && floatingPoint(y);
                            (scores ? scoreNames : labelNames).add(x.output());
                            (scores ? scorePairs : labelPairs).add(new int[] {a, b});
                        }
                    }
                }
                comparison = new BindingComparison(otherBinding.name(), labelNames, scoreNames);
                championLabels = labelPairs.stream().mapToInt(p -> p[0]).toArray();
                otherLabels = labelPairs.stream().mapToInt(p -> p[1]).toArray();
                championScores = scorePairs.stream().mapToInt(p -> p[0]).toArray();
                otherScores = scorePairs.stream().mapToInt(p -> p[1]).toArray();
                labelsA = new String[championLabels.length];
                labelsB = new String[championLabels.length];
                scoresA = new double[championScores.length];
                scoresB = new double[championScores.length];
            }

            /** A rank-1 output: a number or a label per row, or a label's class name. */
            private static boolean oneValuePerRow(OutputDecoder d) {
                return d instanceof TensorDecoder t && t.rank() == 1
                        || d instanceof ClassNamesDecoder c && c.shape() == ClassNamesDecoder.Shape.LABEL;
            }

            private static boolean floatingPoint(OutputDecoder d) {
                return d instanceof TensorDecoder t && t.elementType().isFloatingPoint();
            }

            void row(int r) {
                List<Prediction> a = scored.columns(champion, r);
                int ia = scored.index(champion, r);
                List<Prediction> b = scored.columns(other, r);
                int ib = scored.index(other, r);
                for (int i = 0; i < championLabels.length; i++) {
                    labelsA[i] = String.valueOf(a.get(championLabels[i]).valueAt(ia));
                    labelsB[i] = String.valueOf(b.get(otherLabels[i]).valueAt(ib));
                }
                for (int i = 0; i < championScores.length; i++) {
                    scoresA[i] = number(a.get(championScores[i]), ia);
                    scoresB[i] = number(b.get(otherScores[i]), ib);
                }
                comparison.row(() -> key(r), labelsA, labelsB, scoresA, scoresB);
            }

            private double number(Prediction p, int index) {
                TensorValues t = (TensorValues) p;
                return t.type().doubleAt(t.values(), index);
            }
        }

        /** The row's routing key, else its first three kept columns, as comparisons name rows. */
        private String key(int r) {
            InternalRow row = chunk.row(r);
            int[] ordinals = keyOrdinals.length > 0 ? keyOrdinals
                    : Arrays.stream(plan.keepOrdinals()).limit(3).toArray();
            List<String> names = new ArrayList<>();
            Object[] keyValues = new Object[ordinals.length];
            for (int i = 0; i < ordinals.length; i++) {
                StructField field = inputSchema.fields()[ordinals[i]];
                names.add(field.name());
                keyValues[i] = row.isNullAt(ordinals[i]) ? null : row.get(ordinals[i], field.dataType());
            }
            return BindingComparison.key(names, keyValues);
        }
    }
}
