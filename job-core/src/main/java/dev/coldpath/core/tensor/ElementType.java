package dev.coldpath.core.tensor;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.ColumnType.Kind;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything coldpath knows about a tensor element type, in one place: its names (ONNX and SQL), its width in a
 * tensor buffer, the Java array its values are held in, how that array becomes a tensor, which column kinds convert
 * to it without loss, and how a model output of the type is read back and which column type holds it. Adding a
 * type (fp8, uint16) is one constant here, and nothing else switches on element types.
 *
 * <p>A type is <em>fed</em> when a model input of the type can be filled (float, double, int64, int32, int16, int8,
 * bool from columns, and uint8 by an image encoder) and <em>read</em> when a model output of the type can be written as a column (those,
 * and uint8, string, and float16 and bfloat16, which are read as float).
 */
public enum ElementType {
    FLOAT(OnnxJavaType.FLOAT, "float", "FLOAT", 4, Storage.FLOATS, Map.of(
            Kind.FLOAT, (s, i, t, p) -> ((float[]) t)[p] = s.getFloat(i),
            Kind.SHORT, (s, i, t, p) -> ((float[]) t)[p] = s.getShort(i),
            Kind.BYTE, (s, i, t, p) -> ((float[]) t)[p] = s.getByte(i)),
            Reader.FLOATS, ColumnType.FLOAT, null),
    DOUBLE(OnnxJavaType.DOUBLE, "double", "DOUBLE", 8, Storage.DOUBLES, Map.of(
            Kind.DOUBLE, (s, i, t, p) -> ((double[]) t)[p] = s.getDouble(i),
            Kind.FLOAT, (s, i, t, p) -> ((double[]) t)[p] = s.getFloat(i),
            Kind.INT, (s, i, t, p) -> ((double[]) t)[p] = s.getInt(i),
            Kind.SHORT, (s, i, t, p) -> ((double[]) t)[p] = s.getShort(i),
            Kind.BYTE, (s, i, t, p) -> ((double[]) t)[p] = s.getByte(i)),
            Reader.DOUBLES, ColumnType.DOUBLE, null),
    INT64(OnnxJavaType.INT64, "int64", "BIGINT", 8, Storage.LONGS, Map.of(
            Kind.LONG, (s, i, t, p) -> ((long[]) t)[p] = s.getLong(i),
            Kind.INT, (s, i, t, p) -> ((long[]) t)[p] = s.getInt(i),
            Kind.SHORT, (s, i, t, p) -> ((long[]) t)[p] = s.getShort(i),
            Kind.BYTE, (s, i, t, p) -> ((long[]) t)[p] = s.getByte(i)),
            Reader.LONGS, ColumnType.LONG, null),
    INT32(OnnxJavaType.INT32, "int32", "INT", 4, Storage.INTS, Map.of(
            Kind.INT, (s, i, t, p) -> ((int[]) t)[p] = s.getInt(i),
            Kind.SHORT, (s, i, t, p) -> ((int[]) t)[p] = s.getShort(i),
            Kind.BYTE, (s, i, t, p) -> ((int[]) t)[p] = s.getByte(i)),
            Reader.INTS, ColumnType.INT, null),
    INT16(OnnxJavaType.INT16, "int16", "SMALLINT", 2, Storage.SHORTS, Map.of(
            Kind.SHORT, (s, i, t, p) -> ((short[]) t)[p] = s.getShort(i),
            Kind.BYTE, (s, i, t, p) -> ((short[]) t)[p] = s.getByte(i)),
            Reader.SHORTS, ColumnType.SHORT, null),
    INT8(OnnxJavaType.INT8, "int8", "TINYINT", 1, Storage.BYTES, Map.of(
            Kind.BYTE, (s, i, t, p) -> ((byte[]) t)[p] = s.getByte(i)),
            Reader.BYTES, ColumnType.BYTE, null),
    /** Held as one byte per value in a tensor, read back as booleans. */
    BOOL(OnnxJavaType.BOOL, "bool", "BOOLEAN", 1, Storage.BYTES, Map.of(
            Kind.BOOLEAN, (s, i, t, p) -> ((byte[]) t)[p] = (byte) (s.getBoolean(i) ? 1 : 0)),
            Reader.BOOLEANS, ColumnType.BOOLEAN, null),
    STRING(OnnxJavaType.STRING, "string", "STRING", 0, null, Map.of(), Reader.STRINGS, ColumnType.STRING, null),
    /**
     * Read as int16 (smallint), the narrowest signed type that holds 0..255. Fed as one byte per value by encoders
     * of their own (a decoded image), from no column kind.
     */
    UINT8(OnnxJavaType.UINT8, "uint8", null, 1, Storage.BYTES, Map.of(), Reader.UNSIGNED_BYTES, null, INT16),
    /** Half precision, read as float: every float16 value is exactly a float. */
    FLOAT16(OnnxJavaType.FLOAT16, "float16", null, 2, null, Map.of(), Reader.FLOATS, null, FLOAT),
    /** bfloat16, read as float: every bfloat16 value is exactly a float. */
    BFLOAT16(OnnxJavaType.BFLOAT16, "bfloat16", null, 2, null, Map.of(), Reader.FLOATS, null, FLOAT),
    /** A type this version of ONNX Runtime's Java API does not name. */
    UNKNOWN(OnnxJavaType.UNKNOWN, "unknown", null, 0, null, Map.of(), null, null, null);

