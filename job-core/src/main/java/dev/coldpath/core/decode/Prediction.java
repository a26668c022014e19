package dev.coldpath.core.decode;

/**
 * One model output for a batch, copied out of ONNX Runtime so that its native result can be closed: a tensor's
 * values ({@link TensorValues}) or one map per row ({@link MapValues}).
 */
public sealed interface Prediction permits TensorValues, MapValues {
    /** The column the values are written to. */
    String column();

    int rows();

    /**
     * The row's value as plain Java objects: a boxed scalar, nested {@code List}s for arrays, or a map. For tests
     * and reports; engines read the values directly.
     */
    Object valueAt(int row);
}
