package dev.coldpath.core.spec;

import java.util.Locale;

/**
 * How a run's rows join an Iceberg table's ({@code output.mode}): they replace the table's content, replace the
 * partitions they write, or are appended. In every mode a rerun of a run id replaces that run's rows.
 */
public enum WriteMode {
    OVERWRITE, OVERWRITE_PARTITIONS, APPEND;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
