package dev.coldpath.spark;

import dev.coldpath.connectors.HadoopFileStore;
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
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.OutputWriter;

/**
 * The Parquet file one task attempt writes into a directory beside the run's own output (the quarantine, a shadow
 * model's rows): written to a hidden file of the attempt, renamed to {@code part-NNNNN.parquet} (the task's
 * partition) on {@link #commit}, removed on {@link #abort}. A retried task replaces its partition's file; readers
 * skip hidden files, so the directory only ever shows whole files. Outside Spark (the local runner) on an object
 * store, where an object appears whole when its writer closes and a rename is a copy, the file is written under its
 * own name instead.
 */
final class TaskParquetFile {
    private final Path target;
    private final Path temporary;
    private final Configuration conf;
    private final OutputWriter writer;
    private final String rows;
    private final boolean inPlace;
    private boolean closed;

    /**
     * @param job  names the Hadoop task attempt ({@code coldpath-quarantine})
     * @param rows what the rows are, for errors ({@code quarantined rows})
     */
    TaskParquetFile(String directory, PartFiles files, String job, String rows) {
        this(directory, files, job, rows, TaskContext.get() == null ? 0 : TaskContext.get().partitionId(),
                TaskContext.get() == null ? 0 : TaskContext.get().taskAttemptId());
    }

    /** The file of {@code partition} written outside a Spark task (the local runner's workers). */
    TaskParquetFile(String directory, PartFiles files, String job, String rows, int partition,
                    long attempt) {
        this(directory, String.format(Locale.ROOT, "part-%05d.parquet", partition), files, job, rows, partition,
                attempt);
    }

    /** As {@link #TaskParquetFile(String, PartFiles, String, String, int, long)}, named {@code name} once committed. */
    TaskParquetFile(String directory, String name, PartFiles files, String job, String rows, int partition,
                    long attempt) {
        this.conf = files.configuration();
        this.target = new Path(directory, name);
        this.inPlace = TaskContext.get() == null && new HadoopFileStore(conf).isObjectStore(directory);
        this.temporary = inPlace ? target : new Path(directory, String.format(Locale.ROOT,
                ".part-%05d-%d.parquet.tmp", partition, attempt));
        this.rows = rows;
        this.writer = files.open(temporary.toString(), new TaskAttemptContextImpl(conf,
                new TaskAttemptID(job, 0, TaskType.MAP, partition, (int) attempt)));
    }

    void write(InternalRow row) {
        writer.write(row);
    }

    /** The task's rows are all written: the file takes its partition's name. */
    void commit() {
        close();
        if (inPlace) {
            return;
        }
        try {
            FileSystem fs = target.getFileSystem(conf);
            fs.delete(target, false);
            if (!fs.rename(temporary, target)) {
                throw new IOException("rename returned false");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move " + rows + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The task failed: its file goes. It is abandoned unfinished instead of closed, so that its buffered row group is
     * not written only to be deleted (nor, written in place, uploaded under its final name).
     */
    void abort() {
        try {
            if (!closed) {
                closed = true;
                if (writer instanceof LineageParquetWriter own) {
                    own.abandon();
                } else {
                    SparkInternals.abandon(writer);
                }
            } else {
                close();
            }
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
}
