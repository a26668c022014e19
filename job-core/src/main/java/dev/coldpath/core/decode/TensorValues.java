package dev.coldpath.core.decode;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.tensor.ElementType;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/**
 * A tensor output's values for a batch, flat and row-major: one Java array for the whole batch.
 *
 * @param type      the element type the values are held as ({@link ElementType#readAs}): float for a float16 output
 * @param values    float[], double[], long[], int[], short[], byte[], boolean[] or String[], as {@code type} reads
 * @param innerDims each row's dimensions after the batch dimension; empty for a scalar per row
 */
public record TensorValues(String column, ElementType type, int rows, Object values, int[] innerDims)
        implements Prediction {
    public TensorValues {
        requireNonNull(column, "column is null");
        requireNonNull(type, "type is null");
        requireNonNull(values, "values is null");
        innerDims = innerDims.clone();
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0: " + rows);
        }
        long expected = (long) rows * product(innerDims);
        if (Array.getLength(values) != expected) {
            throw new IllegalArgumentException("values holds " + Array.getLength(values) + " elements, not rows x "
                    + "inner dimensions = " + expected);
        }
    }

    @Override
    public int[] innerDims() {
        return innerDims.clone();
    }

    /** Values per row (1 for a scalar). */
    public int elementsPerRow() {
        return product(innerDims);
    }

    /** The number of dimensions after the batch dimension. */
    public int innerRank() {
        return innerDims.length;
    }

    /** Dimension {@code i} after the batch dimension. */
    public int innerDim(int i) {
        return innerDims[i];
    }

    @Override
    public Object valueAt(int row) {
        if (innerDims.length == 0) {
            return Array.get(values, row);
        }
        return nested(row * elementsPerRow(), 0);
    }

    private Object nested(int offset, int level) {
        int n = innerDims[level];
        int stride = 1;
        for (int i = level + 1; i < innerDims.length; i++) {
            stride *= innerDims[i];
        }
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(level == innerDims.length - 1 ? Array.get(values, offset + i)
                    : nested(offset + i * stride, level + 1));
        }
        return list;
    }

    private static int product(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }
}
