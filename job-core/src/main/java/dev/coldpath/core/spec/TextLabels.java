package dev.coldpath.core.spec;

import java.util.Locale;

/**
 * What a text classifier's logits become ({@code text.labels}): {@code none} writes the model's outputs as they
 * are; {@code softmax} writes {@code label}, the most probable class's name (config.json's {@code id2label}), and
 * {@code score}, its softmax probability.
 */
public enum TextLabels {
    NONE, SOFTMAX;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
