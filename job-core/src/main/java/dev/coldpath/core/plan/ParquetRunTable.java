package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.spec.PromotePolicy;

/**
 * A prediction table of Parquet runs (docs/tables.md): each run its own immutable directory, committed with its
 * manifest, and a pointer to the current run.
 *
 * @param promote whether a committed run becomes current by itself
 * @param replace  whether a run may replace one of the same id committed after it started (output.replace)
 * @param viewName the name of the table's SQL views of its current runs; "" for the table directory's name
 *                 (a String, not an Optional: the plan is serialized to executors)
 */
public record ParquetRunTable(String path, PromotePolicy promote, boolean replace, String viewName) implements Sink {
    public ParquetRunTable {
        requireNonNull(path, "path is null");
        requireNonNull(promote, "promote is null");
        requireNonNull(viewName, "viewName is null");
    }
}
