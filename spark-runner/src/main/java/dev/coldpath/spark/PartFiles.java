package dev.coldpath.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.spark.sql.execution.datasources.OutputWriter;

/** Opens the Parquet files of one schema that tasks or local runner workers write ({@link TaskParquetFile}). */
interface PartFiles {
    /** The Hadoop settings the files are written with. */
    Configuration configuration();

    /** A writer of one new file at {@code path}, for the task attempt {@code context}. */
    OutputWriter open(String path, TaskAttemptContext context);
}
