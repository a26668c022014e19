package dev.coldpath.core.batch;

import dev.coldpath.core.encode.Encoder;
import java.util.List;

/**
 * Rows whose first dimension after the batch (a sequence length) differs, padded to the batch's longest with
 * {@code padValue}: an input of shape [N, L] or [N, L, d...] whose L is symbolic. Inputs of a fixed shape are
 * stacked. The batchifier also feeds each of {@code lengthInputs} an [N, L] tensor made from the lengths of the
 * first padded input: a mask, 1 where a row has a value and 0 where it was padded (tokenized text's attention
 * mask), or zeros (the token types of a text of one segment). The batch is padded to its own longest row, whatever
 * order its rows came in. Length bucketing only changes which rows share a batch: with {@code sortByLength}, the
 * task orders a window of rows by length before filling batches ({@link LengthOrder}), and with
 * {@code maxBatchTokens} a batch takes no row that would make it hold more than that many padded positions (rows x
 * its longest row), so long rows form smaller batches ({@link TensorBatch#appendWithinBudget}).
 *
 * @param lengthInputs   the model inputs fed from the lengths; empty for none
 * @param maxBatchTokens the most padded positions of a batch; 0 for no limit but the batch size
 * @param sortByLength   whether the task fills batches from a window of rows ordered by length
 */
public record PadToLongest(double padValue, List<LengthInput> lengthInputs, int maxBatchTokens, boolean sortByLength)
        implements Batchifier {
    public PadToLongest {
        lengthInputs = List.copyOf(lengthInputs);
        if (maxBatchTokens < 0) {
            throw new IllegalArgumentException("maxBatchTokens must be >= 0: " + maxBatchTokens);
        }
    }

    /** Padding that feeds these inputs, in batches limited by their size only, filled in the rows' order. */
    public PadToLongest(double padValue, List<LengthInput> lengthInputs) {
        this(padValue, lengthInputs, 0, false);
    }

    /** Padding that feeds an int64 [N, L] mask to {@code maskInput}, or no input when it is empty. */
    public PadToLongest(double padValue, String maskInput) {
        this(padValue, maskInput.isEmpty() ? List.of() : List.of(LengthInput.mask(maskInput)));
    }

    @Override
    public InputRows open(Encoder encoder, int capacity) {
        long[] shape = encoder.shape();
        boolean padded = shape.length > 0 && shape[0] < 0;
        for (int i = 1; i < shape.length; i++) {
            padded &= shape[i] >= 0;
        }
        return padded ? new PaddedRows(encoder, capacity, padValue) : new StackedRows(encoder, capacity);
    }
}
