package dev.coldpath.core.batch;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.RowTarget;
import dev.coldpath.core.tensor.TensorBuffer;

/**
 * One input's rows in a batch being filled: the buffer its encoder writes, where each row goes ({@link RowTarget}),
 * and how the rows become a tensor. Made by a {@link Batchifier}; owned by one {@link TensorBatch}, not thread safe.
 */
public abstract sealed class InputRows implements RowTarget permits StackedRows, PaddedRows {
    final Encoder encoder;
    final int capacity;
    final TensorBuffer buffer;
    /** The batch row the encoder writes next. */
    int row;
    /** Which rows' values were cut to fit ({@link #markTruncated}). */
    private final boolean[] truncated;

    InputRows(Encoder encoder, int capacity) {
        this.encoder = requireNonNull(encoder, "encoder is null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be > 0: " + capacity);
        }
        this.capacity = capacity;
        this.buffer = new TensorBuffer(encoder.elementType());
        this.truncated = new boolean[capacity];
    }

    public Encoder encoder() {
        return encoder;
    }

    @Override
    public TensorBuffer buffer() {
        return buffer;
    }

    /** Points the next {@link #start} at batch row {@code r}. */
    void at(int r) {
        row = r;
        truncated[r] = false;
    }

    @Override
    public void markTruncated() {
        truncated[row] = true;
    }

    /** Whether batch row {@code r}'s value was cut to fit. */
    boolean truncated(int r) {
        return truncated[r];
    }

    /** Forgets the row being written, which was rejected; {@code rowsBefore} rows were in the batch before it. */
    abstract void rollback(int rowsBefore);

    /**
     * Values per row when every row has one fixed shape, so that a columnar encoder can write a range of rows at
     * {@code row × values per row} (with room made for a full batch); -1 otherwise.
     */
    abstract int denseValuesPerRow();

    /** Moves {@code count} rows' values to an earlier row, as when a rejected row is taken out of a dense batch. */
    abstract void moveRows(int from, int to, int count);

    /** Empties the batch. */
    abstract void clear();

    /** The tensor of rows [{@code from}, {@code to}), sharing this input's buffers: close it before the next fill. */
    abstract OnnxTensor tensor(OrtEnvironment env, int from, int to) throws OrtException;

    static int product(long[] dims) {
        long p = 1;
        for (long d : dims) {
            if (d < 0) {
                return -1;
            }
            p *= d;
        }
        return Math.toIntExact(p);
    }
}
