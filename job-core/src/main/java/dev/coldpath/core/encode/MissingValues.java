package dev.coldpath.core.encode;

import java.io.Serializable;

/**
 * What an encoder does with a null or NaN feature: reject the row, or write {@code value} in its place.
 *
 * @param impute whether missing values are replaced rather than rejected
 * @param value  the replacement, converted to the input's element type
 */
public record MissingValues(boolean impute, double value) implements Serializable {
    public static final MissingValues REJECT = new MissingValues(false, 0);

    public MissingValues {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("value must not be NaN");
        }
    }
}
