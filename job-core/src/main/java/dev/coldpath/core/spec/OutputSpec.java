package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import java.util.List;
import java.util.Optional;

/**
 * Where and how a job's predictions are committed: {@code output.path}, {@code output.promote},
 * {@code output.keep-columns}, {@code output.replace}, {@code output.view-name} and {@code output.labels}, and for
 * an Iceberg table {@code output.format}, {@code output.table}, {@code output.warehouse}, {@code output.partition-by}
 * and {@code output.mode}. (Which model outputs are written, and their prefix, belong to the model:
 * {@link ModelSpec}.)
 *
 * @param path        the prediction table's root; "" for an Iceberg table
 * @param keepColumns input columns copied beside the predictions; empty for the default (every input column that
 *                    is not a feature)
 * @param replace     whether the run may replace a committed run of the same id and model version that was
 *                    committed after this run started (a rerun of one committed before it started always may)
 * @param viewName    the name of the table's SQL views of its current runs; empty for the table directory's name
 * @param labels      class names or ids in a classifier's prediction columns ({@code output.labels})
 * @param iceberg     the Iceberg table, for {@code output.format: iceberg}
 */
public record OutputSpec(String path, PromotePolicy promote, Optional<List<String>> keepColumns, boolean replace,
                         Optional<String> viewName, OutputLabels labels, Optional<IcebergOutput> iceberg) {
    /** A Parquet run table. */
    public OutputSpec(String path, PromotePolicy promote, Optional<List<String>> keepColumns, boolean replace,
                      Optional<String> viewName, OutputLabels labels) {
        this(path, promote, keepColumns, replace, viewName, labels, Optional.empty());
    }

    /** A Parquet run table with class names where the model gives them (the default of {@code output.labels}). */
    public OutputSpec(String path, PromotePolicy promote, Optional<List<String>> keepColumns, boolean replace,
                      Optional<String> viewName) {
        this(path, promote, keepColumns, replace, viewName, OutputLabels.NAMES);
    }

    public OutputSpec {
        requireNonNull(labels, "labels is null");
        requireNonNull(path, "path is null");
        requireNonNull(promote, "promote is null");
        requireNonNull(viewName, "viewName is null");
        requireNonNull(iceberg, "iceberg is null");
        keepColumns = keepColumns.map(List::copyOf);
    }

    /** What the predictions are committed as. */
    public OutputFormat format() {
        return iceberg.isPresent() ? OutputFormat.ICEBERG : OutputFormat.PARQUET;
    }

    /** The section as {@code config} sets it, defaults applied. */
    public static OutputSpec from(JobConfig config) {
        Optional<IcebergOutput> iceberg = IcebergOutput.from(config);
        String path = "";
        if (iceberg.isEmpty()) {
            path = config.require(JobKey.OUTPUT_PATH);
        } else if (config.find(JobKey.OUTPUT_PATH).filter(p -> !p.isBlank()).isPresent()) {
            throw new JobSpecException("output.path is for output.format: parquet; an Iceberg table is named by"
                    + " output.table (and its catalog's warehouse by output.warehouse): remove output.path");
        }
        return new OutputSpec(path, config.get(JobKey.PROMOTE), config.find(JobKey.KEEP_COLUMNS),
                config.get(JobKey.REPLACE), config.find(JobKey.VIEW_NAME), config.get(JobKey.OUTPUT_LABELS), iceberg);
    }
}