    private static final Map<OnnxJavaType, ElementType> BY_ONNX = new EnumMap<>(OnnxJavaType.class);

    static {
        for (ElementType type : values()) {
            BY_ONNX.put(type.onnx, type);
        }
    }

    private final OnnxJavaType onnx;
    private final String onnxName;
    private final String sqlName;
    private final int byteWidth;
    private final Storage storage;
    private final Map<Kind, ElementCopy> copies;
    private final Reader reader;
    private final ColumnType columnType;
    private final ElementType readAs;

    ElementType(OnnxJavaType onnx, String onnxName, String sqlName, int byteWidth, Storage storage,
                Map<Kind, ElementCopy> copies, Reader reader, ColumnType columnType, ElementType readAs) {
        this.onnx = onnx;
        this.onnxName = onnxName;
        this.sqlName = sqlName;
        this.byteWidth = byteWidth;
        this.storage = storage;
        this.copies = copies.isEmpty() ? Map.of() : new EnumMap<>(copies);
        this.reader = reader;
        this.columnType = columnType;
        this.readAs = readAs;
    }

    /** The element type ONNX Runtime reports; unknown for any type it adds later. */
    public static ElementType of(OnnxJavaType type) {
        return BY_ONNX.getOrDefault(type, UNKNOWN);
    }

    public OnnxJavaType onnxType() {
        return onnx;
    }

    /** The name as ONNX writes it: {@code float}, {@code int64}, {@code float16}. */
    public String onnxName() {
        return onnxName;
    }

    /** The SQL type of the column that holds the values, for cast hints: {@code FLOAT}, {@code BIGINT}. */
    public String sqlName() {
        return sqlName == null ? onnxName : sqlName;
    }

    /** Bytes per element in a tensor; 0 for strings and unknown types. */
    public int byteWidth() {
        return byteWidth;
    }

    /** Whether a model input of this type can be filled from columns. */
    public boolean isFed() {
        return storage != null;
    }

    /** Whether a model output of this type can be written as a column. */
    public boolean isRead() {
        return reader != null;
    }

    /** Whether values can be NaN (and so are summarised as numbers rather than counted as labels). */
    public boolean isFloatingPoint() {
        return reader == Reader.FLOATS || reader == Reader.DOUBLES;
    }

    /**
     * The type a model output of this type is read as: itself, but float for float16 and bfloat16 and int16 for
     * uint8. The Java array from {@link #read} holds values of that type.
     */
    public ElementType readAs() {
        return readAs == null ? this : readAs;
    }

    /** The scalar column type that holds one value read from a model output of this type. */
    public ColumnType columnType() {
        ColumnType type = readAs().columnType;
        if (type == null) {
            throw new IllegalStateException("element type " + onnxName + " has no column type");
        }
        return type;
    }

    /** The lossless copy from a column of {@code source} into this type's array, if there is one. */
    public Optional<ElementCopy> copyFrom(Kind source) {
        return Optional.ofNullable(copies.get(source));
    }

    /** The column kinds this type is fed from without loss, for error messages. */
    public Set<Kind> sources() {
        return copies.keySet();
    }

    /** A Java array of {@code length} values as a fed input holds them: float[], double[], long[], ... */
    public Object newArray(int length) {
        return fed().newArray(length);
    }

