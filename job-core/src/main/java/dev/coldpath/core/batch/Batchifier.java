package dev.coldpath.core.batch;

import dev.coldpath.core.encode.Encoder;
import java.io.Serializable;
import java.util.List;

/**
 * How a model binding's rows become one batch of tensors, after each input's encoder wrote them: {@link Stack}s
 * rows of one shape, {@link PadToLongest} pads rows of different lengths and can feed the model inputs made from
 * the rows' lengths (a padding mask). The encoders decide what a row's values are, the batchifier where they go.
 * Immutable and serializable.
 */
public sealed interface Batchifier extends Serializable permits Stack, PadToLongest {
    /** The per-batch state of one input, for batches of up to {@code capacity} rows. */
    InputRows open(Encoder encoder, int capacity);

    /** The model inputs this strategy feeds itself from the padded rows' lengths (a padding mask), if any. */
    List<LengthInput> lengthInputs();
}
