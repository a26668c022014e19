package dev.coldpath.core.model;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.coldpath.core.tensor.ElementType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A model input or output as ONNX Runtime declares it. For tensors {@code elementType} and {@code shape} are
 * set; for a sequence of maps, {@code mapKeyType} and {@code elementType} (the map's value type).
 */
public record ValueSpec(String name, ValueKind kind, OnnxJavaType elementType, List<Dimension> shape,
                        OnnxJavaType mapKeyType) implements Serializable {
    public ValueSpec {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        shape = List.copyOf(shape);
    }

    public static ValueSpec tensor(String name, OnnxJavaType elementType, List<Dimension> shape) {
        return new ValueSpec(name, ValueKind.TENSOR, elementType, shape, null);
    }

    static ValueSpec of(NodeInfo node) {
        ValueInfo info = node.getInfo();
        if (info instanceof TensorInfo t) {
            long[] sizes = t.getShape();
            String[] names = t.getDimensionNames();
            List<Dimension> dims = new ArrayList<>(sizes.length);
            for (int i = 0; i < sizes.length; i++) {
                dims.add(new Dimension(sizes[i], i < names.length ? names[i] : ""));
            }
            return tensor(node.getName(), t.type, dims);
        }
        if (info instanceof SequenceInfo s && s.isSequenceOfMaps()) {
            MapInfo m = s.mapInfo;
            return new ValueSpec(node.getName(), ValueKind.SEQUENCE_OF_MAPS, m.valueType, List.of(), m.keyType);
        }
        return new ValueSpec(node.getName(), ValueKind.OTHER, OnnxJavaType.UNKNOWN, List.of(), null);
    }

    public int rank() {
        return shape.size();
    }

    /** The type as a person reads it: {@code float[N,30]}, {@code seq(map(int64,float))}. */
    public String describe() {
        return switch (kind) {
            case TENSOR -> typeName(elementType) + shape.stream().map(Dimension::toString)
                    .collect(Collectors.joining(",", "[", "]"));
            case SEQUENCE_OF_MAPS -> "seq(map(" + typeName(mapKeyType) + "," + typeName(elementType) + "))";
            case OTHER -> "unsupported value type";
        };
    }

    public static String typeName(OnnxJavaType type) {
        return ElementType.of(type).onnxName();
    }

    /** The element type (for a sequence of maps: the maps' value type). */
    public ElementType element() {
        return ElementType.of(elementType);
    }
}
