package dev.coldpath.core.tensor;

/**
 * A chunk of rows stored column by column (Spark's ColumnarBatch, an Arrow record batch), read in place. A
 * columnar encoder fills a model input from it one column at a time, so the per-value work is a tight loop over one
 * column instead of one call chain per row.
 */
public interface Columns {
    int rows();

    /** The column's values, indexed by row. */
    Values column(int ordinal);

    /** False only when the column holds no null in this chunk. */
    boolean mayHaveNulls(int ordinal);

    /** Row {@code r} as {@link Values}, for rows a columnar fill hands to the row path; valid until the next call. */
    default Values rowValues(int r) {
        return new ColumnsRow(this, r);
    }

    /** An array column's elements, back to back for all rows; null when the chunk cannot expose them so. */
    default ArrayElements arrays(int ordinal) {
        return null;
    }

    /** The elements of an array column: row {@code r}'s array is {@code length(r)} elements from {@code offset(r)}. */
    interface ArrayElements {
        Values elements();

        int offset(int row);

        int length(int row);

        /** False only when no element of any row's array is null. */
        boolean elementsMayHaveNulls();
    }
}
