package dev.coldpath.spark;

import dev.coldpath.core.decode.TensorValues;
import dev.coldpath.core.tensor.ElementType;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * How the values of a model output, by the {@link ElementType} they are read as, go into Spark rows: a scalar
 * setter, and the layout of a primitive array in an UnsafeArrayData. The one place spark-runner knows element types.
 */
enum SparkElements {
    FLOAT(ElementType.FLOAT, Platform.FLOAT_ARRAY_OFFSET, 4,
            (c, r, t, o) -> t.setFloat(o, ((float[]) values(c))[r]),
            (a, from, n) -> UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange((float[]) a, from, from + n))),
    DOUBLE(ElementType.DOUBLE, Platform.DOUBLE_ARRAY_OFFSET, 8,
            (c, r, t, o) -> t.setDouble(o, ((double[]) values(c))[r]),
            (a, from, n) -> UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange((double[]) a, from, from + n))),
    INT64(ElementType.INT64, Platform.LONG_ARRAY_OFFSET, 8,
            (c, r, t, o) -> t.setLong(o, ((long[]) values(c))[r]),
            (a, from, n) -> UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange((long[]) a, from, from + n))),
    INT32(ElementType.INT32, Platform.INT_ARRAY_OFFSET, 4,
            (c, r, t, o) -> t.setInt(o, ((int[]) values(c))[r]),
            (a, from, n) -> UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange((int[]) a, from, from + n))),
    INT16(ElementType.INT16, Platform.SHORT_ARRAY_OFFSET, 2,
            (c, r, t, o) -> t.setShort(o, ((short[]) values(c))[r]),
            (a, from, n) -> UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange((short[]) a, from, from + n))),
    INT8(ElementType.INT8, Platform.BYTE_ARRAY_OFFSET, 1,
            (c, r, t, o) -> t.setByte(o, ((byte[]) values(c))[r]),
            (a, from, n) -> UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange((byte[]) a, from, from + n))),
    BOOL(ElementType.BOOL, Platform.BOOLEAN_ARRAY_OFFSET, 1,
            (c, r, t, o) -> t.setBoolean(o, ((boolean[]) values(c))[r]),
            (a, from, n) -> UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange((boolean[]) a, from, from + n))),
    /** Not a primitive: arrays of strings are generic arrays of UTF8Strings. */
    STRING(ElementType.STRING, 0, 0,
            (c, r, t, o) -> t.update(o, UTF8String.fromString(((String[]) values(c))[r])),
            SparkElements::strings);

    private static final Map<ElementType, SparkElements> BY_TYPE = new EnumMap<>(ElementType.class);

    static {
        for (SparkElements e : values()) {
            BY_TYPE.put(e.type, e);
        }
    }

    /** A slice of a values array as Spark array data. */
    @FunctionalInterface
    private interface Slicer {
        ArrayData slice(Object values, int from, int n);
    }

    private final ElementType type;
    private final long baseOffset;
    private final int unsafeWidth;
    private final PredictionWriter scalarWriter;
    private final Slicer slicer;

    SparkElements(ElementType type, long baseOffset, int unsafeWidth, PredictionWriter scalarWriter, Slicer slicer) {
        this.type = type;
        this.baseOffset = baseOffset;
        this.unsafeWidth = unsafeWidth;
        this.scalarWriter = scalarWriter;
        this.slicer = slicer;
    }

    /** The Spark side of values read as {@code type} ({@link ElementType#readAs}). */
    static SparkElements of(ElementType type) {
        SparkElements element = BY_TYPE.get(type);
        if (element == null) {
            throw new IllegalArgumentException("no Spark values for element type " + type);
        }
        return element;
    }

    /** Writes a scalar prediction's row into a row slot. */
    PredictionWriter scalarWriter() {
        return scalarWriter;
    }

    /** The offset of a values array's first element, for {@link Platform#copyMemory}. */
    long baseOffset() {
        return baseOffset;
    }

    /** Bytes per element in an UnsafeArrayData; 0 when the values are not primitives. */
    int unsafeWidth() {
        return unsafeWidth;
    }

    /** Values [from, from + n) as a new Spark array. */
    ArrayData arrayData(Object values, int from, int n) {
        return slicer.slice(values, from, n);
    }

    private static Object values(Object prediction) {
        return ((TensorValues) prediction).values();
    }

    private static ArrayData strings(Object values, int from, int n) {
        String[] a = (String[]) values;
        Object[] strings = new Object[n];
        for (int i = 0; i < n; i++) {
            strings[i] = UTF8String.fromString(a[from + i]);
        }
        return new GenericArrayData(strings);
    }
}
