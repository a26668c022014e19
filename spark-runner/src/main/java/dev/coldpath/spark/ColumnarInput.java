package dev.coldpath.spark;

import java.util.Iterator;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The input's rows, read straight from the Parquet scan's columnar batches when the plan is a plain scan: each
 * row is a view into the batch's column vectors, so no UnsafeRow of every column is built per row (Spark's
 * ColumnarToRow would). Any other plan falls back to Spark's rows. Driver-only.
 */
final class ColumnarInput {
    private ColumnarInput() {
    }

    static RDD<InternalRow> rows(Dataset<Row> input) {
        FileSourceScanExec scan = columnarScan(input);
        if (scan == null) {
            return input.queryExecution().toRdd();
        }
        RDD<ColumnarBatch> batches = scan.executeColumnar();
        return batches.toJavaRDD().flatMap(ColumnarInput::rowsOf).rdd();
    }

    /** Rows of one batch; each is valid until the next batch is read, which is why callers copy what they keep. */
    private static Iterator<InternalRow> rowsOf(ColumnarBatch batch) {
        return batch.rowIterator();
    }

    /** The plain columnar scan that produces {@code input}'s rows in order, or null when there is none. */
    static FileSourceScanExec columnarScan(Dataset<Row> input) {
        FileSourceScanExec scan = plainColumnarScan(input.queryExecution().executedPlan());
        return scan != null && scan.schema().equals(input.schema()) ? scan : null;
    }

    /** The scan under [WholeStageCodegen] → ColumnarToRow → [InputAdapter], or null for any other plan. */
    private static FileSourceScanExec plainColumnarScan(SparkPlan plan) {
        SparkPlan node = plan;
        if (node instanceof WholeStageCodegenExec codegen) {
            node = codegen.child();
        }
        if (!(node instanceof ColumnarToRowExec toRow)) {
            return null;
        }
        node = toRow.child();
        if (node instanceof InputAdapter adapter) {
            node = adapter.child();
        }
        return node instanceof FileSourceScanExec scan && scan.supportsColumnar() ? scan : null;
    }
}
