package dev.coldpath.core.testing;

import dev.coldpath.core.tensor.Values;
import java.util.Arrays;

/**
 * A row or an array over boxed Java values: {@link Values} as an engine would implement it. Strict: each getter
 * casts to exactly its own boxed type, so a copier that reads a column with the wrong getter fails loudly.
 * An element that is an {@code Object[]} or a {@code Row} is a nested array.
 */
public final class Row implements Values {
    private final Object[] values;

    private Row(Object[] values) {
        this.values = values;
    }

    public static Row of(Object... values) {
        return new Row(values.clone());
    }

    /** An array value; same as {@link #of}, named for readability. */
    public static Row array(Object... elements) {
        return of(elements);
    }

    public static Row floats(float... elements) {
        Object[] boxed = new Object[elements.length];
        for (int i = 0; i < elements.length; i++) {
            boxed[i] = elements[i];
        }
        return new Row(boxed);
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public boolean isNullAt(int i) {
        return values[i] == null;
    }

    @Override
    public boolean getBoolean(int i) {
        return (Boolean) values[i];
    }

    @Override
    public byte getByte(int i) {
        return (Byte) values[i];
    }

    @Override
    public short getShort(int i) {
        return (Short) values[i];
    }

    @Override
    public int getInt(int i) {
        return (Integer) values[i];
    }

    @Override
    public long getLong(int i) {
        return (Long) values[i];
    }

    @Override
    public float getFloat(int i) {
        return (Float) values[i];
    }

    @Override
    public double getDouble(int i) {
        return (Double) values[i];
    }

    @Override
    public String getString(int i) {
        return (String) values[i];
    }

    @Override
    public Values getArray(int i) {
        Object value = values[i];
        return value instanceof Row row ? row : new Row((Object[]) value);
    }

    @Override
    public byte[] getBinary(int i) {
        return (byte[]) values[i];
    }

    @Override
    public String toString() {
        return Arrays.deepToString(values);
    }
}
