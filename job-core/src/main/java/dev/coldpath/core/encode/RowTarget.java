package dev.coldpath.core.encode;

import dev.coldpath.core.tensor.TensorBuffer;

/**
 * Where an encoder writes one row: the buffer of its input for the batch, at the place the batching strategy
 * chooses. Implemented by the strategies ({@code core.batch}); valid for one row.
 */
public interface RowTarget {
    /**
     * The dimensions this row must have after the batch dimension; -1 where the row may set it (a symbolic
     * dimension before the batch's first row, or a dimension the batch pads). Read only.
     */
    long[] dims();

    /**
     * Makes room for the row, with {@code rowDims} (no -1, equal to {@link #dims} where that is fixed), and returns the
     * position of its first value in {@link #buffer}. Values go there row-major.
     */
    int start(long[] rowDims);

    TensorBuffer buffer();

    /** Notes that the row's value was cut to fit (a text longer than its maximum length); the batch counts it. */
    void markTruncated();
}
