package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.execution.datasources.OutputWriter;

/**
 * A run's quarantine as Parquet files in a directory: each task that rejects rows writes them, whole and with their
 * reason, to a hidden file of its attempt and renames it to {@code part-NNNNN.parquet} (its partition) when its
 * rows are done. A retried task replaces its partition's file; a failed attempt removes its own. Readers skip the
 * hidden files, so the directory only ever shows whole files.
 */
final class ParquetQuarantine implements RejectSink {
    private final String directory;
    private final SparkInternals.ParquetFiles files;

    ParquetQuarantine(String directory, SparkInternals.ParquetFiles files) {
        this.directory = requireNonNull(directory, "directory is null");
        this.files = requireNonNull(files, "files is null");
    }

    @Override
    public Writer open() {
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        long attempt = task == null ? 0 : task.taskAttemptId();
        Path target = new Path(directory, String.format(Locale.ROOT, "part-%05d.parquet", partition));
        Path temporary = new Path(directory, String.format(Locale.ROOT, ".part-%05d-%d.parquet.tmp", partition,
                attempt));
        Configuration conf = files.configuration();
        TaskAttemptContextImpl context = new TaskAttemptContextImpl(conf,
                new TaskAttemptID("coldpath-quarantine", 0, TaskType.MAP, partition, (int) attempt));
        OutputWriter writer = files.open(temporary.toString(), context);
        return new Writer() {
            private boolean closed;

            @Override
            public void write(RejectedRow row) {
                writer.write(row);
            }

            @Override
            public void commit() {
                close();
                try {
                    FileSystem fs = target.getFileSystem(conf);
                    fs.delete(target, false);
                    if (!fs.rename(temporary, target)) {
                        throw new IOException("rename returned false");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot move quarantined rows to " + target + ": "
                            + e.getMessage(), e);
                }
            }

            @Override
            public void abort() {
                try {
                    close();
                } finally {
                    try {
                        temporary.getFileSystem(conf).delete(temporary, false);
                    } catch (IOException e) {
                        // the staged run is removed as a whole when the run fails
                    }
                }
            }

            private void close() {
                if (!closed) {
                    closed = true;
                    writer.close();
                }
            }
        };
    }
}
