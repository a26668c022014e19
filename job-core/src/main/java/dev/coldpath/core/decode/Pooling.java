package dev.coldpath.core.decode;

import java.util.Locale;

/**
 * How a text model's per-token outputs become one embedding per row ({@code text.pooling}), over the tokens the
 * attention mask keeps: {@code cls} the first token's vector (BGE), {@code mean} the mean of the vectors
 * (sentence-transformers' MiniLM), {@code max} the per-component maximum; {@code none} writes the model's outputs
 * as they are.
 */
public enum Pooling {
    NONE, CLS, MEAN, MAX;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
