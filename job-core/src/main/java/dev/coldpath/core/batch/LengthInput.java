package dev.coldpath.core.batch;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.tensor.ElementType;
import java.io.Serializable;

/**
 * A model input of shape [N, L] that a padding batchifier makes itself from the lengths of the batch's padded rows:
 * a padding mask (tokenized text's {@code attention_mask}) or zeros ({@code token_type_ids} of one text segment).
 *
 * @param type the element type the model declares: int64 or int32
 */
public record LengthInput(String input, ElementType type, Fill fill) implements Serializable {
    /** What the input holds for each position of a row. */
    public enum Fill {
        /** 1 where the row has a value, 0 where it is padded. */
        MASK,
        /** 0 everywhere. */
        ZEROS
    }

    public LengthInput {
        requireNonNull(input, "input is null");
        requireNonNull(type, "type is null");
        requireNonNull(fill, "fill is null");
        if (type != ElementType.INT64 && type != ElementType.INT32) {
            throw new IllegalArgumentException("a length input is int64 or int32: " + type);
        }
    }

    /** The padding mask of int64 [N, L]. */
    public static LengthInput mask(String input) {
        return new LengthInput(input, ElementType.INT64, Fill.MASK);
    }
}
