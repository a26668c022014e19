package dev.coldpath.connectors;

import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.RowSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.ListLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.MapKeyValueTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.MapLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * A Parquet file schema as coldpath's column types, read the way Spark's Parquet reader reads it (its
 * ParquetToSparkSchemaConverter with default settings), so that the preflight finds what Spark will find: signed
 * 8/16-bit ints are byte/short, unsigned ones widen, binary without a string annotation stays binary, lists in the
 * standard and the legacy layouts are arrays, and a repeated field outside a list is an array.
 */
final class ParquetSchemas {
    private ParquetSchemas() {
    }

    static RowSchema toRowSchema(MessageType message) {
        List<Column> columns = new ArrayList<>();
        for (Type field : message.getFields()) {
            columns.add(new Column(field.getName(), field(field)));
        }
        return new RowSchema(columns);
    }

    /** A field as a column of a struct: a repeated field is an array of its values. */
    private static ColumnType field(Type field) {
        ColumnType type = type(field);
        return field.isRepetition(Type.Repetition.REPEATED) ? ColumnType.arrayOf(type) : type;
    }

    /** A field's own type, whatever its repetition. */
    private static ColumnType type(Type field) {
        return field.isPrimitive() ? primitive(field.asPrimitiveType()) : group(field.asGroupType());
    }

    private static ColumnType primitive(PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical instanceof DecimalLogicalTypeAnnotation d) {
            return ColumnType.other("decimal(" + d.getPrecision() + "," + d.getScale() + ")");
        }
        return switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> ColumnType.BOOLEAN;
            case FLOAT -> ColumnType.FLOAT;
            case DOUBLE -> ColumnType.DOUBLE;
            case INT32 -> int32(logical);
            case INT64 -> int64(logical);
            case INT96 -> ColumnType.other("timestamp");
            case BINARY, FIXED_LEN_BYTE_ARRAY -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                    || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                    || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
                    ? ColumnType.STRING : ColumnType.other("binary");
        };
    }

    private static ColumnType int32(LogicalTypeAnnotation logical) {
        if (logical == null) {
            return ColumnType.INT;
        }
        if (logical instanceof IntLogicalTypeAnnotation i) {
            return switch (i.getBitWidth()) {
                case 8 -> i.isSigned() ? ColumnType.BYTE : ColumnType.SHORT;
                case 16 -> i.isSigned() ? ColumnType.SHORT : ColumnType.INT;
                default -> i.isSigned() ? ColumnType.INT : ColumnType.LONG;
            };
        }
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
            return ColumnType.other("date");
        }
        return ColumnType.other(logical.toString().toLowerCase(Locale.ROOT));
    }

    private static ColumnType int64(LogicalTypeAnnotation logical) {
        if (logical == null) {
            return ColumnType.LONG;
        }
        if (logical instanceof IntLogicalTypeAnnotation i) {
            return i.isSigned() ? ColumnType.LONG : ColumnType.other("decimal(20,0)");
        }
        if (logical instanceof TimestampLogicalTypeAnnotation t) {
            return ColumnType.other(t.isAdjustedToUTC() ? "timestamp" : "timestamp_ntz");
        }
        return ColumnType.other(logical.toString().toLowerCase(Locale.ROOT));
    }

    private static ColumnType group(GroupType group) {
        LogicalTypeAnnotation logical = group.getLogicalTypeAnnotation();
        if (logical instanceof ListLogicalTypeAnnotation && group.getFieldCount() == 1
                && group.getType(0).isRepetition(Type.Repetition.REPEATED)) {
            Type repeated = group.getType(0);
            if (isElement(repeated, group.getName())) {
                return ColumnType.arrayOf(type(repeated));
            }
            return ColumnType.arrayOf(field(repeated.asGroupType().getType(0)));
        }
        if ((logical instanceof MapLogicalTypeAnnotation || logical instanceof MapKeyValueTypeAnnotation)
                && group.getFieldCount() == 1 && !group.getType(0).isPrimitive()
                && group.getType(0).asGroupType().getFieldCount() == 2) {
            GroupType keyValue = group.getType(0).asGroupType();
            return ColumnType.mapOf(field(keyValue.getType(0)), field(keyValue.getType(1)));
        }
        return ColumnType.other("struct<" + group.getFields().stream()
                .map(f -> f.getName() + ":" + field(f)).collect(Collectors.joining(",")) + ">");
    }

    /** Spark's rule for the legacy list layouts: whether the repeated field is itself the element. */
    private static boolean isElement(Type repeated, String listName) {
        return repeated.isPrimitive() || repeated.asGroupType().getFieldCount() > 1
                || repeated.getName().equals("array") || repeated.getName().equals(listName + "_tuple");
    }
}
