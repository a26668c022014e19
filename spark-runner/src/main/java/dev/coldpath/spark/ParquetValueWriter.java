package dev.coldpath.spark;

import java.util.Map;
import java.util.Optional;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Writes one non-null value of a Spark type, at its levels, into a Parquet column writer: the value Spark's
 * {@link ParquetWriteSupport} hands Parquet for that type (Spark 4.1), for {@link ParquetDirectRows}. Stateless.
 */
@FunctionalInterface
interface ParquetValueWriter {
    void write(ColumnWriter column, SpecializedGetters values, int ordinal, int repetitionLevel, int definitionLevel);

    /** The writer of each Spark type written this way, keyed by the type, with the Parquet type Spark gives it. */
    Map<DataType, Typed> BY_TYPE = Map.of(
            DataTypes.BooleanType, new Typed(PrimitiveTypeName.BOOLEAN,
                    (c, v, i, r, d) -> c.write(v.getBoolean(i), r, d)),
            DataTypes.ByteType, new Typed(PrimitiveTypeName.INT32, (c, v, i, r, d) -> c.write((int) v.getByte(i), r, d)),
            DataTypes.ShortType, new Typed(PrimitiveTypeName.INT32,
                    (c, v, i, r, d) -> c.write((int) v.getShort(i), r, d)),
            DataTypes.IntegerType, new Typed(PrimitiveTypeName.INT32, (c, v, i, r, d) -> c.write(v.getInt(i), r, d)),
            DataTypes.LongType, new Typed(PrimitiveTypeName.INT64, (c, v, i, r, d) -> c.write(v.getLong(i), r, d)),
            DataTypes.FloatType, new Typed(PrimitiveTypeName.FLOAT, (c, v, i, r, d) -> c.write(v.getFloat(i), r, d)),
            DataTypes.DoubleType, new Typed(PrimitiveTypeName.DOUBLE,
                    (c, v, i, r, d) -> c.write(v.getDouble(i), r, d)),
            DataTypes.StringType, new Typed(PrimitiveTypeName.BINARY,
                    (c, v, i, r, d) -> c.write(utf8(v.getUTF8String(i)), r, d)),
            DataTypes.BinaryType, new Typed(PrimitiveTypeName.BINARY,
                    (c, v, i, r, d) -> c.write(Binary.fromReusedByteArray(v.getBinary(i)), r, d)));

    /** The writer of {@code type}'s values, where Spark stores them as {@code parquetType}; else empty. */
    static Optional<ParquetValueWriter> of(DataType type, PrimitiveTypeName parquetType) {
        Typed typed = BY_TYPE.get(type);
        return typed != null && typed.parquetType() == parquetType ? Optional.of(typed.writer()) : Optional.empty();
    }

    /**
     * A string's UTF-8 bytes where they lie (an {@code UnsafeRow}'s or {@code UnsafeArrayData}'s buffer), as a
     * reused binary, which Parquet copies where it keeps it (dictionary, statistics); Spark's writer copies them out
     * first ({@code UTF8String.getBytes}), the same bytes.
     */
    private static Binary utf8(UTF8String value) {
        if (value.getBaseObject() instanceof byte[] bytes) {
            return Binary.fromReusedByteArray(bytes, (int) (value.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET),
                    value.numBytes());
        }
        return Binary.fromReusedByteArray(value.getBytes());
    }

    /** A value writer and the Parquet type it writes. */
    record Typed(PrimitiveTypeName parquetType, ParquetValueWriter writer) {
    }
}
