package dev.coldpath.spark;

import dev.coldpath.core.encode.TokenizedText;
import dev.coldpath.core.encode.TokenizedValues;
import dev.coldpath.core.tensor.Values;
import dev.coldpath.core.text.TextTokenizer;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * {@link Values} over a Spark InternalRow or ArrayData, read in place without boxing. The row wrapper is reused for every row of a task: {@link #wrap} points it at the next one, and {@link #withTokens}
 * hands along the row's text tokenized ahead with its window.
 */
final class SparkValues implements TokenizedValues {
    private SpecializedGetters getters;
    private int size;
    private TokenizedText tokenizedBy;
    private TextTokenizer.Tokens tokens;

    SparkValues wrap(SpecializedGetters getters, int size) {
        this.getters = getters;
        this.size = size;
        this.tokens = null;
        return this;
    }

    /** The row's tokens, made ahead by {@code encoder} (null for none). */
    SparkValues withTokens(TokenizedText encoder, TextTokenizer.Tokens rowTokens) {
        this.tokenizedBy = encoder;
        this.tokens = rowTokens;
        return this;
    }

    @Override
    public TextTokenizer.Tokens tokens(TokenizedText encoder) {
        if (tokens == null) {
            return null;
        }
        TokenizedText by = tokenizedBy;
        // the same text, tokenizer and length make the same tokens, whatever the input is called
        return encoder == by || encoder.ordinal() == by.ordinal() && encoder.maxLength() == by.maxLength()
                && encoder.tokenizer().equals(by.tokenizer()) ? tokens : null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isNullAt(int i) {
        return getters.isNullAt(i);
    }

    @Override
    public boolean getBoolean(int i) {
        return getters.getBoolean(i);
    }

    @Override
    public byte getByte(int i) {
        return getters.getByte(i);
    }

    @Override
    public short getShort(int i) {
        return getters.getShort(i);
    }

    @Override
    public int getInt(int i) {
        return getters.getInt(i);
    }

    @Override
    public long getLong(int i) {
        return getters.getLong(i);
    }

    @Override
    public float getFloat(int i) {
        return getters.getFloat(i);
    }

    @Override
    public double getDouble(int i) {
        return getters.getDouble(i);
    }

    @Override
    public String getString(int i) {
        return getters.getUTF8String(i).toString();
    }

    @Override
    public byte[] getBinary(int i) {
        return getters.getBinary(i);
    }

    @Override
    public Values getArray(int i) {
        ArrayData array = getters.getArray(i);
        return new SparkValues().wrap(array, array.numElements());
    }
}
