package dev.coldpath.spark;

import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.encode.RowRejectedException;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.OutOfMemoryException;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.metrics.Stage;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.model.DeviceChoice;
import dev.coldpath.core.model.SessionCache;
import dev.coldpath.core.plan.Inference;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.spec.ExecutorSpec;
import dev.coldpath.core.score.BatchScorer;
import dev.coldpath.core.score.ScoredBatch;
import dev.coldpath.core.tensor.Columns;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
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
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The partition function: scores a partition's rows in batches with the executor's shared session, in one read and
 * one inference per row. It emits accepted rows (kept columns joined with predictions) and, among them, rejected
 * rows ({@link RejectedRow}: the input row, whole, with the reason), unless the plan's bad-row policy fails the task
 * on the first; the sink splits the two ({@link ScoredRows}). Reads the input a chunk at a time ({@link InputChunk}):
 * a batch is a range of one chunk, filled column by column when the chunk is columnar, and its output rows are views
 * into the chunk and the predictions, made into UnsafeRows by one reused projection. Holds only the serializable plan
 * and accumulators; the session is leased inside the task and released when the task completes. Streams: at most
 * one chunk of input is held at a time.
 */
final class ScorePartition implements Serializable {
    private static final Logger LOG = LoggerFactory.getLogger(ScorePartition.class);
    private final ScoringPlan plan;
    private final StructType inputSchema;
    private final StructType predictionSchema;
    private final ScoringCounters counters;
    private final ExecutorSpec executor;

    ScorePartition(ScoringPlan plan, StructType inputSchema, StructType predictionSchema, ScoringCounters counters,
                   ExecutorSpec executor) {
        this.plan = plan;
        this.executor = executor;
        this.inputSchema = inputSchema;
        this.predictionSchema = predictionSchema;
        this.counters = counters;
    }

    /** The function over a columnar scan's batches; rejected rows go to {@code rejects}. */
    FlatMapFunction<Iterator<ColumnarBatch>, InternalRow> overBatches(RejectSink rejects) {
        return batches -> ScoredRows.split(score(InputChunk.ofBatches(batches)), rejects);
    }

    /** The function over rows of any plan; rejected rows go to {@code rejects}. */
    FlatMapFunction<Iterator<InternalRow>, InternalRow> overRows(RejectSink rejects) {
        return rows -> ScoredRows.split(score(InputChunk.ofRows(rows, plan.binding().inference().batchSize())),
                rejects);
    }

    private Iterator<InternalRow> score(Iterator<InputChunk> chunks) {
        try {
            return open(chunks);
        } catch (OutOfMemoryError e) { // the batch's buffers are allocated here
            throw outOfMemory(e);
        }
    }

    /**
     * The error that replaces an {@link OutOfMemoryError} of the task, naming the settings to change; the error
     * itself goes to the executor's log, not along as a cause (see {@link OutOfMemoryException}).
     */
    private OutOfMemoryException outOfMemory(OutOfMemoryError e) {
        // INFO: the file only, as the console gets the task's one line; the stack trace says where memory ran out
        LOG.info("Out of memory in a scoring task; it fails with the message that names the settings", e);
        return new OutOfMemoryException("Out of memory on executor " + executorId() + " scoring batches of up to "
                + plan.binding().inference().batchSize() + " rows (" + e.getMessage() + "): lower"
                + " inference.batch-size, or raise spark.executor.memory (embedded local Spark: the JVM's heap and"
                + " direct memory, COLDPATH_JAVA_OPTS=-Xmx8g)");
    }

