package dev.coldpath.core.tensor;

import ai.onnxruntime.OnnxJavaType;
import java.nio.ByteBuffer;

/**
 * One model input's values for a batch, in a Java array of the tensor's element type: rows are written there
 * with plain array stores, and go to the tensor's direct buffer in one bulk copy per batch. Not thread safe.
 */
final class ElementArray {
    private final OnnxJavaType type;
    /** float[], double[], long[], int[], short[], or byte[] (INT8 and BOOL). */
    private Object array;
    private int length;

    ElementArray(OnnxJavaType type) {
        this.type = type;
    }

    /** Makes room for {@code needed} values, keeping none. */
    void ensure(int needed) {
        if (array != null && length >= needed) {
            return;
        }
        array = switch (type) {
            case FLOAT -> new float[needed];
            case DOUBLE -> new double[needed];
            case INT64 -> new long[needed];
            case INT32 -> new int[needed];
            case INT16 -> new short[needed];
            case INT8, BOOL -> new byte[needed];
            default -> throw new IllegalArgumentException("No tensor buffer for element type " + type);
        };
        length = needed;
    }

    /** The array {@link ElementCopy} writes into. */
    Object array() {
        return array;
    }

    /** The first position in [from, to) that holds a NaN, or -1; only float and double values can. */
    int firstNaN(int from, int to) {
        if (array instanceof float[] floats) {
            for (int i = from; i < to; i++) {
                if (floats[i] != floats[i]) {
                    return i;
                }
            }
        } else if (array instanceof double[] doubles) {
            for (int i = from; i < to; i++) {
                if (doubles[i] != doubles[i]) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Writes an imputed value, converted to the element type. */
    void put(int position, double value) {
        switch (type) {
            case FLOAT -> ((float[]) array)[position] = (float) value;
            case DOUBLE -> ((double[]) array)[position] = value;
            case INT64 -> ((long[]) array)[position] = (long) value;
            case INT32 -> ((int[]) array)[position] = (int) value;
            case INT16 -> ((short[]) array)[position] = (short) value;
            case INT8, BOOL -> ((byte[]) array)[position] = (byte) value;
            default -> throw new IllegalStateException("unsupported element type " + type);
        }
    }

    /** Copies values [from, to) to the start of {@code direct}, a native-order buffer large enough. */
    void copyTo(ByteBuffer direct, int from, int to) {
        int n = to - from;
        switch (type) {
            case FLOAT -> direct.asFloatBuffer().put(0, (float[]) array, from, n);
            case DOUBLE -> direct.asDoubleBuffer().put(0, (double[]) array, from, n);
            case INT64 -> direct.asLongBuffer().put(0, (long[]) array, from, n);
            case INT32 -> direct.asIntBuffer().put(0, (int[]) array, from, n);
            case INT16 -> direct.asShortBuffer().put(0, (short[]) array, from, n);
            case INT8, BOOL -> direct.put(0, (byte[]) array, from, n);
            default -> throw new IllegalStateException("unsupported element type " + type);
        }
    }
}
