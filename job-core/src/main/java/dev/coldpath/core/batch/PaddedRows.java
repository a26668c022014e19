package dev.coldpath.core.batch;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.tensor.TensorBuffer;
import java.util.Arrays;

/**
 * An input's rows of different lengths L (its first dimension after the batch), written back to back and padded
 * to the longest when they become a tensor: {@link PadToLongest}'s layout.
 */
final class PaddedRows extends InputRows {
    private final long[] declared;
    /** Values per step of L: the product of the fixed dimensions after it. */
    private final int step;
    private final double padValue;
    private final int[] offsets;
    private final int[] lengths;
    private final TensorBuffer padded;

    PaddedRows(Encoder encoder, int capacity, double padValue) {
        super(encoder, capacity);
        this.declared = encoder.shape();
        long[] rest = new long[declared.length - 1];
        System.arraycopy(declared, 1, rest, 0, rest.length);
        this.step = product(rest);
        this.padValue = padValue;
        this.offsets = new int[capacity];
        this.lengths = new int[capacity];
        this.padded = new TensorBuffer(encoder.elementType());
    }

    @Override
    public long[] dims() {
        return declared;
    }

    @Override
    public int start(long[] rowDims) {
        int length = Math.toIntExact(rowDims[0]);
        int offset = row == 0 ? 0 : offsets[row - 1] + lengths[row - 1] * step;
        offsets[row] = offset;
        lengths[row] = length;
        buffer.grow(offset + length * step);
        return offset;
    }

    @Override
    void rollback(int rowsBefore) {
        // the next row starts where the rejected one did
    }

    @Override
    int denseValuesPerRow() {
        return -1;
    }

    @Override
    void moveRows(int from, int to, int count) {
        throw new UnsupportedOperationException("padded rows are not written densely");
    }

    @Override
    void clear() {
        // rows are placed from offset 0 again
    }

    int longest(int from, int to) {
        int longest = 0;
        for (int r = from; r < to; r++) {
            longest = Math.max(longest, lengths[r]);
        }
        return longest;
    }

    /** Rows [from, to) padded with the pad value to the longest of them: shape [rows, L, d...]. */
    @Override
    OnnxTensor tensor(OrtEnvironment env, int from, int to) throws OrtException {
        int longest = longest(from, to);
        int perRow = longest * step;
        padded.ensure((to - from) * perRow);
        for (int r = from; r < to; r++) {
            int target = (r - from) * perRow;
            int values = lengths[r] * step;
            System.arraycopy(buffer.array(), offsets[r], padded.array(), target, values);
            for (int i = target + values; i < target + perRow; i++) {
                padded.put(i, padValue);
            }
        }
        long[] shape = declared.clone();
        shape[0] = longest;
        long[] full = new long[shape.length + 1];
        full[0] = to - from;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return padded.tensor(env, 0, (to - from) * perRow, full);
    }

    /**
     * The [rows, L] tensor of rows [from, to) made from their lengths, written into {@code into} (of the input's
     * element type): for a mask, 1 where a row has a value and 0 where it is padded; else 0.
     */
    OnnxTensor lengthTensor(OrtEnvironment env, int from, int to, LengthInput.Fill fill, TensorBuffer into)
            throws OrtException {
        int longest = longest(from, to);
        into.ensure((to - from) * longest);
        for (int r = from; r < to; r++) {
            for (int i = 0; i < longest; i++) {
                into.put((r - from) * longest + i, fill == LengthInput.Fill.MASK && i < lengths[r] ? 1 : 0);
            }
        }
        return into.tensor(env, 0, (to - from) * longest, new long[] {to - from, longest});
    }

    /** The lengths (L) of rows [from, to). */
    int[] lengths(int from, int to) {
        return Arrays.copyOfRange(lengths, from, to);
    }
}
