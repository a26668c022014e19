package dev.coldpath.connectors;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.spec.OutputMode;
import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes predictions as Parquet through Spark's commit protocol: files appear in the output directory only
 * when the job commits, with a _SUCCESS marker last. Driver-only.
 */
public final class ParquetSink {
    private ParquetSink() {
    }

    /** Refuses an existing output before any work is done, unless the mode allows overwriting it. */
    public static void checkWritable(SparkSession spark, String path, OutputMode mode) {
        if (mode == OutputMode.OVERWRITE) {
            return;
        }
        Path root = new Path(path);
        try {
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(root)) {
                throw new JobSpecException("Output " + path + " already exists: choose another output.path, or set"
                        + " output.mode=overwrite to replace it");
            }
        } catch (IOException e) {
            throw new StorageException("Cannot check output " + path + ": " + e.getMessage(), e);
        }
    }

    public static void write(Dataset<Row> predictions, String path, OutputMode mode) {
        predictions.write()
                .mode(mode == OutputMode.OVERWRITE ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                .parquet(path);
    }
}
