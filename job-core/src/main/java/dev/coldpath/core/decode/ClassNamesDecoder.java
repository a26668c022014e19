package dev.coldpath.core.decode;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.error.InferenceException;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.tensor.ElementType;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classifier's output written with its class names instead of its class ids (output.labels): a label tensor
 * [N] of int64 or int32 ids as a string column of names; a probability tensor [N, K] over the K named classes, or
 * a ZipMap with int64 keys, as a map from class name to probability. It decodes through the decoder of the ids
 * ({@code ids}) and maps them; an id the names do not cover fails the batch.
 *
 * @param classes class id {@code i}'s name is {@code classes.get(i)}
 * @param source  where the names come from, for messages
 */
public record ClassNamesDecoder(OutputDecoder ids, String column, List<String> classes, String source)
        implements OutputDecoder {
    /** What an output of class ids holds. */
    public enum Shape {
        /** [N] integer ids: one label per row. */
        LABEL,
        /** [N, K] floating-point scores, one per class. */
        SCORES,
        /** A ZipMap from int64 id to score. */
        MAP
    }

    public ClassNamesDecoder {
        requireNonNull(ids, "ids is null");
        requireNonNull(column, "column is null");
        classes = List.copyOf(classes);
        requireNonNull(source, "source is null");
        if (ids instanceof ClassNamesDecoder) {
            throw new IllegalArgumentException("ids already decodes names");
        }
        if (shapeOf(ids) == null) {
            throw new IllegalArgumentException("output " + ids.output() + " " + ids.type() + " holds no class ids");
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("classes is empty");
        }
    }

    /**
     * What the output of a decoder holds in terms of classes, or null when it is not a class output: [N] int64 or
     * int32 is a label, [N, K] float or double scores, a ZipMap with int64 keys scores by id.
     */
    public static Shape shapeOf(OutputDecoder ids) {
        if (ids instanceof TensorDecoder t) {
            if (t.rank() == 1 && (t.elementType() == ElementType.INT64 || t.elementType() == ElementType.INT32)) {
                return Shape.LABEL;
            }
            if (t.rank() == 2 && t.elementType().isFloatingPoint()) {
                return Shape.SCORES;
            }
        }
        if (ids instanceof MapDecoder m && m.keyType() == ElementType.INT64) {
            return Shape.MAP;
        }
        return null;
    }

    @Override
    public String output() {
        return ids.output();
    }

    /** The shape of the ids decoded. */
    public Shape shape() {
        return shapeOf(ids);
    }

    @Override
    public ColumnType type() {
        return switch (shape()) {
            case LABEL -> ColumnType.STRING;
            case SCORES -> ColumnType.mapOf(ColumnType.STRING, ((TensorDecoder) ids).elementType().columnType());
            case MAP -> ColumnType.mapOf(ColumnType.STRING, ((MapDecoder) ids).valueType().columnType());
        };
    }

    @Override
    public Prediction decode(OnnxValue value, int rows) throws OrtException {
        Prediction decoded = ids.decode(value, rows);
        return switch (shape()) {
            case LABEL -> labels((TensorValues) decoded);
            case SCORES -> scores((TensorValues) decoded);
            case MAP -> renamed((MapValues) decoded);
        };
    }

    private TensorValues labels(TensorValues ids) {
        String[] names = new String[ids.rows()];
        for (int i = 0; i < names.length; i++) {
            names[i] = name(((Number) Array.get(ids.values(), i)).longValue());
        }
        return new TensorValues(column, ElementType.STRING, ids.rows(), names, new int[0]);
    }

    private MapValues scores(TensorValues scores) {
        int k = scores.innerDim(0);
        if (k != classes.size()) {
            throw new InferenceException("Model output '" + output() + "' gave " + k + " scores per row, but "
                    + source + " names " + classes.size() + " classes " + classes + " (set output.labels: ids)", null);
        }
        List<Map<Object, Object>> maps = new ArrayList<>(scores.rows());
        Object values = scores.values();
        for (int row = 0; row < scores.rows(); row++) {
            Map<Object, Object> map = new LinkedHashMap<>(k * 2);
            for (int c = 0; c < k; c++) {
                map.put(classes.get(c), Array.get(values, row * k + c));
            }
            maps.add(map);
        }
        return new MapValues(column, maps);
    }

    private MapValues renamed(MapValues byId) {
        List<Map<Object, Object>> maps = new ArrayList<>(byId.rows());
        for (int row = 0; row < byId.rows(); row++) {
            Map<Object, Object> map = new LinkedHashMap<>();
            byId.valueAt(row).forEach((id, score) -> map.put(name(((Number) id).longValue()), score));
            maps.add(map);
        }
        return new MapValues(column, maps);
    }

    private String name(long id) {
        if (id < 0 || id >= classes.size()) {
            throw new InferenceException("Model output '" + output() + "' gave class id " + id + ", which " + source
                    + " does not name (it names " + classes.size() + " classes: " + classes
                    + "; set output.labels: ids)", null);
        }
        return classes.get((int) id);
    }
}
