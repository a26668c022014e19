package dev.coldpath.core.decode;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.error.InferenceException;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.tensor.ElementType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sequence of maps (ai.onnx.ml ZipMap, one map per row) written as a map column: int64 or string keys to float
 * or double values.
 */
public record MapDecoder(String output, String column, ElementType keyType, ElementType valueType)
        implements OutputDecoder {
    public MapDecoder {
        requireNonNull(output, "output is null");
        requireNonNull(column, "column is null");
        requireNonNull(keyType, "keyType is null");
        requireNonNull(valueType, "valueType is null");
        if (keyType != ElementType.INT64 && keyType != ElementType.STRING) {
            throw new IllegalArgumentException("map keys must be int64 or string: " + keyType);
        }
        if (!valueType.isFloatingPoint()) {
            throw new IllegalArgumentException("map values must be float or double: " + valueType);
        }
    }

    @Override
    public ColumnType type() {
        return ColumnType.mapOf(keyType.columnType(), valueType.columnType());
    }

    @Override
    public MapValues decode(OnnxValue value, int rows) throws OrtException {
        List<? extends OnnxValue> elements = ((OnnxSequence) value).getValue();
        if (elements.size() != rows) {
            throw new InferenceException("Model output '" + output + "' holds " + elements.size()
                    + " maps for a batch of " + rows + " rows", null);
        }
        List<Map<Object, Object>> maps = new ArrayList<>(rows);
        for (OnnxValue element : elements) {
            maps.add(new LinkedHashMap<>(((OnnxMap) element).getValue()));
        }
        return new MapValues(column, maps);
    }
}
