package dev.coldpath.core.decode;

import java.util.Locale;

/**
 * Whether a classifier's scores go through a softmax before they are read as probabilities ({@code image.softmax}):
 * {@code true} always, {@code false} never (the model gives probabilities), {@code auto} row by row, unless the row's
 * values are already probabilities (each in [0, 1], summing to 1 within {@value TopClasses#SUM_TOLERANCE}).
 */
public enum SoftmaxMode {
    AUTO, TRUE, FALSE;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
