package dev.coldpath.spark;

import dev.coldpath.core.table.RunLineage;
import dev.coldpath.core.table.RunManifest;
import java.util.Optional;

/**
 * Where a run's rows go: the run is staged, its rows written in one Spark job, then committed with its manifest, or
 * aborted leaving nothing visible. One sink per run; driver-only, not thread safe. The Parquet run table
 * ({@link ParquetRunTableSink}) is the first; a table format such as Iceberg is one more implementation.
 */
interface RunSink {
    /**
     * Reserves the run's place; nothing is visible until {@link #commit}. Every row written carries the lineage (or
     * the sink says, as a {@code JobSpecException}, which output column keeps it from doing so).
     */
    void stage(RunLineage lineage);

    /**
     * Writes the pass's accepted rows into the staged run and, with {@code quarantine}, its rejected rows beside
     * them (else they are dropped); computing the rows is the pass, so this runs the scoring job.
     */
    void write(ScoredRows rows, boolean quarantine);

    /** Where the staged run keeps rejected rows, relative to the run; empty when none were written. */
    Optional<String> quarantinePath();

    /** The run's data, relative to the table, as the manifest records it: {@code run=R@V}. */
    String dataPath();

    /** Makes the staged run visible with its manifest; returns where its data is. */
    Committed commit(RunManifest manifest);

    /** Removes the staged run; the run will not be committed. */
    void abort();

    /** The table the sink writes to. */
    String table();

    /** A committed run: where its data is, and whether it became the table's current run. */
    record Committed(String location, boolean promoted) {
    }
}
