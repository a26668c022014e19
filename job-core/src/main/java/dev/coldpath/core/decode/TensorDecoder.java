package dev.coldpath.core.decode;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.error.InferenceException;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.tensor.ElementType;
import java.util.Arrays;

/**
 * A tensor output written as a column: [N] a scalar column of the element type ({@link ElementType#columnType}),
 * [N, K] an array column, and each further dimension one more level of array nesting.
 */
public record TensorDecoder(String output, String column, ElementType elementType, int rank) implements OutputDecoder {
    public TensorDecoder {
        requireNonNull(output, "output is null");
        requireNonNull(column, "column is null");
        requireNonNull(elementType, "elementType is null");
        if (!elementType.isRead()) {
            throw new IllegalArgumentException("element type " + elementType + " cannot be read");
        }
        if (rank < 1) {
            throw new IllegalArgumentException("rank must be >= 1 (the batch dimension): " + rank);
        }
    }

    @Override
    public ColumnType type() {
        ColumnType type = elementType.columnType();
        for (int i = 1; i < rank; i++) {
            type = ColumnType.arrayOf(type);
        }
        return type;
    }

    @Override
    public TensorValues decode(OnnxValue value, int rows) throws OrtException {
        OnnxTensor tensor = (OnnxTensor) value;
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != rank || shape[0] != rows) {
            throw new InferenceException("Model output '" + output + "' has shape " + Arrays.toString(shape)
                    + " for a batch of " + rows + " rows; coldpath expects the batch dimension first and rank " + rank,
                    null);
        }
        int[] inner = new int[shape.length - 1];
        for (int i = 1; i < shape.length; i++) {
            inner[i - 1] = Math.toIntExact(shape[i]);
        }
        return new TensorValues(column, elementType.readAs(), rows, elementType.read(tensor), inner);
    }
}
