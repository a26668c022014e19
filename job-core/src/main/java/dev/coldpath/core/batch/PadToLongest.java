package dev.coldpath.core.batch;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.encode.Encoder;
import java.util.Optional;

/**
 * Rows whose first dimension after the batch (a sequence length) differs, padded to the batch's longest with
 * {@code padValue}: an input of shape [N, L] or [N, L, d...] whose L is symbolic. Inputs of a fixed shape are
 * stacked. With a {@code maskInput}, the batchifier also feeds that model input an int64 [N, L] mask of the first
 * padded input: 1 where a row has a value, 0 where it was padded (tokenized text's attention mask).
 *
 * @param maskInput the model input fed the mask; empty for none
 */
public record PadToLongest(double padValue, String maskInput) implements Batchifier {
    public PadToLongest {
        requireNonNull(maskInput, "maskInput is null");
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

    @Override
    public Optional<String> mask() {
        return maskInput.isEmpty() ? Optional.empty() : Optional.of(maskInput);
    }
}
