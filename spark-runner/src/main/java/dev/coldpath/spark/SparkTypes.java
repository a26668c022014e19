package dev.coldpath.spark;

import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.RowSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Translates between Spark SQL types and coldpath's engine-neutral column types. */
final class SparkTypes {
    private SparkTypes() {
    }

    static RowSchema toRowSchema(StructType struct) {
        List<Column> columns = new ArrayList<>();
        for (StructField field : struct.fields()) {
            columns.add(new Column(field.name(), toColumnType(field.dataType())));
        }
        return new RowSchema(columns);
    }

    static ColumnType toColumnType(DataType type) {
        if (type instanceof ArrayType array) {
            return ColumnType.arrayOf(toColumnType(array.elementType()));
        }
        if (type instanceof MapType map) {
            return ColumnType.mapOf(toColumnType(map.keyType()), toColumnType(map.valueType()));
        }
        if (type.equals(DataTypes.BooleanType)) {
            return ColumnType.BOOLEAN;
        } else if (type.equals(DataTypes.ByteType)) {
            return ColumnType.BYTE;
        } else if (type.equals(DataTypes.ShortType)) {
            return ColumnType.SHORT;
        } else if (type.equals(DataTypes.IntegerType)) {
            return ColumnType.INT;
        } else if (type.equals(DataTypes.LongType)) {
            return ColumnType.LONG;
        } else if (type.equals(DataTypes.FloatType)) {
            return ColumnType.FLOAT;
        } else if (type.equals(DataTypes.DoubleType)) {
            return ColumnType.DOUBLE;
        } else if (type.equals(DataTypes.StringType)) {
            return ColumnType.STRING;
        }
        return ColumnType.other(type.simpleString());
    }

    /** The Spark type of a prediction column; prediction values are never null. */
    static DataType toDataType(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> DataTypes.BooleanType;
            case BYTE -> DataTypes.ByteType;
            case SHORT -> DataTypes.ShortType;
            case INT -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case FLOAT -> DataTypes.FloatType;
            case DOUBLE -> DataTypes.DoubleType;
            case STRING -> DataTypes.StringType;
            case ARRAY -> DataTypes.createArrayType(toDataType(type.element()), false);
            case MAP -> DataTypes.createMapType(toDataType(type.key()), toDataType(type.element()), false);
            case OTHER -> throw new IllegalArgumentException("no Spark type for " + type);
        };
    }
}
