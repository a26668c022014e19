package dev.coldpath.core.tensor;

/**
 * A chunk of rows stored column by column (Spark's ColumnarBatch, an Arrow record batch), read in place.
 * {@link TensorBatch#appendColumns} fills a model input from it one column at a time, so the per-value work
 * is a tight loop over one column instead of one call chain per row.
 */
public interface Columns {
    int rows();

    /** The column's values, indexed by row. */
    Values column(int ordinal);

    /** False only when the column holds no null in this chunk. */
    boolean mayHaveNulls(int ordinal);
}
