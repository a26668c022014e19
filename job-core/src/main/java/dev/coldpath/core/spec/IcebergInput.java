package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import java.util.Optional;

/**
 * An Iceberg table as a job's input ({@code input.table}, docs/iceberg.md): read whole, or, with
 * {@code input.incremental: true}, only the rows appended since the snapshot the output table's last committed run
 * read.
 *
 * @param table     the table's name, {@code <catalog>.<namespace>.<table>}
 * @param warehouse the embedded Hadoop catalog's warehouse for this table ({@code input.warehouse}); empty to use
 *                  {@code output.warehouse}, or when Spark's {@code spark.sql.catalog.<name>.*} keys configure the
 *                  catalog
 */
public record IcebergInput(String table, Optional<String> warehouse) {
    /** The snapshot summary property of a run's snapshot: the input table's snapshot the run read. */
    public static final String SNAPSHOT_PROPERTY = "coldpath.input-snapshot-id";
    /** The snapshot summary property of a run's snapshot: the input table it read, by name, for people. */
    public static final String TABLE_PROPERTY = "coldpath.input-table";
    /**
     * The snapshot summary property of a run's snapshot: the UUID of the input table it read, which identifies it
     * through renames and catalog aliases (and tells a table re-created under the same name apart).
     */
    public static final String TABLE_UUID_PROPERTY = "coldpath.input-table-uuid";

    public IcebergInput {
        requireNonNull(table, "table is null");
        requireNonNull(warehouse, "warehouse is null");
    }

    /** The section as {@code config} sets it: empty without {@code input.table}. */
    public static Optional<IcebergInput> from(JobConfig config) {
        Optional<String> warehouse = config.find(JobKey.INPUT_WAREHOUSE).filter(w -> !w.isBlank());
        Optional<String> table = config.find(JobKey.INPUT_TABLE);
        if (table.isEmpty()) {
            if (warehouse.isPresent()) {
                throw new JobSpecException("input.warehouse is the warehouse of input.table's embedded catalog, and"
                        + " input.table is not set: set input.table, or remove input.warehouse");
            }
            return Optional.empty();
        }
        return Optional.of(new IcebergInput(table.get(), warehouse));
    }
}
