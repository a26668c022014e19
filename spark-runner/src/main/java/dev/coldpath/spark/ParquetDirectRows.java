package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Rows written straight into parquet-column's column writers, one {@link ParquetFieldWriter} a field, instead of
 * through Spark's {@link ParquetWriteSupport} and parquet-column's {@code MessageColumnIO} record consumer, which
 * spend most of the writing's CPU on their per-value bookkeeping (fields started and ended, a group per list
 * element). The column writers receive the same values, levels and nulls in the same order, row for row (the nulls
 * {@code MessageColumnIO} holds back included), so the pages, statistics and bytes are those of Spark's writer. For
 * schemas of top-level boolean, byte, short, int, long, float, double, string and binary columns and arrays of them in
 * Spark's standard 3-level lists; {@link #of} is empty for any other (maps, structs, decimals, dates, timestamps,
 * the legacy format), which Spark's writer writes. Immutable; {@link #bind} makes the writer of one row group.
 */
final class ParquetDirectRows {
    private final List<Field> fields;

    private ParquetDirectRows(List<Field> fields) {
        this.fields = List.copyOf(fields);
    }

    /**
     * The direct writer of rows of {@code type} into {@code schema}, the Parquet schema Spark's write support gives
     * it under {@code conf}; empty where a column, the legacy format or record validation needs Spark's writer.
     */
    static Optional<ParquetDirectRows> of(StructType type, MessageType schema, Configuration conf) {
        if (conf.getBoolean(SQLConf.PARQUET_WRITE_LEGACY_FORMAT().key(), true)
                || ParquetOutputFormat.getValidation(conf) || type.size() != schema.getFieldCount()) {
            return Optional.empty();
        }
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < type.size(); i++) {
            Optional<Field> field = field(type.fields()[i], schema, schema.getType(i));
            if (field.isEmpty()) {
                return Optional.empty();
            }
            fields.add(field.get());
        }
        return Optional.of(new ParquetDirectRows(fields));
    }

    private static Optional<Field> field(StructField field, MessageType schema, Type parquet) {
        if (!parquet.getName().equals(field.name()) || parquet.isRepetition(Type.Repetition.REPEATED)) {
            return Optional.empty();
        }
        if (field.dataType() instanceof ArrayType array) {
            return list(array, schema, parquet);
        }
        if (!parquet.isPrimitive()) {
            return Optional.empty();
        }
        ColumnDescriptor column = schema.getColumnDescription(new String[] {parquet.getName()});
        return ParquetValueWriter.of(field.dataType(), column.getPrimitiveType().getPrimitiveTypeName())
                .map(value -> new Field(column, writer -> new ParquetScalarField(writer, value,
                        column.getMaxDefinitionLevel())));
    }

    /** Spark's standard list: {@code <name> (LIST) { repeated group list { <element>; } }}, of a primitive. */
    private static Optional<Field> list(ArrayType array, MessageType schema, Type parquet) {
        if (parquet.isPrimitive() || !(parquet.getLogicalTypeAnnotation()
                instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)) {
            return Optional.empty();
        }
        GroupType outer = parquet.asGroupType();
        if (outer.getFieldCount() != 1 || !outer.getType(0).getName().equals("list")
                || outer.getType(0).isPrimitive() || !outer.getType(0).isRepetition(Type.Repetition.REPEATED)) {
            return Optional.empty();
        }
        GroupType repeated = outer.getType(0).asGroupType();
        if (repeated.getFieldCount() != 1 || !repeated.getType(0).getName().equals("element")
                || !repeated.getType(0).isPrimitive() || !repeated.getType(0).isRepetition(array.containsNull()
                        ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED)) {
            return Optional.empty();
        }
        String name = parquet.getName();
        ColumnDescriptor column = schema.getColumnDescription(new String[] {name, "list", "element"});
        int emptyLevel = schema.getMaxDefinitionLevel(name);
        int nullElementLevel = schema.getMaxDefinitionLevel(name, "list");
        return ParquetValueWriter.of(array.elementType(), column.getPrimitiveType().getPrimitiveTypeName())
                .map(value -> new Field(column, writer -> new ParquetListField(writer, value, emptyLevel,
                        nullElementLevel, column.getMaxDefinitionLevel())));
    }

    /** The writer of rows into {@code columns}, the column writers of one row group of this schema. */
    RowGroup bind(ColumnWriteStore columns) {
        ParquetFieldWriter[] writers = new ParquetFieldWriter[fields.size()];
        for (int i = 0; i < writers.length; i++) {
            Field field = fields.get(i);
            writers[i] = field.writer().apply(columns.getColumnWriter(field.column()));
        }
        return new RowGroup(columns, writers);
    }

    /** A field's column and how its writer writes into that column's writer. */
    private record Field(ColumnDescriptor column, Function<ColumnWriter, ParquetFieldWriter> writer) {
        Field {
            requireNonNull(column, "column is null");
            requireNonNull(writer, "writer is null");
        }
    }

    /** Rows written into the column writers of one row group. Used by one thread. */
    static final class RowGroup {
        private final ColumnWriteStore columns;
        private final ParquetFieldWriter[] fields;

        private RowGroup(ColumnWriteStore columns, ParquetFieldWriter[] fields) {
            this.columns = columns;
            this.fields = fields;
        }

        /**
         * Writes {@code row} and ends it as a record, as {@code MessageColumnIO} ends a message: the held-back values
         * first written where the store checks its page sizes at this record.
         */
        void write(InternalRow row) {
            for (int i = 0; i < fields.length; i++) {
                fields[i].write(row, i);
            }
            if (columns.isColumnFlushNeeded()) {
                flush();
            }
            columns.endRecord();
        }

        /** Writes the values held back, before the column writers are flushed. */
        void flush() {
            for (ParquetFieldWriter field : fields) {
                field.flush();
            }
        }
    }
}