    private Iterator<InternalRow> open(Iterator<InputChunk> chunks) {
        TaskContext task = TaskContext.get();
        Inference inference = plan.binding().inference();
        int threads = inference.threads() > 0 ? inference.threads() : Math.max(1, task == null ? 1 : task.cpus());
        DeviceChoice device = DeviceChoice.choose(inference.device(), threads, assignedGpus(task),
                inference.device() != Device.CPU && DeviceChoice.cudaAvailable());
        device.fallback().ifPresent(reason -> counters.deviceFallbacks.add(executorId() + ": " + reason));
        SessionCache.Lease lease = ExecutorSessions.acquire(plan.binding().model(), device.settings(), executor,
                counters.run);
        counters.inference.add(new ResolvedInference(inference.batchSize(), device.settings()));
        RunMetrics metrics = new RunMetrics();
        if (lease.created()) {
            metrics.sessionLoaded(lease.loadNanos());
        }
        // Every task on a session of this run reports it, as the opening task's report is lost with its executor.
        ExecutorSessions.opening(lease.model()).filter(opening -> opening.run().equals(counters.run))
                .ifPresent(opening -> counters.sessions.add(new SessionsAccumulator.Opened(executorId() + "@"
                        + ManagementFactory.getRuntimeMXBean().getName()
                        + (device.settings().device() == Device.CUDA ? " on GPU " + device.settings().gpuId() : ""),
                        opening.serial(), opening.loadNanos())));
        if (task != null) {
            task.addTaskCompletionListener((TaskContext t) -> {
                lease.close();
                counters.metrics.add(metrics);
            });
        }
        return new Scored(chunks, new BatchScorer(plan.binding(), lease.model()), metrics);
    }

    /** The addresses of the GPUs Spark assigned to this task, if any. */
    private static List<String> assignedGpus(TaskContext task) {
        if (task == null) {
            return List.of();
        }
        Option<ResourceInformation> gpu = task.resources().get("gpu");
        return gpu.isDefined() ? List.of(gpu.get().addresses()) : List.of();
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "?" : env.executorId();
    }

    /**
     * Scores a batch, then hands out its rows, the rejected ones first; the next batch is read only when these are
     * gone. Each accepted row handed out is valid until the next is asked for, as Spark's writer expects.
     */
    private final class Scored implements Iterator<InternalRow> {
        private final Iterator<InputChunk> chunks;
        private final BatchScorer scorer;
        private final RunMetrics metrics;
        private final TensorBatch batch = plan.newBatch();
        private final SparkValues values = new SparkValues();
        private final PredictionWriter[] writers;
        private final SpecificInternalRow prediction;
        private final JoinedRow joined = new JoinedRow();
        private final UnsafeProjection output;
        private final UnsafeProjection wholeRow;
        /** The batch's rejected rows, waiting to be handed out. */
        private final Deque<InternalRow> rejects = new ArrayDeque<>();
        private final int columns;
        private InputChunk chunk;
        private int chunkNext;
        private ScoredBatch scored;
        private long lastFillEnd;
        private long rejectedHere;
        private int next;
        private int size;

        Scored(Iterator<InputChunk> chunks, BatchScorer scorer, RunMetrics metrics) {
            this.chunks = chunks;
            this.scorer = scorer;
            this.metrics = metrics;
            this.columns = inputSchema.size();
            this.writers = plan.binding().decoders().stream().map(PredictionWriter::forColumn)
                    .toArray(PredictionWriter[]::new);
            List<DataType> types = Arrays.stream(predictionSchema.fields()).map(StructField::dataType).toList();
            this.prediction = new SpecificInternalRow(CollectionConverters.asScala(types).toSeq());
            this.output = UnsafeProjection.create(outputExpressions());
            this.wholeRow = UnsafeProjection.create(wholeRowExpressions());
        }

        /** Kept input columns, then predictions, read from the input row joined with the prediction row. */
        private Seq<Expression> outputExpressions() {
            List<Expression> exprs = new ArrayList<>();
            for (int ordinal : plan.keepOrdinals()) {
                StructField field = inputSchema.fields()[ordinal];
                exprs.add(new BoundReference(ordinal, field.dataType(), field.nullable()));
            }
            StructField[] predictions = predictionSchema.fields();
            for (int i = 0; i < predictions.length; i++) {
                exprs.add(new BoundReference(columns + i, predictions[i].dataType(), predictions[i].nullable()));
            }
            return CollectionConverters.asScala(exprs).toList();
        }

        private Seq<Expression> wholeRowExpressions() {
            return CollectionConverters.asScala(RejectedRow.wholeRow(inputSchema, plan.bindings())).toList();
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
            return ScorePartition.this.outOfMemory(e);
        }

