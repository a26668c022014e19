package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxJavaType;
import dev.coldpath.core.model.ValueKind;
import dev.coldpath.core.schema.ColumnType;
import java.io.Serializable;

/**
 * One model output written as a column: an output of shape [N] becomes a scalar column, [N, K] an array
 * column, and each further dimension one more level of array nesting; a sequence of maps (ZipMap) becomes a
 * map column.
 */
public record OutputColumn(String output, String column, ValueKind kind, OnnxJavaType elementType, int rank,
                           ColumnType type) implements Serializable {
    public OutputColumn {
        requireNonNull(output, "output is null");
        requireNonNull(column, "column is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(elementType, "elementType is null");
        requireNonNull(type, "type is null");
    }
}
