package dev.coldpath.spark;

import java.util.Optional;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.WholeStageCodegenExec$;
import org.apache.spark.sql.execution.datasources.parquet.ParquetUtils$;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The input's columnar batches, straight from the Parquet scan, when the plan is a plain scan: rows are then read
 * as views into the batch's column vectors and features copied a column at a time, and no UnsafeRow of every
 * column is built per row (Spark's ColumnarToRow would). Any other plan has no batches, and its rows are read
 * instead. Driver-only.
 */
final class ColumnarInput {
    /** Spark's rows per batch of the vectorized Parquet reader. */
    static final String READER_BATCH_ROWS = "spark.sql.parquet.columnarReaderBatchSize";

    private ColumnarInput() {
    }

    /**
     * The batches of {@code input}'s plain columnar scan, at least {@code minRows} rows each (but for a file's
     * last), or empty when the plan is anything else. A scoring batch never spans two reader batches, so the
     * reader's are made as large as the scoring batches.
     */
    static Optional<RDD<ColumnarBatch>> batches(Dataset<Row> input, int minRows) {
        FileSourceScanExec scan = columnarScan(input);
        if (scan == null) {
            return Optional.empty();
        }
        SparkSession spark = (SparkSession) input.sparkSession();
        if (spark.sessionState().conf().parquetVectorizedReaderBatchSize() >= minRows) {
            return Optional.of(scan.executeColumnar());
        }
        RuntimeConfig conf = spark.conf();
        String configured = conf.getOption(READER_BATCH_ROWS).getOrElse(() -> null);
        // The reader takes its batch size from the session when its RDD is built, here on the driver.
        conf.set(READER_BATCH_ROWS, minRows);
        try {
            return Optional.of(scan.executeColumnar());
        } finally {
            if (configured == null) {
                conf.unset(READER_BATCH_ROWS);
            } else {
                conf.set(READER_BATCH_ROWS, configured);
            }
        }
    }

    /**
     * Whether Spark's Parquet scan of {@code schema} under {@code conf} gives columnar batches, as Spark decides it
     * (FileSourceScanExec.supportsColumnar: whole-stage code generation on, at most spark.sql.codegen.maxFields
     * fields, nested ones counted, and ParquetFileFormat.supportBatch); when it does not, {@link #batches} is empty
     * and Spark's rows are scored.
     */
    static boolean readsColumnar(SQLConf conf, StructType schema) {
        return conf.wholeStageEnabled() && !WholeStageCodegenExec$.MODULE$.isTooManyFields(conf, schema)
                && ParquetUtils$.MODULE$.isBatchReadSupportedForSchema(conf, schema);
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
