package dev.coldpath.core.spec;

import java.util.Locale;

/**
 * How a classifier's outputs are written when the model names its classes ({@code output.labels}): by name (the
 * label as the class name, the probabilities as a map from class name), by id (as the model gives them), or both
 * (names under the output's column, ids under {@code <column>_id}). A model that names no classes is written by id.
 */
public enum OutputLabels {
    NAMES, IDS, BOTH;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
