package dev.coldpath.spark;

import dev.coldpath.core.tensor.Values;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * {@link Values} over a Spark InternalRow or ArrayData, read in place without boxing. The row wrapper is
 * reused for every row of a task: {@link #wrap} points it at the next one.
 */
final class SparkValues implements Values {
    private SpecializedGetters getters;
    private int size;

    SparkValues wrap(SpecializedGetters getters, int size) {
        this.getters = getters;
        this.size = size;
        return this;
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
