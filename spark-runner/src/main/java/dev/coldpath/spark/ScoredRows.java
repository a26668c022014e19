package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.function.Function;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskFailureListener;

/**
 * The rows of one score pass, not computed yet: one read and one inference per input row, which yield accepted rows
 * (kept columns and predictions, {@link #acceptedSchema}) and, among them, rejected rows ({@link RejectedRow}: the
 * input row and the reason, {@link #rejectedSchema}). A sink splits them where it writes: {@link #accepted} is a
 * DataFrame of the accepted rows whose tasks hand each rejected row to the sink's {@link RejectSink}, so both are
 * written by the same Spark job. The split runs in the scoring task's own iterator, not as another stage of
 * operators. Driver-only.
 */
final class ScoredRows {
    /** The column of the quarantine that says why a row was rejected. */
    static final String REASON_COLUMN = "_coldpath_reason";

    private final SparkSession spark;
    private final Function<RejectSink, RDD<InternalRow>> scored;
    private final StructType acceptedSchema;
    private final StructType inputSchema;

    /**
     * @param scored the pass's rows for a given destination of rejected rows, each task's rows passed through
     *               {@link #split}
     */
    ScoredRows(SparkSession spark, Function<RejectSink, RDD<InternalRow>> scored, StructType acceptedSchema,
               StructType inputSchema) {
        this.spark = requireNonNull(spark, "spark is null");
        this.scored = requireNonNull(scored, "scored is null");
        this.acceptedSchema = requireNonNull(acceptedSchema, "acceptedSchema is null");
        this.inputSchema = requireNonNull(inputSchema, "inputSchema is null");
    }

    StructType acceptedSchema() {
        return acceptedSchema;
    }

    /** The quarantine's columns: every input column, then {@link #REASON_COLUMN}. */
    StructType rejectedSchema() {
        return rejectedSchema(inputSchema);
    }

    /** The quarantine's columns for input columns {@code inputSchema}. */
    static StructType rejectedSchema(StructType inputSchema) {
        return inputSchema.add(DataTypes.createStructField(REASON_COLUMN, DataTypes.StringType, false));
    }

    /** The accepted rows; when a task computes them, it writes its rejected rows to {@code rejects}. */
    Dataset<Row> accepted(RejectSink rejects) {
        return SparkInternals.dataFrame(spark, scored.apply(requireNonNull(rejects, "rejects is null")),
                acceptedSchema);
    }

    /** A task's accepted rows, its rejected ones written to {@code rejects} on the way. */
    static Iterator<InternalRow> split(Iterator<InternalRow> rows, RejectSink rejects) {
        return new Split(rows, rejects);
    }

    /**
     * As {@link #split}, outside a Spark task (the local runner): the caller runs {@link Split#abort} when the pass
     * fails, as no task failure listener will.
     */
    static Split splitLocal(Iterator<InternalRow> rows, RejectSink rejects) {
        return new Split(rows, rejects);
    }

    /** Passes accepted rows on and writes rejected ones; commits the task's rejected rows when its rows are done. */
    static final class Split implements Iterator<InternalRow> {
        private final Iterator<InternalRow> rows;
        private final RejectSink sink;
        private RejectSink.Writer writer;
        private InternalRow next;
        private boolean done;

        Split(Iterator<InternalRow> rows, RejectSink sink) {
            this.rows = rows;
            this.sink = sink;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (done) {
                return false;
            }
            while (rows.hasNext()) {
                InternalRow row = rows.next();
                if (row instanceof RejectedRow rejected) {
                    writer().write(rejected);
                } else {
                    next = row;
                    return true;
                }
            }
            done = true;
            if (writer != null) {
                writer.commit(); // before the task's accepted rows commit, so a failure here fails the task
            }
            return false;
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            InternalRow row = next;
            next = null;
            return row;
        }

        /** The pass failed: removes the rejected rows written so far, if any. */
        void abort() {
            if (writer != null) {
                writer.abort();
            }
        }

        private RejectSink.Writer writer() {
            if (writer == null) {
                writer = sink.open();
                TaskContext task = TaskContext.get();
                if (task != null) {
                    RejectSink.Writer opened = writer;
                    task.addTaskFailureListener((TaskFailureListener) (t, error) -> opened.abort());
                }
            }
            return writer;
        }
    }
}
