package dev.coldpath.spark;

import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.metrics.Stage;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.model.DeviceChoice;
import dev.coldpath.core.model.SessionCache;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.tensor.BatchScorer;
import dev.coldpath.core.tensor.RowRejectedException;
import dev.coldpath.core.tensor.ScoredBatch;
import dev.coldpath.core.tensor.TensorBatch;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The partition function: scores a partition's rows in batches with the executor's shared session. In
 * {@link Mode#PREDICTIONS} it yields kept columns joined with predictions and leaves rejected rows out (or
 * fails on the first, as the plan's bad-row policy says); in {@link Mode#REJECTS} it yields only the rejected
 * rows, whole, with a reason column, for the quarantine. Holds only the serializable plan and accumulators;
 * the session is leased inside the task and released when the task completes. Streams: at most one batch of
 * rows is held at a time.
 */
final class ScorePartition implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    /** What the function yields. */
    enum Mode { PREDICTIONS, REJECTS }

    private final ScoringPlan plan;
    private final StructType inputSchema;
    private final StructType keptSchema;
    private final StructType predictionSchema;
    private final ScoringCounters counters;
    private final Mode mode;

    ScorePartition(ScoringPlan plan, StructType inputSchema, StructType keptSchema, StructType predictionSchema,
                   ScoringCounters counters, Mode mode) {
        this.plan = plan;
        this.inputSchema = inputSchema;
        this.keptSchema = keptSchema;
        this.predictionSchema = predictionSchema;
        this.counters = counters;
        this.mode = mode;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
        TaskContext task = TaskContext.get();
        int threads = plan.threads() > 0 ? plan.threads() : Math.max(1, task == null ? 1 : task.cpus());
        DeviceChoice device = DeviceChoice.choose(plan.device(), threads, assignedGpus(task),
                plan.device() == Device.CPU ? false : DeviceChoice.cudaAvailable());
        device.fallback().ifPresent(reason -> counters.deviceFallbacks.add(executorId() + ": " + reason));
        SessionCache.Lease lease = ExecutorSessions.acquire(plan.model(), device.settings());
        RunMetrics metrics = new RunMetrics();
        if (lease.created()) {
            counters.sessionsCreated.add(1);
            counters.sessionLoadNanos.add(lease.model().loadNanos());
            counters.sessionOwners.add(executorId() + "@" + ManagementFactory.getRuntimeMXBean().getName()
                    + (device.settings().device() == Device.CUDA ? " on GPU " + device.settings().gpuId() : ""));
            metrics.sessionLoaded(lease.model().loadNanos());
        }
        if (task != null) {
            task.addTaskCompletionListener((TaskContext t) -> {
                lease.close();
                counters.metrics.add(metrics);
            });
        }
        return new Scored(rows, new BatchScorer(plan, lease.model()), metrics);
    }

    /** The addresses of the GPUs Spark assigned to this task, if any. */
    private static List<String> assignedGpus(TaskContext task) {
        if (task == null) {
            return List.of();
        }
        scala.Option<org.apache.spark.resource.ResourceInformation> gpu = task.resources().get("gpu");
        return gpu.isDefined() ? List.of(gpu.get().addresses()) : List.of();
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "?" : env.executorId();
    }

    /** Pulls a batch, scores it, then hands out its rows; the next batch is read only when these are gone. */
    private final class Scored implements Iterator<InternalRow> {
        private final Iterator<InternalRow> input;
        private final BatchScorer scorer;
        private final RunMetrics metrics;
        private final TensorBatch batch = new TensorBatch(plan);
        private final SparkValues values = new SparkValues();
        private final UnsafeProjection keep;
        private final InternalRow[] kept;
        private final PredictionWriter[] writers;
        private final SpecificInternalRow prediction;
        private final JoinedRow joined = new JoinedRow();
        private final Deque<InternalRow> rejects = new ArrayDeque<>();
        private final int columns;
        private ScoredBatch scored;
        private long lastFillEnd;
        private int next;
        private int size;

        Scored(Iterator<InternalRow> input, BatchScorer scorer, RunMetrics metrics) {
            this.input = input;
            this.scorer = scorer;
            this.metrics = metrics;
            this.columns = inputSchema.size();
            this.keep = UnsafeProjection.create(mode == Mode.REJECTS ? all() : keptExpressions());
            this.kept = new InternalRow[plan.batchSize()];
            this.writers = plan.outputs().stream().map(PredictionWriter::forColumn).toArray(PredictionWriter[]::new);
            List<DataType> types = java.util.Arrays.stream(predictionSchema.fields()).map(StructField::dataType)
                    .toList();
            this.prediction = new SpecificInternalRow(CollectionConverters.asScala(types).toSeq());
        }

        private scala.collection.immutable.Seq<Expression> keptExpressions() {
            List<Expression> exprs = new ArrayList<>();
            for (int ordinal : plan.keepOrdinals()) {
                StructField field = inputSchema.fields()[ordinal];
                exprs.add(new BoundReference(ordinal, field.dataType(), field.nullable()));
            }
            return CollectionConverters.asScala(exprs).toList();
        }

        private scala.collection.immutable.Seq<Expression> all() {
            List<Expression> exprs = new ArrayList<>();
            for (int i = 0; i < inputSchema.size(); i++) {
                exprs.add(new BoundReference(i, inputSchema.fields()[i].dataType(), true));
            }
            return CollectionConverters.asScala(exprs).toList();
        }

        @Override
        public boolean hasNext() {
            while (true) {
                if (mode == Mode.REJECTS && !rejects.isEmpty()) {
                    return true;
                }
                while (next < size && scored.isRejected(next) != (mode == Mode.REJECTS)) {
                    next++;
                }
                if (next < size) {
                    return true;
                }
                if (!fill()) {
                    return false;
                }
            }
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (mode == Mode.REJECTS) {
                if (!rejects.isEmpty()) {
                    return rejects.poll();
                }
                int r = next++;
                return rejectRow(kept[r], scored.rejection(r));
            }
            int r = next++;
            List<dev.coldpath.core.tensor.PredictionColumn> predictions = scored.columns(r);
            int index = scored.index(r);
            for (int i = 0; i < writers.length; i++) {
                writers[i].write(predictions.get(i), index, prediction, i);
            }
            return joined.apply(kept[r], prediction);
        }

        private InternalRow rejectRow(InternalRow row, String reason) {
            return new JoinedRow(row, new GenericInternalRow(new Object[] {UTF8String.fromString(reason)}));
        }

        /** Reads and scores the next batch; false when the input is exhausted. */
        private boolean fill() {
            long fillStart = System.nanoTime();
            if (lastFillEnd != 0) {
                metrics.record(Stage.WRITE, fillStart - lastFillEnd);
            }
            batch.clear();
            next = 0;
            size = 0;
            long readNanos = 0;
            long tensorNanos = 0;
            long rejectedHere = 0;
            while (!batch.isFull()) {
                long a = System.nanoTime();
                if (!input.hasNext()) {
                    readNanos += System.nanoTime() - a;
                    break;
                }
                InternalRow row = input.next();
                long b = System.nanoTime();
                readNanos += b - a;
                try {
                    batch.append(values.wrap(row, columns));
                    kept[size++] = keep.apply(row).copy();
                } catch (RowRejectedException e) {
                    rejectedHere++;
                    reject(row, e);
                }
                tensorNanos += System.nanoTime() - b;
            }
            if (size == 0 && rejectedHere == 0) {
                return false;
            }
            metrics.record(Stage.READ, readNanos);
            metrics.record(Stage.TENSOR, tensorNanos);
            if (size > 0) {
                scored = scorer.scoreIsolatingFailures(batch, metrics);
                if (scored.rejected() > 0 && plan.badRows().failsOnFirst()) {
                    int r = firstRejected(scored);
                    throw new InputDataException(scored.rejection(r) + " in a row of input " + keyOf(kept[r])
                            + ": fix or filter the input rows, or set bad-rows.policy");
                }
                rejectedHere += scored.rejected();
                scored.parts().forEach(metrics::observe);
                int good = size - scored.rejected();
                metrics.batchDone(good, (System.currentTimeMillis() - counters.startMillis) / 1000);
                if (mode == Mode.PREDICTIONS) {
                    counters.rowsScored.add(good);
                    counters.batches.add(1);
                }
            }
            if (mode == Mode.PREDICTIONS) {
                counters.rowsRejected.add(rejectedHere);
            }
            lastFillEnd = System.nanoTime();
            return true;
        }

        private void reject(InternalRow row, RowRejectedException e) {
            if (plan.badRows().failsOnFirst()) {
                throw new InputDataException(e.reason() + " in a row of input " + keyOf(keep.apply(row))
                        + ": fix or filter the input rows, or set bad-rows.policy");
            }
            if (mode == Mode.REJECTS) {
                rejects.add(rejectRow(keep.apply(row).copy(), e.reason()));
            }
        }

        private int firstRejected(ScoredBatch s) {
            for (int r = 0; r < s.rows(); r++) {
                if (s.isRejected(r)) {
                    return r;
                }
            }
            throw new IllegalStateException("no rejected row");
        }

        /** Up to three kept columns, to name a bad row in an error. */
        private String keyOf(InternalRow k) {
            StructType schema = mode == Mode.REJECTS ? inputSchema : keptSchema;
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < schema.size() && i < 3; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(schema.fields()[i].name()).append('=')
                        .append(k.isNullAt(i) ? "null" : k.get(i, schema.fields()[i].dataType()));
            }
            return sb.append(schema.size() > 3 ? ", ...)" : ")").toString();
        }
    }
}
