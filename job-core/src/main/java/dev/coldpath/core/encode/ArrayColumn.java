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
 * A model input of shape [N, d1, d2, ...] fed from one array column: flat ({@code depth} 1, the row-major values)
 * or nested, one level of arrays per dimension ({@code depth} = rank - 1). A dimension the model leaves symbolic is
 * set by the row; under the stacking strategy the batch's first row sets it for the others.
 *
 * @param ordinal    the column's position in the input row
 * @param sourceKind the kind of the innermost elements, converted without loss to {@code elementType}
 * @param shape      the dimensions after the batch dimension; -1 where symbolic
 * @param depth      1 for a flat array column, else the nesting depth, which equals the shape's length
 */
public record ArrayColumn(String input, ElementType elementType, String column, int ordinal, Kind sourceKind,
                          long[] shape, int depth) implements ColumnarEncoder {
    public ArrayColumn {
        requireNonNull(input, "input is null");
        requireNonNull(elementType, "elementType is null");
        requireNonNull(column, "column is null");
        requireNonNull(sourceKind, "sourceKind is null");
        shape = shape.clone();
        if (shape.length == 0) {
            throw new IllegalArgumentException("an array column feeds an input of rank >= 2");
        }
        if (depth != 1 && depth != shape.length) {
            throw new IllegalArgumentException("depth must be 1 or " + shape.length + ": " + depth);
        }
        if (depth == 1 && Arrays.stream(shape).filter(d -> d < 0).count() > 1) {
            throw new IllegalArgumentException("a flat array sets at most one symbolic dimension: "
                    + Arrays.toString(shape));
        }
        if (elementType.copyFrom(sourceKind).isEmpty()) {
            throw new IllegalArgumentException("no lossless copy from " + sourceKind + " to " + elementType);
        }
    }

    @Override
    public List<String> columns() {
        return List.of(column);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String source() {
        return "array column " + column;
    }

    @Override
    public void encode(Values row, RowTarget target, MissingValues missing) throws RowRejectedException {
        long[] dims = target.dims();
        TensorBuffer buffer = target.buffer();
        if (row.isNullAt(ordinal)) {
            if (!missing.impute() || !isFixed(dims)) {
                throw reject("is null");
            }
            int base = target.start(dims);
            for (int i = 0, n = product(dims); i < n; i++) {
                buffer.put(base + i, missing.value());
            }
            return;
        }
        Values array = row.getArray(ordinal);
        long[] rowDims = isFixed(dims) ? dims : rowDims(array, dims);
        int perRow = product(rowDims);
        int base = target.start(rowDims);
        ElementCopy copy = elementType.copyFrom(sourceKind).orElseThrow();
        if (depth == 1) {
            if (array.size() != perRow) {
                throw reject("has an array of length " + array.size() + " but model input '" + input + "' needs "
                        + perRow + " values per row" + shapeNote());
            }
            copyElements(array, buffer, base, copy, missing);
        } else {
            writeNested(array, rowDims, 0, buffer, base, copy, missing);
        }
        for (int i = buffer.firstNaN(base, base + perRow); i >= 0; i = buffer.firstNaN(i + 1, base + perRow)) {
            if (!missing.impute()) {
                throw reject("is NaN at array index " + (i - base));
            }
            buffer.put(i, missing.value());
        }
    }

    /** The dimensions this row sets where {@code dims} leaves them open, read off the array. */
    private long[] rowDims(Values array, long[] dims) throws RowRejectedException {
        long[] out = dims.clone();
        if (depth == 1) {
            long known = 1;
            int unknownAt = -1;
            for (int i = 0; i < out.length; i++) {
                if (out[i] < 0) {
                    unknownAt = i;
                } else {
                    known *= out[i];
                }
            }
            if (known == 0 || array.size() % known != 0) {
                throw reject("has an array of length " + array.size() + " that does not fill model input '" + input
                        + "' (a multiple of " + known + " values is needed)");
            }
            out[unknownAt] = array.size() / known;
            return out;
        }
        Values level = array;
        for (int i = 0; i < out.length; i++) {
            if (out[i] < 0) {
                out[i] = level.size();
            }
            if (i < out.length - 1) {
                if (level.size() == 0 || level.isNullAt(0)) {
                    throw reject("has an empty or null nested array at level " + (i + 1));
                }
                level = level.getArray(0);
            }
        }
        return out;
    }

    private void copyElements(Values array, TensorBuffer buffer, int base, ElementCopy copy, MissingValues missing)
            throws RowRejectedException {
        Object values = buffer.array();
        for (int i = 0, n = array.size(); i < n; i++) {
            if (array.isNullAt(i)) {
                if (!missing.impute()) {
                    throw reject("has a null array element at index " + i);
                }
                buffer.put(base + i, missing.value());
            } else {
                copy.copy(array, i, values, base + i);
            }
        }
    }

    /** Writes nested arrays level by level; returns the next buffer position. */
    private int writeNested(Values array, long[] dims, int level, TensorBuffer buffer, int position, ElementCopy copy,
                            MissingValues missing) throws RowRejectedException {
        if (array.size() != dims[level]) {
            throw reject("has an array of length " + array.size() + " at nesting level " + (level + 1)
                    + " but model input '" + input + "' needs " + dims[level] + shapeNote());
        }
        if (level == dims.length - 1) {
            copyElements(array, buffer, position, copy, missing);
            return position + array.size();
        }
        int next = position;
        for (int i = 0, n = array.size(); i < n; i++) {
            if (array.isNullAt(i)) {
                throw reject("has a null nested array at level " + (level + 1) + ", index " + i);
            }
            next = writeNested(array.getArray(i), dims, level + 1, buffer, next, copy, missing);
        }
        return next;
    }

    /** A flat array of a fixed shape, from an engine that exposes the column's elements back to back. */
    @Override
    public boolean acceptsColumns(Columns chunk) {
        return depth == 1 && isFixed(shape) && chunk.arrays(ordinal) != null;
    }

    /** Copies each row's array straight from the column's element vector, by the row's offset. */
    @Override
    public boolean encodeColumns(Columns chunk, int from, int count, TensorBuffer buffer, int base,
                                 boolean[] recheck) {
        Columns.ArrayElements arrays = chunk.arrays(ordinal);
        Values elements = arrays.elements();
        boolean nullArrays = chunk.mayHaveNulls(ordinal);
        boolean nullElements = arrays.elementsMayHaveNulls();
        Values column = nullArrays ? chunk.column(ordinal) : null;
        ElementCopy copy = elementType.copyFrom(sourceKind).orElseThrow();
        Object target = buffer.array();
        int perRow = product(shape);
        boolean marked = false;
        for (int r = 0; r < count; r++) {
            int row = from + r;
            if (nullArrays && column.isNullAt(row) || arrays.length(row) != perRow
                    || nullElements && anyNull(elements, arrays.offset(row), perRow)) {
                recheck[r] = true;
                marked = true;
                continue;
            }
            for (int i = arrays.offset(row), end = i + perRow, position = base + r * perRow; i < end; i++) {
                copy.copy(elements, i, target, position++);
            }
        }
        int end = base + count * perRow;
        for (int i = buffer.firstNaN(base, end); i >= 0; ) {
            int r = (i - base) / perRow;
            recheck[r] = true;
            marked = true;
            i = buffer.firstNaN(base + (r + 1) * perRow, end);
        }
        return marked;
    }

    private static boolean anyNull(Values elements, int offset, int n) {
        for (int i = offset; i < offset + n; i++) {
            if (elements.isNullAt(i)) {
                return true;
            }
        }
        return false;
    }

    private String shapeNote() {
        return isFixed(shape) ? ""
                : " (set by the first row of the batch, as the model leaves that dimension symbolic)";
    }

    private RowRejectedException reject(String problem) {
        return new RowRejectedException(column, "Column '" + column + "' " + problem);
    }

    static boolean isFixed(long[] dims) {
        for (long d : dims) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }

    static int product(long[] dims) {
        long p = 1;
        for (long d : dims) {
            p *= d;
        }
        return Math.toIntExact(p);
    }
}
