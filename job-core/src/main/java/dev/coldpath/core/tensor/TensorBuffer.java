package dev.coldpath.core.tensor;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One model input's values for a batch: a Java array of the element type, which encoders fill with plain array
 * stores, and the direct buffer ONNX Runtime reads, filled from the array in one bulk copy when the batch becomes a
 * tensor. Reused from batch to batch. Not thread safe.
 */
public final class TensorBuffer {
    private final ElementType type;
    private Object array;
    private int length;
    private ByteBuffer direct;

    public TensorBuffer(ElementType type) {
        this.type = requireNonNull(type, "type is null");
        if (!type.isFed()) {
            throw new IllegalArgumentException("no tensor buffer for element type " + type);
        }
    }

    public ElementType type() {
        return type;
    }

    /** Makes room for {@code values} values; what was written may be lost. */
    public void ensure(int values) {
        if (array == null || length < values) {
            array = type.newArray(values);
            length = values;
        }
    }

    /** Makes room for {@code values} values, keeping those written so far. */
    public void grow(int values) {
        if (array == null || length < values) {
            int larger = Math.max(values, 2 * length);
            Object grown = type.newArray(larger);
            if (array != null) {
                System.arraycopy(array, 0, grown, 0, length);
            }
            array = grown;
            length = larger;
        }
    }

    /** The array encoders write into: float[], double[], long[], int[], short[] or byte[] (int8 and bool). */
    public Object array() {
        return array;
    }

    /** Writes {@code value}, converted to the element type (an imputed value, a padding value). */
    public void put(int position, double value) {
        type.put(array, position, value);
    }

    /** The first position in [from, to) that holds a NaN, or -1. */
    public int firstNaN(int from, int to) {
        return type.firstNaN(array, from, to);
    }

    /** Moves {@code count} values from {@code from} to {@code to}, as when a rejected row is taken out. */
    public void move(int from, int to, int count) {
        type.move(array, from, to, count);
    }

    /**
     * A tensor of {@code shape} over values [{@code from}, {@code from + count}). It shares this buffer's direct
     * memory: close it before the next tensor is made.
     */
    public OnnxTensor tensor(OrtEnvironment env, int from, int count, long[] shape) throws OrtException {
        long bytes = (long) count * type.byteWidth();
        if (direct == null || direct.capacity() < bytes) {
            // as large as the array: a batch's tensors, and the halves of a failed batch, all fit
            long size = Math.max(bytes, (long) length * type.byteWidth());
            direct = ByteBuffer.allocateDirect(Math.toIntExact(size)).order(ByteOrder.nativeOrder());
        }
        return type.tensor(env, array, from, count, direct, shape);
    }
}