    /** Writes {@code value}, converted to this type, at {@code position} of an array from {@link #newArray}. */
    public void put(Object array, int position, double value) {
        fed().put(array, position, value);
    }

    /** The first position in [from, to) of an array from {@link #newArray} that holds a NaN, or -1. */
    public int firstNaN(Object array, int from, int to) {
        return fed().firstNaN(array, from, to);
    }

    /** Moves {@code count} values from {@code from} to {@code to} within an array from {@link #newArray}. */
    public void move(Object array, int from, int to, int count) {
        System.arraycopy(array, from, array, to, count);
    }

    /**
     * A tensor of {@code shape} over the first values of {@code direct} (native order), after copying values
     * [{@code from}, {@code from + count}) of {@code array} there. The tensor shares the buffer: close it before the
     * buffer is written again.
     */
    public OnnxTensor tensor(OrtEnvironment env, Object array, int from, int count, ByteBuffer direct, long[] shape)
            throws OrtException {
        return fed().tensor(env, array, from, count, direct, shape, onnx);
    }

    /**
     * A model output's values, copied into a Java array: float[] (float, float16, bfloat16), double[], long[],
     * int[], short[] (int16, uint8), byte[], boolean[] or String[], row-major.
     */
    public Object read(OnnxTensor tensor) throws OrtException {
        if (reader == null) {
            throw new IllegalStateException("no reader for element type " + onnxName);
        }
        return reader.read(tensor);
    }

    /** Value {@code index} of an array from {@link #read}, for a {@linkplain #isFloatingPoint floating-point} type. */
    public double doubleAt(Object values, int index) {
        return reader == Reader.DOUBLES ? ((double[]) values)[index] : ((float[]) values)[index];
    }

    private Storage fed() {
        if (storage == null) {
            throw new IllegalStateException("model inputs of element type " + onnxName + " are not fed");
        }
        return storage;
    }

    @Override
    public String toString() {
        return onnxName;
    }

    /** A fed type's Java array and its way into a tensor. */
    private enum Storage {
        FLOATS {
            @Override
            Object newArray(int n) {
                return new float[n];
            }

            @Override
            void put(Object a, int p, double v) {
                ((float[]) a)[p] = (float) v;
            }

            @Override
            int firstNaN(Object a, int from, int to) {
                float[] floats = (float[]) a;
                for (int i = from; i < to; i++) {
                    if (floats[i] != floats[i]) {
                        return i;
                    }
                }
                return -1;
            }

            @Override
            OnnxTensor tensor(OrtEnvironment env, Object a, int from, int n, ByteBuffer direct, long[] shape,
                              OnnxJavaType type) throws OrtException {
                direct.asFloatBuffer().put(0, (float[]) a, from, n);
                return OnnxTensor.createTensor(env, direct.asFloatBuffer().limit(n), shape);
            }
        },
        DOUBLES {
            @Override
            Object newArray(int n) {
                return new double[n];
            }

            @Override
            void put(Object a, int p, double v) {
                ((double[]) a)[p] = v;
            }

            @Override
            int firstNaN(Object a, int from, int to) {
                double[] doubles = (double[]) a;
                for (int i = from; i < to; i++) {
                    if (doubles[i] != doubles[i]) {
                        return i;
                    }
                }
                return -1;
            }

            @Override
            OnnxTensor tensor(OrtEnvironment env, Object a, int from, int n, ByteBuffer direct, long[] shape,
                              OnnxJavaType type) throws OrtException {
                direct.asDoubleBuffer().put(0, (double[]) a, from, n);
                return OnnxTensor.createTensor(env, direct.asDoubleBuffer().limit(n), shape);
            }
        },
        LONGS {
            @Override
            Object newArray(int n) {
                return new long[n];
            }

            @Override
            void put(Object a, int p, double v) {
                ((long[]) a)[p] = (long) v;
            }

            @Override
            OnnxTensor tensor(OrtEnvironment env, Object a, int from, int n, ByteBuffer direct, long[] shape,
                              OnnxJavaType type) throws OrtException {
                direct.asLongBuffer().put(0, (long[]) a, from, n);
                return OnnxTensor.createTensor(env, direct.asLongBuffer().limit(n), shape);
            }
        },
        INTS {
            @Override
            Object newArray(int n) {
                return new int[n];
            }

            @Override
            void put(Object a, int p, double v) {
                ((int[]) a)[p] = (int) v;
            }

            @Override
            OnnxTensor tensor(OrtEnvironment env, Object a, int from, int n, ByteBuffer direct, long[] shape,
                              OnnxJavaType type) throws OrtException {
                direct.asIntBuffer().put(0, (int[]) a, from, n);
                return OnnxTensor.createTensor(env, direct.asIntBuffer().limit(n), shape);
            }
        },
        SHORTS {
            @Override
            Object newArray(int n) {
                return new short[n];
            }

            @Override
            void put(Object a, int p, double v) {
                ((short[]) a)[p] = (short) v;
            }

            @Override
            OnnxTensor tensor(OrtEnvironment env, Object a, int from, int n, ByteBuffer direct, long[] shape,
                              OnnxJavaType type) throws OrtException {
                direct.asShortBuffer().put(0, (short[]) a, from, n);
                return OnnxTensor.createTensor(env, direct.asShortBuffer().limit(n), shape);
            }
        },
        /** int8, and bool as one byte per value. */
        BYTES {
            @Override
            Object newArray(int n) {
                return new byte[n];
            }

            @Override
            void put(Object a, int p, double v) {
                ((byte[]) a)[p] = (byte) v;
            }

            @Override
            OnnxTensor tensor(OrtEnvironment env, Object a, int from, int n, ByteBuffer direct, long[] shape,
                              OnnxJavaType type) throws OrtException {
                direct.put(0, (byte[]) a, from, n);
                // its own limit: the tensor's must not narrow the batch's buffer
                return OnnxTensor.createTensor(env, direct.duplicate().limit(n), shape, type);
            }
        };

