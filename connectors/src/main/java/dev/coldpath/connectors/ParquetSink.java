package dev.coldpath.connectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SaveMode;

/**
 * Writes predictions as Parquet through Spark's commit protocol into a run's staging directory: files appear
 * there only when the Spark job commits, with a _SUCCESS marker last. On s3a:// the data goes through an S3A
 * committer ({@link S3ACommitProtocol}), not through renames. Driver-only.
 */
public final class ParquetSink {
    private ParquetSink() {
    }

    public static void write(Dataset<Row> predictions, String path) {
        if (S3ACommitProtocol.appliesTo(path)) {
            useS3ACommitters(predictions.sparkSession().conf());
        }
        predictions.write().mode(SaveMode.ErrorIfExists).parquet(path);
    }

    /**
     * Makes the session's writes use {@link S3ACommitProtocol}, unless another protocol was configured. It
     * behaves as Spark's default for anything but s3a://, so concurrent writes elsewhere are unaffected.
     */
    private static void useS3ACommitters(RuntimeConfig conf) {
        String configured = conf.get(S3ACommitProtocol.PROTOCOL_KEY, S3ACommitProtocol.SPARK_DEFAULT);
        if (configured.equals(S3ACommitProtocol.SPARK_DEFAULT)) {
            conf.set(S3ACommitProtocol.PROTOCOL_KEY, S3ACommitProtocol.class.getName());
        }
    }
}
