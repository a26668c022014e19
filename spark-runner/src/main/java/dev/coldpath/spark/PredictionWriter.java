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
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.array.ByteArrayMethods;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Writes one row of a {@link PredictionColumn} into a Spark row slot, as the column's Spark type expects.
 * One writer per output column and task, chosen once by the column's type. A value written may be reused by the
 * next write, so the row must be copied (projected) before that.
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
            return new ArrayWriter();
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

    /**
     * Arrays: a flat one of primitives into one reused UnsafeArrayData, so no object is made per row; anything
     * else (nested, strings) as new array objects.
     */
    final class ArrayWriter implements PredictionWriter {
        private final UnsafeArrayData array = new UnsafeArrayData();
        private long[] words = new long[0];

        @Override
        public void write(PredictionColumn column, int row, InternalRow target, int ordinal) {
            Object flat = column.flat();
            int width = elementWidth(flat);
            if (column.innerDims().length != 1 || width == 0) {
                target.update(ordinal, arrayData(column, row));
                return;
            }
            int n = column.innerDims()[0];
            int header = UnsafeArrayData.calculateHeaderPortionInBytes(n);
            int size = header + (int) ByteArrayMethods.roundNumberOfBytesToNearestWord((long) n * width);
            if (words.length * 8 < size) {
                words = new long[size / 8];
            }
            java.util.Arrays.fill(words, 0, size / 8, 0L); // no nulls, and zero padding as Spark writes it
            Platform.putLong(words, Platform.LONG_ARRAY_OFFSET, n);
            Platform.copyMemory(flat, baseOffset(flat) + (long) row * n * width, words,
                    Platform.LONG_ARRAY_OFFSET + header, (long) n * width);
            array.pointTo(words, Platform.LONG_ARRAY_OFFSET, size);
            target.update(ordinal, array);
        }

        private static long baseOffset(Object flat) {
            if (flat instanceof float[]) {
                return Platform.FLOAT_ARRAY_OFFSET;
            } else if (flat instanceof int[]) {
                return Platform.INT_ARRAY_OFFSET;
            } else if (flat instanceof double[]) {
                return Platform.DOUBLE_ARRAY_OFFSET;
            } else if (flat instanceof long[]) {
                return Platform.LONG_ARRAY_OFFSET;
            } else if (flat instanceof short[]) {
                return Platform.SHORT_ARRAY_OFFSET;
            } else if (flat instanceof byte[]) {
                return Platform.BYTE_ARRAY_OFFSET;
            }
            return Platform.BOOLEAN_ARRAY_OFFSET;
        }

        /** Bytes per element of a primitive array as UnsafeArrayData stores it; 0 for anything else. */
        private static int elementWidth(Object flat) {
            if (flat instanceof float[] || flat instanceof int[]) {
                return 4;
            } else if (flat instanceof double[] || flat instanceof long[]) {
                return 8;
            } else if (flat instanceof short[]) {
                return 2;
            } else if (flat instanceof byte[] || flat instanceof boolean[]) {
                return 1;
            }
            return 0;
        }
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
