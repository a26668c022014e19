package dev.coldpath.core.encode;

import dev.coldpath.core.tensor.Columns;
import dev.coldpath.core.tensor.TensorBuffer;

/**
 * An encoder that can also copy a range of a columnar chunk a column at a time: the fast path, a tight loop per
 * column instead of a call chain per row. Only for a fixed per-row shape, when each row's values sit at
 * {@code base + row × values per row}.
 */
public sealed interface ColumnarEncoder extends Encoder permits ScalarColumns, ArrayColumn {
    /** Whether {@link #encodeColumns} can read this chunk at all. */
    boolean acceptsColumns(Columns chunk);

    /**
     * Writes rows [{@code from}, {@code from + count}) of the chunk to {@code buffer}, row {@code r} of the range from
     * position {@code base + r × values per row}. A row that holds a null, a NaN or an array of another length is
     * written as it comes (or not at all) and marked in {@code recheck[r]}: the batch then encodes it again with
     * {@link #encode}, which imputes or rejects it. Returns whether any row was marked.
     */
    boolean encodeColumns(Columns chunk, int from, int count, TensorBuffer buffer, int base, boolean[] recheck);
}
