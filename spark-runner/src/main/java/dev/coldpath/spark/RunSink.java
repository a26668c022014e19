package dev.coldpath.spark;

import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.table.RunLineage;
import dev.coldpath.core.table.RunManifest;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.StructType;

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

    /**
     * Where the pass writes the shadow models' rows: each shadow's in {@code _shadow/<name>/} of the staged run, so
     * they are committed with it and never visible alone, with the lineage columns as the run's rows have them (the
     * shadow's own model version). Call after {@link #stage}, before {@link #write}.
     */
    ShadowSink shadows(List<Shadow> shadows);

    /** Where the staged run keeps rejected rows, relative to the run; empty when none were written. */
    Optional<String> quarantinePath();

    /** The run's data, relative to the table, as the manifest records it: {@code run=R@V}. */
    String dataPath();

    /**
     * The written run's published {@code outputs} against the table's current run of the same period (or the
     * table's current run, for a run without a period); empty when there is none or it cannot be read. Call after
     * {@link #write}.
     */
    Optional<RunDrift> drift(List<String> outputs);

    /** Makes the staged run visible with its manifest; returns where its data is. */
    Committed commit(RunManifest manifest);

    /** Removes the staged run; the run will not be committed. */
    void abort();

    /** The table the sink writes to. */
    String table();

    /** A shadow model's rows: its binding's name, their columns (kept, then its predictions), its model version. */
    record Shadow(String name, StructType schema, String modelVersion) {
    }

    /** A committed run: where its data is, and whether it became the table's current run. */
    record Committed(String location, boolean promoted) {
    }
}