        abstract Object newArray(int n);

        abstract void put(Object array, int position, double value);

        /** Only floating-point values can be NaN. */
        int firstNaN(Object array, int from, int to) {
            return -1;
        }

        abstract OnnxTensor tensor(OrtEnvironment env, Object array, int from, int n, ByteBuffer direct, long[] shape,
                                   OnnxJavaType type) throws OrtException;
    }

    /** How a model output's values leave ONNX Runtime. */
    private enum Reader {
        FLOATS {
            @Override
            Object read(OnnxTensor t) {
                FloatBuffer values = t.getFloatBuffer(); // converts float16 and bfloat16 exactly
                if (values.hasArray() && values.arrayOffset() == 0 && values.array().length == values.remaining()) {
                    return values.array();
                }
                float[] out = new float[values.remaining()];
                values.get(out);
                return out;
            }
        },
        DOUBLES {
            @Override
            Object read(OnnxTensor t) {
                return t.getDoubleBuffer().array();
            }
        },
        LONGS {
            @Override
            Object read(OnnxTensor t) {
                return t.getLongBuffer().array();
            }
        },
        INTS {
            @Override
            Object read(OnnxTensor t) {
                return t.getIntBuffer().array();
            }
        },
        SHORTS {
            @Override
            Object read(OnnxTensor t) {
                return t.getShortBuffer().array();
            }
        },
        BYTES {
            @Override
            Object read(OnnxTensor t) {
                ByteBuffer buffer = t.getByteBuffer();
                byte[] out = new byte[buffer.remaining()];
                buffer.get(out);
                return out;
            }
        },
        UNSIGNED_BYTES {
            @Override
            Object read(OnnxTensor t) {
                ByteBuffer buffer = t.getByteBuffer();
                short[] out = new short[buffer.remaining()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (short) (buffer.get(i) & 0xff);
                }
                return out;
            }
        },
        BOOLEANS {
            @Override
            Object read(OnnxTensor t) {
                ByteBuffer buffer = t.getByteBuffer();
                boolean[] out = new boolean[buffer.remaining()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = buffer.get(i) != 0;
                }
                return out;
            }
        },
        STRINGS {
            @Override
            Object read(OnnxTensor t) throws OrtException {
                List<String> out = new ArrayList<>();
                collect(t.getValue(), out);
                return out.toArray(String[]::new);
            }

            private void collect(Object value, List<String> out) {
                if (value instanceof String s) {
                    out.add(s);
                } else {
                    for (Object element : (Object[]) value) {
                        collect(element, out);
                    }
                }
            }
        };

        abstract Object read(OnnxTensor tensor) throws OrtException;
    }
}
