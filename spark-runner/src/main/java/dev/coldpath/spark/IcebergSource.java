package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import dev.coldpath.connectors.InputSource;
import dev.coldpath.connectors.ParquetSource.InputFile;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.IcebergInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.SparkReadOptions;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An Iceberg table as a job's input ({@code input.table}, docs/iceberg.md). What a run reads is a {@link Range},
 * worked out through Iceberg's own API without Spark (the preflight does it before a SparkSession starts): the
 * table's current snapshot, and for an incremental job the snapshot the output table's last committed run read,
 * which the run skips up to (exclusive). Spark then reads the range with Iceberg's source: an incremental append scan
 * ({@code start-snapshot-id}, {@code end-snapshot-id}) or the whole snapshot ({@code versionAsOf}, the snapshot id). Driver-only.
 */
final class IcebergSource implements InputSource {
    /**
     * What a run reads of an input table.
     *
     * @param table  the table's name
     * @param uuid   the table's UUID
     * @param incremental whether the run reads only what the output table's last committed run did not
     *                    ({@code input.incremental}): then its commit checks that no other run read the range first
     * @param from   the snapshot read up to by the last committed run (excluded); empty to read all of {@code to}
     * @param to     the snapshot read to, the table's current one when the run started
     * @param files  the data files of the range
     * @param schema the table's columns
     * @param sparkOnly what of the range only Spark's Iceberg source reads, if anything: row-level deletes, or data
     *                  files not in Parquet (the local runner reads the data files as plain Parquet)
     */
    record Range(String table, String uuid, boolean incremental, OptionalLong from, long to, List<InputFile> files,
                 RowSchema schema, Optional<String> sparkOnly) {
        Range {
            requireNonNull(table, "table is null");
            requireNonNull(uuid, "uuid is null");
            requireNonNull(from, "from is null");
            files = List.copyOf(files);
            requireNonNull(schema, "schema is null");
            requireNonNull(sparkOnly, "sparkOnly is null");
        }
    }

    private final SparkSession spark;
    private final Range range;
    private Dataset<Row> dataset;

    IcebergSource(SparkSession spark, Range range) {
        this.spark = requireNonNull(spark, "spark is null");
        this.range = requireNonNull(range, "range is null");
    }

