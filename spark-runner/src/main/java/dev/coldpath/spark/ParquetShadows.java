package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;

/**
 * The shadow models' rows of a run as Parquet files, one directory per shadow ({@code <directory>/<name>/}):
 * each task writes a shadow's rows to a {@link TaskParquetFile} of its own, as the quarantine does
 * ({@link ParquetQuarantine}). Placed inside the staged run, the directories
 * are committed with it. A shadow may have a constant suffix, its lineage columns, written after each of its rows.
 */
final class ParquetShadows implements ShadowSink {
    /** The run's directory of shadow outputs, relative to the run. */
    static final String DIRECTORY = "_shadow";

    private final String directory;
    private final Map<String, PartFiles> files;
    private final Map<String, InternalRow> suffixes;
    /** The partition whose file a writer makes, or -1 for the Spark task's own. */
    private final int partition;

    /** @param files each shadow's Parquet files (its schema: kept columns, then its predictions), by name */
    ParquetShadows(String directory, Map<String, ? extends PartFiles> files) {
        this(directory, files, Map.of(), -1);
    }

    /**
     * @param files    each shadow's Parquet files, by name: kept columns, its predictions, then its suffix's columns
     * @param suffixes the constant columns written after a shadow's rows (its lineage), by name; none when absent
     * @param partition the partition whose file a writer makes outside a Spark task (the local runner's input file),
     *                  or -1 for the Spark task's own
     */
    ParquetShadows(String directory, Map<String, ? extends PartFiles> files,
                   Map<String, InternalRow> suffixes, int partition) {
        this.directory = requireNonNull(directory, "directory is null");
        this.files = Map.copyOf(files);
        this.suffixes = Map.copyOf(suffixes);
        this.partition = partition;
    }

    /** The same shadows' writers of {@code partition}'s files, outside a Spark task (the local runner). */
    ParquetShadows ofPartition(int partition) {
        return new ParquetShadows(directory, files, suffixes, partition);
    }

    @Override
    public Writer open(String binding) {
        PartFiles parquet = requireNonNull(files.get(binding), () -> "no shadow " + binding);
        String dir = new Path(directory, binding).toString();
        String rows = "shadow " + binding + "'s rows";
        TaskParquetFile file = partition < 0 ? new TaskParquetFile(dir, parquet, "coldpath-shadow", rows)
                : new TaskParquetFile(dir, parquet, "coldpath-shadow", rows, partition, 0);
        InternalRow suffix = suffixes.get(binding);
        return new Writer() {
            private final JoinedRow joined = new JoinedRow();

            @Override
            public void write(InternalRow row) {
                file.write(suffix == null ? row : joined.apply(row, suffix));
            }

            @Override
            public void commit() {
                file.commit();
            }

            @Override
            public void abort() {
                file.abort();
            }
        };
    }
}