        private boolean advance() {
            while (true) {
                if (!rejects.isEmpty()) {
                    return true;
                }
                while (next < size && scored.isRejected(next)) {
                    rejects.add(rejectRow(chunk.row(batch.sourceRow(next)), scored.rejection(next)));
                    next++;
                }
                if (!rejects.isEmpty() || next < size) {
                    return true;
                }
                if (!fill()) {
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
            int r = next++;
            List<Prediction> predictions = scored.columns(r);
            int index = scored.index(r);
            for (int i = 0; i < writers.length; i++) {
                writers[i].write(predictions.get(i), index, prediction, i);
            }
            return output.apply(joined.apply(chunk.row(batch.sourceRow(r)), prediction));
        }

        /** The whole input row, copied, with the reason it was rejected. */
        private InternalRow rejectRow(InternalRow row, String reason) {
            return new RejectedRow(wholeRow.apply(row).copy(), reason);
        }

        /**
         * Reads and scores the next batch: the rows of the current chunk not scored yet, as many as fit. False
         * when the input is exhausted.
         */
        private boolean fill() {
            long fillStart = System.nanoTime();
            if (lastFillEnd != 0) {
                metrics.record(Stage.WRITE, fillStart - lastFillEnd);
            }
            batch.clear();
            next = 0;
            size = 0;
            while (chunk == null || chunkNext == chunk.rows()) {
                if (!chunks.hasNext()) {
                    return false;
                }
                chunk = chunks.next();
                chunkNext = 0;
            }
            long read = System.nanoTime();
            metrics.record(Stage.READ, read - fillStart);
            int from = chunkNext;
            int to = Math.min(chunk.rows(), from + batch.capacity());
            chunkNext = to;
            rejectedHere = 0;
            Columns columnar = chunk.columns();
            if (columnar == null || !batch.appendColumns(columnar, from, to, this::reject)) {
                for (int r = from; r < to; r++) {
                    try {
                        batch.append(values.wrap(chunk.row(r), columns), r);
                    } catch (RowRejectedException e) {
                        reject(r, e);
                    }
                }
            }
            size = batch.rows();
            metrics.record(Stage.TENSOR, System.nanoTime() - read);
            if (size > 0) {
                scored = scorer.scoreIsolatingFailures(batch, metrics);
                if (scored.rejected() > 0 && plan.badRows().failsOnFirst()) {
                    int r = firstRejected(scored);
                    throw new InputDataException(scored.rejection(r) + " in a row of input "
                            + keyOf(chunk.row(batch.sourceRow(r))) + ": fix or filter the input rows, or set"
                            + " bad-rows.policy");
                }
                rejectedHere += scored.rejected();
                scored.parts().forEach(metrics::observe);
                int good = size - scored.rejected();
                metrics.batchDone(good, (System.currentTimeMillis() - counters.startMillis) / 1000);
                counters.rowsScored.add(good);
                counters.batches.add(1);
            }
            counters.rowsRejected.add(rejectedHere);
            lastFillEnd = System.nanoTime();
            return true;
        }

        /** Chunk row {@code r} could not become a tensor row: it fails the task, or waits to be handed out. */
        private void reject(int r, RowRejectedException e) {
            rejectedHere++;
            InternalRow row = chunk.row(r);
            if (plan.badRows().failsOnFirst()) {
                throw new InputDataException(e.reason() + " in a row of input " + keyOf(row)
                        + ": fix or filter the input rows, or set bad-rows.policy");
            }
            rejects.add(rejectRow(row, e.reason()));
        }

        private int firstRejected(ScoredBatch s) {
            for (int r = 0; r < s.rows(); r++) {
                if (s.isRejected(r)) {
                    return r;
                }
            }
            throw new IllegalStateException("no rejected row");
        }

        /** Up to three of the input row's kept columns, to name a bad row. */
        private String keyOf(InternalRow row) {
            int[] ordinals = plan.keepOrdinals();
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < ordinals.length && i < 3; i++) {
                StructField field = inputSchema.fields()[ordinals[i]];
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(field.name()).append('=')
                        .append(row.isNullAt(ordinals[i]) ? "null" : row.get(ordinals[i], field.dataType()));
            }
            return sb.append(ordinals.length > 3 ? ", ...)" : ")").toString();
        }
    }
}
