package dev.coldpath.core.tensor;

/**
 * Indexed, unboxed read access to a row's columns or an array's elements. Each engine implements it over its
 * own row and array types (Spark's InternalRow and ArrayData), so rows become tensors without per-value
 * objects. Getters are only called for indexes that are not null and whose type the plan checked.
 */
public interface Values {
    /** Number of elements of an array; for a row, the number of columns. */
    int size();

    boolean isNullAt(int i);

    boolean getBoolean(int i);

    byte getByte(int i);

    short getShort(int i);

    int getInt(int i);

    long getLong(int i);

    float getFloat(int i);

    double getDouble(int i);

    /** A string value (a text column's), decoded from the engine's UTF-8. */
    String getString(int i);

    Values getArray(int i);

    /** The bytes of a binary value (an encoded image); engines without binary columns need not implement it. */
    default byte[] getBinary(int i) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " holds no binary values");
    }
}
