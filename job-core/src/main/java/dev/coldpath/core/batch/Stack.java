package dev.coldpath.core.batch;

import dev.coldpath.core.encode.Encoder;
import java.util.List;

/**
 * Rows of one shape, stacked along the batch dimension: row {@code r} of an input is at {@code r × values per row}.
 * A dimension the model leaves symbolic is set by the batch's first row; a later row of another shape is rejected.
 */
public record Stack() implements Batchifier {
    @Override
    public InputRows open(Encoder encoder, int capacity) {
        return new StackedRows(encoder, capacity);
    }

    @Override
    public List<LengthInput> lengthInputs() {
        return List.of();
    }
}
