package dev.coldpath.spark;

import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.model.SessionCache;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.OutputColumn;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.tensor.BatchScorer;
import dev.coldpath.core.tensor.PredictionColumn;
import dev.coldpath.core.tensor.RowRejectedException;
import dev.coldpath.core.tensor.TensorBatch;
import java.lang.management.ManagementFactory;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The partition function: scores a partition's rows in batches with the executor's shared session and
 * yields kept columns joined with predictions. Holds only the serializable plan and accumulators; the
 * session is leased inside the task and released when the task completes. Streams: at most one batch of
 * rows is held at a time.
 */
final class ScorePartition implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private final ScoringPlan plan;
    private final StructType inputSchema;
    private final StructType keptSchema;
    private final StructType predictionSchema;
    private final ScoringCounters counters;

    ScorePartition(ScoringPlan plan, StructType inputSchema, StructType keptSchema, StructType predictionSchema,
                   ScoringCounters counters) {
        this.plan = plan;
        this.inputSchema = inputSchema;
        this.keptSchema = keptSchema;
        this.predictionSchema = predictionSchema;
        this.counters = counters;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
        TaskContext task = TaskContext.get();
        int threads = plan.threads() > 0 ? plan.threads() : Math.max(1, task == null ? 1 : task.cpus());
        SessionCache.Lease lease = ExecutorSessions.acquire(plan.model(), SessionSettings.cpu(threads));
        if (lease.created()) {
            counters.sessionsCreated.add(1);
            counters.sessionLoadNanos.add(lease.model().loadNanos());
            counters.sessionOwners.add(executorId() + "@" + ManagementFactory.getRuntimeMXBean().getName());
        }
        if (task != null) {
            task.addTaskCompletionListener((TaskContext t) -> lease.close());
        }
        return new Scored(rows, new BatchScorer(plan, lease.model()));
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "?" : env.executorId();
    }

    /** Pulls a batch, scores it, then hands out its rows; the next batch is read only when these are gone. */
    private final class Scored implements Iterator<InternalRow> {
        private final Iterator<InternalRow> input;
        private final BatchScorer scorer;
        private final TensorBatch batch = new TensorBatch(plan);
        private final SparkValues values = new SparkValues();
        private final UnsafeProjection keep;
        private final InternalRow[] kept;
        private final PredictionWriter[] writers;
        private final SpecificInternalRow prediction;
        private final JoinedRow joined = new JoinedRow();
        private final int columns;
        private List<PredictionColumn> predictions;
        private int next;
        private int size;

        Scored(Iterator<InternalRow> input, BatchScorer scorer) {
            this.input = input;
            this.scorer = scorer;
            this.columns = inputSchema.size();
            this.keep = UnsafeProjection.create(keptExpressions());
            this.kept = new InternalRow[plan.batchSize()];
            List<OutputColumn> outputs = plan.outputs();
            this.writers = outputs.stream().map(PredictionWriter::forColumn).toArray(PredictionWriter[]::new);
            List<DataType> types = java.util.Arrays.stream(predictionSchema.fields()).map(f -> f.dataType()).toList();
            this.prediction = new SpecificInternalRow(CollectionConverters.asScala(types).toSeq());
        }

        private scala.collection.immutable.Seq<org.apache.spark.sql.catalyst.expressions.Expression> keptExpressions() {
            int[] ordinals = plan.keepOrdinals();
            List<org.apache.spark.sql.catalyst.expressions.Expression> exprs = new java.util.ArrayList<>();
            for (int i = 0; i < ordinals.length; i++) {
                var field = inputSchema.fields()[ordinals[i]];
                exprs.add(new org.apache.spark.sql.catalyst.expressions.BoundReference(ordinals[i], field.dataType(),
                        field.nullable()));
            }
            return CollectionConverters.asScala(exprs).toList();
        }

        @Override
        public boolean hasNext() {
            if (next < size) {
                return true;
            }
            fill();
            return next < size;
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int r = next++;
            for (int i = 0; i < writers.length; i++) {
                writers[i].write(predictions.get(i), r, prediction, i);
            }
            return joined.apply(kept[r], prediction);
        }

        private void fill() {
            batch.clear();
            next = 0;
            size = 0;
            while (!batch.isFull() && input.hasNext()) {
                InternalRow row = input.next();
                try {
                    batch.append(values.wrap(row, columns));
                } catch (RowRejectedException e) {
                    throw new InputDataException(e.reason() + " in a row of input " + keyOf(row)
                            + ": fix or filter the input rows");
                }
                kept[size++] = keep.apply(row).copy();
            }
            if (size == 0) {
                return;
            }
            predictions = scorer.score(batch);
            counters.rowsScored.add(size);
            counters.batches.add(1);
        }

        private String keyOf(InternalRow row) {
            InternalRow k = keep.apply(row);
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < keptSchema.size() && i < 3; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(keptSchema.fields()[i].name()).append('=')
                        .append(k.isNullAt(i) ? "null" : k.get(i, keptSchema.fields()[i].dataType()));
            }
            return sb.append(keptSchema.size() > 3 ? ", ...)" : ")").toString();
        }
    }
}
