package dev.coldpath.core.encode;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.schema.ColumnType.Kind;
import dev.coldpath.core.tensor.Columns;
import dev.coldpath.core.tensor.ElementCopy;
import dev.coldpath.core.tensor.ElementType;
import dev.coldpath.core.tensor.TensorBuffer;
import dev.coldpath.core.tensor.Values;
import java.util.Arrays;
import java.util.List;

/**
 * A model input of shape [N, K] fed from K scalar columns of one kind, in the order given, or of shape [N] from one
 * column.
 *
 * @param ordinals   the columns' positions in the input row
 * @param sourceKind the kind of the columns' values, converted without loss to {@code elementType}
 * @param shape      {@code [K]} for an input of shape [N, K], or {@code []} for [N] (then one column)
 */
public record ScalarColumns(String input, ElementType elementType, List<String> columns, int[] ordinals,
                            Kind sourceKind, long[] shape) implements ColumnarEncoder {
    /** Rows per tile of a columnar copy: 64 rows of up to 32 floats (8 KB) fit in any L1 data cache. */
    private static final int TILE_ROWS = 64;

    public ScalarColumns {
        requireNonNull(input, "input is null");
        requireNonNull(elementType, "elementType is null");
        requireNonNull(sourceKind, "sourceKind is null");
        columns = List.copyOf(columns);
        ordinals = ordinals.clone();
        if (columns.isEmpty() || columns.size() != ordinals.length) {
            throw new IllegalArgumentException("columns and ordinals must be non-empty and of one length: " + columns);
        }
        if (elementType.copyFrom(sourceKind).isEmpty()) {
            throw new IllegalArgumentException("no lossless copy from " + sourceKind + " to " + elementType);
        }
        shape = shape.clone();
        if (shape.length > 1 || (shape.length == 1 ? shape[0] : 1) != columns.size()) {
            throw new IllegalArgumentException("shape must be [" + columns.size() + "], or [] for one column: "
                    + Arrays.toString(shape));
        }
    }

    @Override
    public int[] ordinals() {
        return ordinals.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String source() {
        return "columns " + String.join(", ", columns);
    }

    @Override
    public void encode(Values row, RowTarget target, MissingValues missing) throws RowRejectedException {
        TensorBuffer buffer = target.buffer();
        int base = target.start(target.dims());
        ElementCopy copy = copy();
        Object values = buffer.array();
        for (int k = 0; k < ordinals.length; k++) {
            if (row.isNullAt(ordinals[k])) {
                if (!missing.impute()) {
                    throw reject(k, "is null");
                }
                buffer.put(base + k, missing.value());
            } else {
                copy.copy(row, ordinals[k], values, base + k);
            }
        }
        for (int i = buffer.firstNaN(base, base + ordinals.length); i >= 0;
                i = buffer.firstNaN(i + 1, base + ordinals.length)) {
            if (!missing.impute()) {
                throw reject(i - base, "is NaN");
            }
            buffer.put(i, missing.value());
        }
    }

    @Override
    public boolean acceptsColumns(Columns chunk) {
        return true;
    }

    /**
     * Copies column by column, in tiles of {@link #TILE_ROWS} rows: all columns of a tile before the next tile, so
     * the tile's part of the row-major buffer stays in the L1 cache while each column is scattered into it.
     */
    @Override
    public boolean encodeColumns(Columns chunk, int from, int count, TensorBuffer buffer, int base,
                                 boolean[] recheck) {
        ElementCopy copy = copy();
        Object target = buffer.array();
        int stride = ordinals.length;
        Values[] sources = new Values[stride];
        boolean[] nullable = new boolean[stride];
        boolean marked = false;
        for (int k = 0; k < stride; k++) {
            sources[k] = chunk.column(ordinals[k]);
            nullable[k] = chunk.mayHaveNulls(ordinals[k]);
        }
        for (int tile = 0; tile < count; tile += TILE_ROWS) {
            int end = Math.min(count, tile + TILE_ROWS);
            for (int k = 0; k < stride; k++) {
                Values column = sources[k];
                if (nullable[k]) {
                    for (int r = tile, position = base + tile * stride + k; r < end; r++, position += stride) {
                        if (column.isNullAt(from + r)) {
                            recheck[r] = true;
                            marked = true;
                        } else {
                            copy.copy(column, from + r, target, position);
                        }
                    }
                } else {
                    for (int r = tile, position = base + tile * stride + k; r < end; r++, position += stride) {
                        copy.copy(column, from + r, target, position);
                    }
                }
            }
        }
        int end = base + count * stride;
        for (int i = buffer.firstNaN(base, end); i >= 0; ) {
            int r = (i - base) / stride;
            recheck[r] = true;
            marked = true;
            i = buffer.firstNaN(base + (r + 1) * stride, end);
        }
        return marked;
    }

    private ElementCopy copy() {
        return elementType.copyFrom(sourceKind).orElseThrow();
    }

    private RowRejectedException reject(int k, String problem) {
        String column = columns.get(k);
        return new RowRejectedException(column, "Column '" + column + "' " + problem);
    }
}
