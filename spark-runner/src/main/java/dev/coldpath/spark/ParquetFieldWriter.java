package dev.coldpath.spark;

import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Writes one top-level field of each row into the Parquet column writers of one row group, with the levels and
 * nulls Spark's {@code ParquetWriteSupport} gives them through parquet-column's {@code MessageColumnIO}, for
 * {@link ParquetDirectRows}. Used by one thread, for one row group.
 */
interface ParquetFieldWriter {
    /** Writes field {@code ordinal} of {@code row}, null or not. */
    void write(InternalRow row, int ordinal);

    /** Writes what is still held back (the nulls {@code MessageColumnIO} defers), before the row group is flushed. */
    void flush();
}
