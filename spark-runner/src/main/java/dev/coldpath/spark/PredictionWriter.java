package dev.coldpath.spark;

import dev.coldpath.core.plan.OutputColumn;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.tensor.PredictionColumn;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Writes one row of a {@link PredictionColumn} into a Spark row slot, as the column's Spark type expects.
 * One writer per output column, chosen once per task by the column's type.
 */
@FunctionalInterface
interface PredictionWriter {
    void write(PredictionColumn column, int row, InternalRow target, int ordinal);

    static PredictionWriter forColumn(OutputColumn output) {
        ColumnType type = output.type();
        if (type.kind() == ColumnType.Kind.MAP) {
            return (c, r, t, o) -> t.update(o, mapData(c.maps().get(r), type));
        }
        if (type.isArray()) {
            return (c, r, t, o) -> t.update(o, arrayData(c, r));
        }
        return switch (type.kind()) {
            case FLOAT -> (c, r, t, o) -> t.setFloat(o, ((float[]) c.flat())[r]);
            case DOUBLE -> (c, r, t, o) -> t.setDouble(o, ((double[]) c.flat())[r]);
            case LONG -> (c, r, t, o) -> t.setLong(o, ((long[]) c.flat())[r]);
            case INT -> (c, r, t, o) -> t.setInt(o, ((int[]) c.flat())[r]);
            case SHORT -> (c, r, t, o) -> t.setShort(o, ((short[]) c.flat())[r]);
            case BYTE -> (c, r, t, o) -> t.setByte(o, ((byte[]) c.flat())[r]);
            case BOOLEAN -> (c, r, t, o) -> t.setBoolean(o, ((boolean[]) c.flat())[r]);
            case STRING -> (c, r, t, o) -> t.update(o, UTF8String.fromString(((String[]) c.flat())[r]));
            default -> throw new IllegalArgumentException("no writer for " + type);
        };
    }

    /** The row's values as (nested) arrays: [N, K] gives one array of K, each further dimension a level. */
    private static ArrayData arrayData(PredictionColumn column, int row) {
        int per = column.elementsPerRow();
        return slice(column.flat(), row * per, column.innerDims(), 0);
    }

    private static ArrayData slice(Object flat, int offset, int[] dims, int level) {
        int n = dims[level];
        if (level == dims.length - 1) {
            return leaf(flat, offset, n);
        }
        int stride = 1;
        for (int i = level + 1; i < dims.length; i++) {
            stride *= dims[i];
        }
        Object[] children = new Object[n];
        for (int i = 0; i < n; i++) {
            children[i] = slice(flat, offset + i * stride, dims, level + 1);
        }
        return new GenericArrayData(children);
    }

    private static ArrayData leaf(Object flat, int from, int n) {
        int to = from + n;
        if (flat instanceof float[] a) {
            return UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(a, from, to));
        } else if (flat instanceof double[] a) {
            return UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(a, from, to));
        } else if (flat instanceof long[] a) {
            return UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(a, from, to));
        } else if (flat instanceof int[] a) {
            return UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(a, from, to));
        } else if (flat instanceof short[] a) {
            return UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(a, from, to));
        } else if (flat instanceof byte[] a) {
            return UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(a, from, to));
        } else if (flat instanceof boolean[] a) {
            return UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(a, from, to));
        } else if (flat instanceof String[] a) {
            Object[] strings = new Object[n];
            for (int i = 0; i < n; i++) {
                strings[i] = UTF8String.fromString(a[from + i]);
            }
            return new GenericArrayData(strings);
        }
        throw new IllegalArgumentException("no array writer for " + flat.getClass());
    }

    /** A map with its keys sorted, so equal predictions are written identically. */
    private static ArrayBasedMapData mapData(Map<Object, Object> map, ColumnType type) {
        TreeMap<Object, Object> sorted = new TreeMap<>(map);
        Object[] keys = new Object[sorted.size()];
        Object[] values = new Object[sorted.size()];
        int i = 0;
        boolean stringKeys = type.key().kind() == ColumnType.Kind.STRING;
        for (Map.Entry<Object, Object> e : sorted.entrySet()) {
            keys[i] = stringKeys ? UTF8String.fromString((String) e.getKey()) : e.getKey();
            values[i] = e.getValue();
            i++;
        }
        return new ArrayBasedMapData(new GenericArrayData(keys), new GenericArrayData(values));
    }
}
