package dev.coldpath.core.encode;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.tensor.ElementType;
import dev.coldpath.core.tensor.TensorBuffer;
import dev.coldpath.core.tensor.Values;
import dev.coldpath.core.text.TextTokenizer;
import dev.coldpath.core.text.TokenizerCache;
import dev.coldpath.core.text.TokenizerFile;
import java.util.List;

/**
 * A model input of token ids, [N, L] with L symbolic, made from one string column by a Hugging Face tokenizer: the
 * text's ids with the special tokens, truncated at {@code maxLength} (a truncated row is marked, and counted), never
 * padded here (the batchifier pads the batch and makes the attention mask and token types from the lengths). A
 * null text is rejected, to the bad-row policy; an empty text is scored as the tokenizer encodes it (the special
 * tokens alone). The tokenizer is the JVM's shared one ({@link TokenizerCache}), loaded on the first row.
 *
 * @param ordinal   the column's position in the input row
 * @param maxLength the truncation length in tokens, special tokens included
 */
public record TokenizedText(String input, ElementType elementType, String column, int ordinal,
                            TokenizerFile tokenizer, int maxLength) implements RowEncoder {
    public TokenizedText {
        requireNonNull(input, "input is null");
        requireNonNull(elementType, "elementType is null");
        requireNonNull(column, "column is null");
        requireNonNull(tokenizer, "tokenizer is null");
        if (elementType != ElementType.INT64 && elementType != ElementType.INT32) {
            throw new IllegalArgumentException("token ids are int64 or int32: " + elementType);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be > 0: " + maxLength);
        }
    }

    @Override
    public List<String> columns() {
        return List.of(column);
    }

    @Override
    public long[] shape() {
        return new long[] {-1};
    }

    @Override
    public String source() {
        return "text column " + column + ", tokenized by " + tokenizer.location() + " (at most " + maxLength
                + " tokens)";
    }

    /** The tokens of each text, as {@link #encode} would make them, in one call into the tokenizer. */
    public TextTokenizer.Tokens[] tokenize(String[] texts) {
        return TokenizerCache.get(tokenizer, maxLength).encodeAll(texts);
    }

    @Override
    public void encode(Values row, RowTarget target, MissingValues missing) throws RowRejectedException {
        if (row.isNullAt(ordinal)) {
            throw new RowRejectedException(column, "Column '" + column + "' is null: model input '" + input
                    + "' needs a text (an empty text is scored)");
        }
        TextTokenizer.Tokens tokens = row instanceof TokenizedValues ahead ? ahead.tokens(this) : null;
        if (tokens == null) {
            tokens = TokenizerCache.get(tokenizer, maxLength).encode(row.getString(ordinal));
        }
        long[] ids = tokens.ids();
        int base = target.start(new long[] {ids.length});
        TensorBuffer buffer = target.buffer();
        for (int i = 0; i < ids.length; i++) {
            buffer.put(base + i, ids[i]);
        }
        if (tokens.truncated()) {
            target.markTruncated();
        }
    }
}
