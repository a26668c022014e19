package dev.coldpath.core.table;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What every row of a run carries about the run, as typed columns inside its data files (docs/tables.md, "Lineage
 * columns"): {@code model_version} and {@code run_id} (strings), {@code period} (a DATE for a day, a TIMESTAMP for
 * an hour, NULL for a run without a period) and {@code scored_at} (a TIMESTAMP: when the run started, the same for
 * all its rows, so a retried task writes the same value).
 *
 * @param period the logical period as the manifest names it ({@code 2026-11-28}, {@code 2026-11-28T13}); empty for
 *               a run without one
 */
public record RunLineage(String modelVersion, String runId, Optional<String> period, Instant scoredAt)
        implements Serializable {
    public static final String MODEL_VERSION = "model_version";
    public static final String RUN_ID = "run_id";
    public static final String PERIOD = "period";
    public static final String SCORED_AT = "scored_at";
    /** The lineage columns, in the order they follow the predictions in every data file. */
    public static final List<String> COLUMNS = List.of(MODEL_VERSION, RUN_ID, PERIOD, SCORED_AT);

    public RunLineage {
        requireNonNull(modelVersion, "modelVersion is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(period, "period is null");
        requireNonNull(scoredAt, "scoredAt is null");
    }

    /** Whether the period is an hour ({@code 2026-11-28T13}), so that it is a TIMESTAMP rather than a DATE. */
    public boolean hourly() {
        return period.map(p -> p.contains("T")).orElse(false);
    }
}
