package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.execution.datasources.OutputWriter;

/**
 * The shadow models' rows of a run as Parquet files, one directory per shadow ({@code <directory>/<name>/}):
 * each task writes a shadow's rows to a hidden file of its attempt and renames it to {@code part-NNNNN.parquet}
 * (its partition) when its rows are done, as the quarantine does ({@link ParquetQuarantine}); a retried task
 * replaces its partition's file, a failed attempt removes its own. Placed inside the staged run, the directories
 * are committed with it. A shadow may have a constant suffix, its lineage columns, written after each of its rows.
 */
final class ParquetShadows implements ShadowSink {
    /** The run's directory of shadow outputs, relative to the run. */
    static final String DIRECTORY = "_shadow";

    private final String directory;
    private final Map<String, SparkInternals.ParquetFiles> files;
    private final Map<String, InternalRow> suffixes;

    /** @param files each shadow's Parquet files (its schema: kept columns, then its predictions), by name */
    ParquetShadows(String directory, Map<String, SparkInternals.ParquetFiles> files) {
        this(directory, files, Map.of());
    }

    /**
     * @param files    each shadow's Parquet files, by name: kept columns, its predictions, then its suffix's columns
     * @param suffixes the constant columns written after a shadow's rows (its lineage), by name; none when absent
     */
    ParquetShadows(String directory, Map<String, SparkInternals.ParquetFiles> files,
                   Map<String, InternalRow> suffixes) {
        this.directory = requireNonNull(directory, "directory is null");
        this.files = Map.copyOf(files);
        this.suffixes = Map.copyOf(suffixes);
    }

    @Override
    public Writer open(String binding) {
        SparkInternals.ParquetFiles parquet = requireNonNull(files.get(binding), () -> "no shadow " + binding);
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        long attempt = task == null ? 0 : task.taskAttemptId();
        Path dir = new Path(directory, binding);
        Path target = new Path(dir, String.format(Locale.ROOT, "part-%05d.parquet", partition));
        Path temporary = new Path(dir, String.format(Locale.ROOT, ".part-%05d-%d.parquet.tmp", partition, attempt));
        Configuration conf = parquet.configuration();
        OutputWriter writer = parquet.open(temporary.toString(), new TaskAttemptContextImpl(conf,
                new TaskAttemptID("coldpath-shadow", 0, TaskType.MAP, partition, (int) attempt)));
        InternalRow suffix = suffixes.get(binding);
        return new Writer() {
            private final JoinedRow joined = new JoinedRow();
            private boolean closed;

            @Override
            public void write(InternalRow row) {
                writer.write(suffix == null ? row : joined.apply(row, suffix));
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
                    throw new UncheckedIOException("Cannot move shadow " + binding + "'s rows to " + target + ": "
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
