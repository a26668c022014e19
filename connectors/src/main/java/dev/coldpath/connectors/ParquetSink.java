package dev.coldpath.connectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Writes predictions as Parquet through Spark's commit protocol into a run's staging directory: files appear
 * there only when the Spark job commits, with a _SUCCESS marker last. Driver-only.
 */
public final class ParquetSink {
    private ParquetSink() {
    }

    public static void write(Dataset<Row> predictions, String path) {
        predictions.write().mode(SaveMode.ErrorIfExists).parquet(path);
    }
}
