package dev.coldpath.core.plan;

import java.io.Serializable;

/**
 * Where a run's predictions go, as the plan names it; an engine writes there through its own implementation (for
 * Spark, a {@code RunSink}). A new output format is one more record here and one more implementation there.
 */
public sealed interface Sink extends Serializable permits ParquetRunTable, IcebergTable {
    /** The destination, for messages. */
    String path();
}
