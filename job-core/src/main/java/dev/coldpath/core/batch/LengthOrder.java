package dev.coldpath.core.batch;

import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * The order in which a task fills batches from a window of rows when its batchifier sorts by length
 * ({@link PadToLongest#sortByLength}): shortest first, ties in the rows' order, so that each batch holds rows of
 * similar length and pads little. Rows keep their keys, so they may leave the task in this order.
 */
public final class LengthOrder {
    private LengthOrder() {
    }

    /** Rows 0 to {@code rows - 1} ordered by {@code length} (a cheap estimate will do), stable. */
    public static int[] of(int rows, IntUnaryOperator length) {
        long[] keyed = new long[rows];
        for (int r = 0; r < rows; r++) {
            keyed[r] = ((long) Math.max(0, length.applyAsInt(r)) << 32) | r;
        }
        Arrays.sort(keyed);
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = (int) keyed[i];
        }
        return order;
    }
}
