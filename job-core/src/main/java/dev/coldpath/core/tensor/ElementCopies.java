package dev.coldpath.core.tensor;

import ai.onnxruntime.OnnxJavaType;
import dev.coldpath.core.schema.ColumnType.Kind;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The lossless conversions from column kinds to tensor element types, one small copier each. A pair that is
 * missing here is not lossless (double to float, bigint to int) and the plan refuses it.
 */
public final class ElementCopies {
    private static final Map<OnnxJavaType, Map<Kind, ElementCopy>> COPIES = Map.of(
            OnnxJavaType.FLOAT, Map.of(
                    Kind.FLOAT, (s, i, t, p) -> ((float[]) t)[p] = s.getFloat(i),
                    Kind.SHORT, (s, i, t, p) -> ((float[]) t)[p] = s.getShort(i),
                    Kind.BYTE, (s, i, t, p) -> ((float[]) t)[p] = s.getByte(i)),
            OnnxJavaType.DOUBLE, Map.of(
                    Kind.DOUBLE, (s, i, t, p) -> ((double[]) t)[p] = s.getDouble(i),
                    Kind.FLOAT, (s, i, t, p) -> ((double[]) t)[p] = s.getFloat(i),
                    Kind.INT, (s, i, t, p) -> ((double[]) t)[p] = s.getInt(i),
                    Kind.SHORT, (s, i, t, p) -> ((double[]) t)[p] = s.getShort(i),
                    Kind.BYTE, (s, i, t, p) -> ((double[]) t)[p] = s.getByte(i)),
            OnnxJavaType.INT64, Map.of(
                    Kind.LONG, (s, i, t, p) -> ((long[]) t)[p] = s.getLong(i),
                    Kind.INT, (s, i, t, p) -> ((long[]) t)[p] = s.getInt(i),
                    Kind.SHORT, (s, i, t, p) -> ((long[]) t)[p] = s.getShort(i),
                    Kind.BYTE, (s, i, t, p) -> ((long[]) t)[p] = s.getByte(i)),
            OnnxJavaType.INT32, Map.of(
                    Kind.INT, (s, i, t, p) -> ((int[]) t)[p] = s.getInt(i),
                    Kind.SHORT, (s, i, t, p) -> ((int[]) t)[p] = s.getShort(i),
                    Kind.BYTE, (s, i, t, p) -> ((int[]) t)[p] = s.getByte(i)),
            OnnxJavaType.INT16, Map.of(
                    Kind.SHORT, (s, i, t, p) -> ((short[]) t)[p] = s.getShort(i),
                    Kind.BYTE, (s, i, t, p) -> ((short[]) t)[p] = s.getByte(i)),
            OnnxJavaType.INT8, Map.of(
                    Kind.BYTE, (s, i, t, p) -> ((byte[]) t)[p] = s.getByte(i)),
            OnnxJavaType.BOOL, Map.of(
                    Kind.BOOLEAN, (s, i, t, p) -> ((byte[]) t)[p] = (byte) (s.getBoolean(i) ? 1 : 0)));

    private ElementCopies() {
    }

    static Optional<ElementCopy> find(Kind source, OnnxJavaType target) {
        return Optional.ofNullable(COPIES.getOrDefault(target, Map.of()).get(source));
    }

    public static boolean isSupported(Kind source, OnnxJavaType target) {
        return find(source, target).isPresent();
    }

    /** The column kinds a tensor of {@code target} accepts, for error messages. */
    public static Set<Kind> sourcesFor(OnnxJavaType target) {
        return COPIES.getOrDefault(target, Map.of()).keySet();
    }

    public static boolean isSupportedTarget(OnnxJavaType target) {
        return COPIES.containsKey(target);
    }

    static int byteSize(OnnxJavaType type) {
        return switch (type) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            case INT16 -> 2;
            case INT8, BOOL -> 1;
            default -> throw new IllegalArgumentException("No tensor buffer for element type " + type);
        };
    }

    /** A typed view over {@code bytes}, the type {@link ElementCopy} casts its target to. */
    static java.nio.Buffer view(ByteBuffer bytes, OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> bytes.asFloatBuffer();
            case DOUBLE -> bytes.asDoubleBuffer();
            case INT64 -> bytes.asLongBuffer();
            case INT32 -> bytes.asIntBuffer();
            case INT16 -> bytes.asShortBuffer();
            case INT8, BOOL -> bytes.duplicate(); // its own limit: the tensor's must not narrow the buffer
            default -> throw new IllegalArgumentException("No tensor buffer for element type " + type);
        };
    }
}
