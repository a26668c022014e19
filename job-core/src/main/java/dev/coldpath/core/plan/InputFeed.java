package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.tensor.ElementType;
import java.io.Serializable;
import java.util.List;

/**
 * How one model input is fed from the row: either from K scalar columns ({@link Layout#COLUMNS}, input
 * [N, K]) or from one array column ({@link Layout#ARRAY}), flat (row-major) or nested one level per
 * dimension.
 *
 * @param columns     the source column names, in feed order
 * @param ordinals    the source columns' positions in the input row
 * @param sourceKind  the scalar kind of the source values
 * @param innerShape  the tensor dimensions after the batch dimension; -1 where the model leaves it symbolic
 *                    (then the first row of each batch decides it)
 * @param arrayDepth  for ARRAY: 1 for a flat array, or the nesting depth of a nested array column
 */
public record InputFeed(String input, ElementType elementType, Layout layout, List<String> columns,
                        int[] ordinals, ColumnType.Kind sourceKind, long[] innerShape, int arrayDepth)
        implements Serializable {
    public enum Layout { COLUMNS, ARRAY }

    public InputFeed {
        requireNonNull(input, "input is null");
        requireNonNull(elementType, "elementType is null");
        requireNonNull(layout, "layout is null");
        columns = List.copyOf(columns);
        ordinals = ordinals.clone();
        innerShape = innerShape.clone();
        if (columns.size() != ordinals.length) {
            throw new IllegalArgumentException("columns and ordinals differ in length");
        }
    }

    @Override
    public int[] ordinals() {
        return ordinals.clone();
    }

    @Override
    public long[] innerShape() {
        return innerShape.clone();
    }
}
