package dev.coldpath.core.decode;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/** A sequence-of-maps output (ai.onnx.ml ZipMap) for a batch: one map per row, keys as the model gave them. */
public record MapValues(String column, List<Map<Object, Object>> maps) implements Prediction {
    public MapValues {
        requireNonNull(column, "column is null");
        maps = List.copyOf(maps);
    }

    @Override
    public int rows() {
        return maps.size();
    }

    @Override
    public Map<Object, Object> valueAt(int row) {
        return maps.get(row);
    }
}