    /**
     * What a run of {@code input} reads: the whole current snapshot, or, when {@code incremental}, what was appended
     * since the snapshot that {@code output}'s last committed run read; empty when an incremental run has nothing new.
     * A range that holds a snapshot other than an append (an overwrite or a delete) cannot be read incrementally, and
     * is an error that says what to do.
     */
    static Optional<Range> range(String name, Table input, Optional<Table> output, boolean incremental) {
        Snapshot current = input.currentSnapshot();
        if (current == null) {
            if (incremental) {
                return Optional.empty();
            }
            throw new InputDataException("Input table " + name + " has no snapshot yet: nothing to score");
        }
        String uuid = input.uuid().toString();
        OptionalLong from = incremental ? lastRead(name, uuid, output) : OptionalLong.empty();
        if (from.isPresent() && from.getAsLong() == current.snapshotId()) {
            return Optional.empty();
        }
        if (from.isPresent()) {
            checkAppendsOnly(name, input, from.getAsLong(), current);
        }
        List<InputFile> files = new ArrayList<>();
        Set<String> deleteFiles = new TreeSet<>();
        Set<String> formats = new TreeSet<>();
        try (CloseableIterable<FileScanTask> tasks = from.isPresent()
                ? input.newIncrementalAppendScan().fromSnapshotExclusive(from.getAsLong())
                        .toSnapshot(current.snapshotId()).planFiles()
                : input.newScan().useSnapshot(current.snapshotId()).planFiles()) {
            for (FileScanTask task : tasks) {
                files.add(new InputFile(task.file().location(), task.file().fileSizeInBytes(),
                        current.timestampMillis()));
                task.deletes().forEach(d -> deleteFiles.add(d.location()));
                if (task.file().format() != FileFormat.PARQUET) {
                    formats.add(task.file().format().name());
                }
            }
        } catch (IOException e) {
            throw new StorageException("Cannot plan a scan of input table " + name + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            if (from.isPresent()) { // only snapshots that rewrote files (compaction) since the last run
                return Optional.empty();
            }
            throw new InputDataException("Input table " + name + " has no rows at its current snapshot "
                    + current.snapshotId() + ": nothing to score");
        }
        Optional<String> sparkOnly = !deleteFiles.isEmpty()
                ? Optional.of("an input table with row-level deletes (" + name + ": " + deleteFiles.size()
                        + " delete file" + (deleteFiles.size() == 1 ? "" : "s") + " at snapshot "
                        + current.snapshotId() + ")")
                : !formats.isEmpty() ? Optional.of("an input table with data files not in Parquet (" + name + ": "
                        + String.join(", ", formats) + ")") : Optional.empty();
        return Optional.of(new Range(name, uuid, incremental, from, current.snapshotId(), files,
                rowSchema(input.schema()), sparkOnly));
    }

    /**
     * The input snapshot that the nearest run in the history of {@code output}'s current snapshot read of the table
     * whose UUID is {@code uuid} (or, for a run that did not record UUIDs, whose name is {@code name}), if any such run
     * exists. Where that history was cut short (its older snapshots expired) before
     * such a run, the output table's properties say what its last committed run read (IcebergRunSink records them);
     * without them, where to start is unknown, an error that says what to do rather than a re-read of everything.
     */
    static OptionalLong lastRead(String name, String uuid, Optional<Table> output) {
        if (output.isEmpty()) {
            return OptionalLong.empty();
        }
        Table table = output.get();
        Snapshot at = table.currentSnapshot();
        while (at != null) {
            Map<String, String> summary = IcebergRunTable.summary(table, at);
            String read = summary.get(IcebergInput.SNAPSHOT_PROPERTY);
            if (read != null && readOf(summary, name, uuid)) {
                return OptionalLong.of(Long.parseLong(read));
            }
            Long parent = at.parentId();
            Snapshot next = parent == null ? null : table.snapshot(parent);
            if (parent != null && next == null) {
                Map<String, String> properties = table.properties();
                String recorded = properties.get(IcebergInput.SNAPSHOT_PROPERTY);
                if (recorded != null && readOf(properties, name, uuid)) {
                    return OptionalLong.of(Long.parseLong(recorded));
                }
                throw new InputDataException("Output table " + table.name() + ": its history ends at snapshot "
                        + parent + ", which expired, before any run that read input table " + name + ", so where an"
                        + " incremental run continues is unknown; score the input once with input.incremental: false"
                        + " and output.mode: overwrite (it replaces the table), or set the table property "
                        + IcebergInput.SNAPSHOT_PROPERTY + " (and " + IcebergInput.TABLE_UUID_PROPERTY + " " + uuid
                        + ") to the input snapshot the last run read");
            }
            at = next;
        }
        return OptionalLong.empty();
    }

    /** Whether {@code properties} (a summary's or a table's) record a read of the table {@code uuid} names. */
    private static boolean readOf(Map<String, String> properties, String name, String uuid) {
        String recorded = properties.get(IcebergInput.TABLE_UUID_PROPERTY);
        return recorded != null ? recorded.equals(uuid) : name.equals(properties.get(IcebergInput.TABLE_PROPERTY));
    }

    /**
     * Walks back from {@code current} to {@code from}: each snapshot must be an append, or a rewrite that adds no rows
     * (Iceberg's "replace", as compaction commits), and {@code from} must be in the history.
     */
    private static void checkAppendsOnly(String name, Table input, long from, Snapshot current) {
        String fix = "score the whole table once with input.incremental: false and output.mode: overwrite (it"
                + " replaces the table; incremental runs then continue from the snapshot that run read)";
        Snapshot at = current;
        while (at.snapshotId() != from) {
            String operation = at.operation();
            if (!DataOperations.APPEND.equals(operation) && !DataOperations.REPLACE.equals(operation)) {
                throw new InputDataException("Input table " + name + ": snapshot " + at.snapshotId() + ", after"
                        + " snapshot " + from + " which the last committed run read, is a " + operation + ", not an"
                        + " append: an incremental run scores appended rows only; " + fix);
            }
            Long parent = at.parentId();
            Snapshot next = parent == null ? null : input.snapshot(parent);
            if (parent != null && parent == from) {
                return;
            }
            if (next == null) {
                throw new InputDataException("Input table " + name + ": snapshot " + from + ", which the last"
                        + " committed run read, is not in the history of its current snapshot " + current.snapshotId()
                        + " (the table was rolled back, replaced, or its snapshots expired); " + fix);
            }
            at = next;
        }
    }

    /**
     * The table's columns as the planner sees them: as Spark reads them (Iceberg's own conversion), so that the
     * preflight, without Spark, and the run name the same types.
     */
    static RowSchema rowSchema(Schema schema) {
        return SparkTypes.toRowSchema(SparkSchemaUtil.convert(schema));
    }

    /** What the run reads. */
    Range range() {
        return range;
    }

    @Override
    public String path() {
        return range.table();
    }

    @Override
    public List<InputFile> files() {
        return range.files();
    }

    @Override
    public long footerRows() {
        return -1;
    }

    /** The range as a DataFrame, through Iceberg's Spark source; made once. */
    @Override
    public Dataset<Row> read() {
        if (dataset == null) {
            DataFrameReader reader = spark.read().format("iceberg");
            if (range.from().isPresent()) {
                reader = reader.option(SparkReadOptions.START_SNAPSHOT_ID, range.from().getAsLong())
                        .option(SparkReadOptions.END_SNAPSHOT_ID, range.to());
            } else {
                reader = reader.option(SparkReadOptions.VERSION_AS_OF, range.to());
            }
            dataset = reader.load(range.table());
        }
        return dataset;
    }
}
