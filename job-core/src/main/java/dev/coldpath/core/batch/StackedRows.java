package dev.coldpath.core.batch;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.encode.Encoder;

/** An input's rows of one shape, row {@code r} at {@code r × values per row}: {@link Stack}'s layout. */
final class StackedRows extends InputRows {
    private final long[] declared;
    private long[] dims;
    /** Values per row; -1 until the batch's first row sets a symbolic dimension. */
    private int perRow;

    StackedRows(Encoder encoder, int capacity) {
        super(encoder, capacity);
        this.declared = encoder.shape();
        reset();
    }

    private void reset() {
        dims = declared.clone();
        perRow = product(dims);
    }

    @Override
    public long[] dims() {
        return dims;
    }

    @Override
    public int start(long[] rowDims) {
        if (perRow < 0) {
            if (row != 0) {
                throw new IllegalStateException("shape unresolved after the first row");
            }
            dims = rowDims.clone();
            perRow = product(dims);
        }
        ensureBuffer();
        return row * perRow;
    }

    private void ensureBuffer() {
        long needed = (long) capacity * perRow * encoder.elementType().byteWidth();
        if (needed > Integer.MAX_VALUE) {
            throw new IllegalStateException("A batch of " + capacity + " rows of model input '" + encoder.input()
                    + "' needs " + needed + " bytes: lower inference.batch-size");
        }
        buffer.ensure(capacity * perRow);
    }

    @Override
    void rollback(int rowsBefore) {
        if (rowsBefore == 0) { // a rejected first row must not fix the batch's symbolic dimensions
            reset();
        }
    }

    @Override
    int denseValuesPerRow() {
        int fixed = product(declared);
        if (fixed <= 0) {
            return -1;
        }
        ensureBuffer();
        return fixed;
    }

    @Override
    void moveRows(int from, int to, int count) {
        buffer.move(from * perRow, to * perRow, count * perRow);
    }

    @Override
    void clear() {
        reset();
    }

    @Override
    OnnxTensor tensor(OrtEnvironment env, int from, int to) throws OrtException {
        long[] shape = new long[dims.length + 1];
        shape[0] = to - from;
        System.arraycopy(dims, 0, shape, 1, dims.length);
        return buffer.tensor(env, from * perRow, (to - from) * perRow, shape);
    }
}
