package dev.coldpath.core.spec;

import java.util.Locale;

/** What a job's predictions are committed as: a Parquet run table (docs/tables.md) or an Iceberg table. */
public enum OutputFormat {
    PARQUET, ICEBERG;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
