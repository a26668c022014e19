package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.spec.WriteMode;
import java.util.List;

/**
 * An Iceberg prediction table (docs/iceberg.md): each run one snapshot, tagged {@code run-<id>}, with the run's
 * manifest and report under {@code <table location>/coldpath/runs/<id>/}.
 *
 * @param table       {@code <catalog>.<namespace>.<table>}
 * @param warehouse   the embedded Hadoop catalog's warehouse; "" when Spark's configuration names the catalog (a
 *                    String, not an Optional: the plan is serialized to executors)
 * @param partitionBy the partition spec of a table the run creates
 * @param mode        how the run's rows join the table's
 * @param promote     whether a committed run becomes the current snapshot, or waits on branch
 *                    {@code coldpath-staging} for {@code coldpath runs promote}
 */
public record IcebergTable(String table, String warehouse, List<String> partitionBy, WriteMode mode,
                           PromotePolicy promote) implements Sink {
    public IcebergTable {
        requireNonNull(promote, "promote is null");
        requireNonNull(table, "table is null");
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(mode, "mode is null");
        partitionBy = List.copyOf(partitionBy);
    }

    @Override
    public String path() {
        return table;
    }
}
