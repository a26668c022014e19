package dev.coldpath.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.types.StructType;

/**
 * The local runner's Parquet files of rows followed by constant columns (a run's lineage): the files
 * {@link SparkInternals#localParquetFiles} makes of the whole schema, written by {@link LineageParquetWriter}, which
 * writes the rows' own columns straight into Parquet's column writers ({@link ParquetDirectRows}) where their types
 * allow, else through Spark's {@link ParquetWriteSupport}, and the constant ones once per row group.
 * The file schema, footer metadata and each constant's Parquet value come from a {@code ParquetWriteSupport}
 * initialised with the whole schema, so a file reads as the one Spark's writer makes of the joined rows. Not
 * serializable: for the local runner, whose workers share it.
 */
final class LineageParquetFiles implements PartFiles {
    private final Configuration conf;
    private final Configuration rowsConf;
    private final ParquetWriterSettings settings;
    private final WriteSupport.WriteContext file;
    private final MessageType rowsSchema;
    private final ParquetDirectRows directRows;
    private final List<ConstantColumn> constants;

    private LineageParquetFiles(Configuration conf, Configuration rowsConf, ParquetWriterSettings settings,
                                WriteSupport.WriteContext file, MessageType rowsSchema, ParquetDirectRows directRows,
                                List<ConstantColumn> constants) {
        this.conf = conf;
        this.rowsConf = rowsConf;
        this.settings = settings;
        this.file = file;
        this.rowsSchema = rowsSchema;
        this.directRows = directRows;
        this.constants = List.copyOf(constants);
    }

    /**
     * Files of {@code files}' schema whose first {@code rowColumns} columns come from each row and whose others hold
     * {@code constants}' values in every row; empty where the writer's settings or the constants' types are ones
     * {@link ConstantColumn} does not write, so that the caller writes the joined rows through {@code files} instead.
     */
    static Optional<LineageParquetFiles> of(SparkInternals.ParquetFiles files, int rowColumns,
                                            InternalRow constants) {
        StructType schema = files.schema();
        if (rowColumns + constants.numFields() != schema.size()) {
            throw new IllegalArgumentException("a file of " + schema.size() + " columns cannot hold " + rowColumns
                    + " row columns and " + constants.numFields() + " constants");
        }
        Configuration conf = new Configuration(files.configuration());
        ParquetWriteSupport.setSchema(schema, conf);
        ParquetWriteSupport whole = new ParquetWriteSupport();
        WriteSupport.WriteContext file = whole.init(conf);
        Map<Integer, Object> values = new HashMap<>();
        whole.prepareForWrite(new TopLevelValues(values));
        whole.write(new JoinedRow(new GenericInternalRow(rowColumns), constants)); // null row columns: not written

        Configuration rowsConf = new Configuration(conf);
        StructType rowsType = new StructType(Arrays.copyOf(schema.fields(), rowColumns));
        ParquetWriteSupport.setSchema(rowsType, rowsConf);
        MessageType rowsSchema = new ParquetWriteSupport().init(rowsConf).getSchema();
        MessageType fileSchema = file.getSchema();
        if (!fileSchema.getFields().subList(0, rowColumns).equals(rowsSchema.getFields())) {
            return Optional.empty(); // the rows' columns alone convert otherwise: keep to Spark's writer
        }
        ParquetWriterSettings settings = ParquetWriterSettings.of(conf);
        List<ConstantColumn> columns = new ArrayList<>();
        for (int i = rowColumns; i < schema.size(); i++) {
            ConstantColumn column = fileSchema.getType(i).isPrimitive() ? ConstantColumn.of(
                    fileSchema.getColumnDescription(new String[] {fileSchema.getFieldName(i)}), values.get(i),
                    settings.properties()) : null;
            if (column == null) {
                return Optional.empty();
            }
            columns.add(column);
        }
        return Optional.of(new LineageParquetFiles(conf, rowsConf, settings, file, rowsSchema,
                ParquetDirectRows.of(rowsType, rowsSchema, rowsConf).orElse(null), columns));
    }

    @Override
    public Configuration configuration() {
        return conf;
    }

    @Override
    public OutputWriter open(String path, TaskAttemptContext context) {
        return new LineageParquetWriter(path, this);
    }

    Configuration rowsConf() {
        return rowsConf;
    }

    ParquetWriterSettings settings() {
        return settings;
    }

    /** The whole file's schema and footer metadata, as Spark's write support gives them. */
    WriteSupport.WriteContext file() {
        return file;
    }

    MessageType rowsSchema() {
        return rowsSchema;
    }

    /** The rows' columns written without Spark's write support, or null where its schema needs that support. */
    ParquetDirectRows directRows() {
        return directRows;
    }

    List<ConstantColumn> constants() {
        return constants;
    }

    /** Keeps the value of each top-level primitive field of the one record written. */
    private static final class TopLevelValues extends RecordConsumer {
        private final Map<Integer, Object> values;
        private int depth;
        private int field;

        TopLevelValues(Map<Integer, Object> values) {
            this.values = values;
        }

        @Override
        public void startMessage() {
        }

        @Override
        public void endMessage() {
        }

        @Override
        public void startField(String name, int index) {
            if (depth == 0) {
                field = index;
            }
        }

        @Override
        public void endField(String name, int index) {
        }

        @Override
        public void startGroup() {
            depth++;
        }

        @Override
        public void endGroup() {
            depth--;
        }

        private void add(Object value) {
            if (depth == 0) {
                values.put(field, value);
            }
        }

        @Override
        public void addInteger(int value) {
            add(value);
        }

        @Override
        public void addLong(long value) {
            add(value);
        }

        @Override
        public void addBoolean(boolean value) {
            add(value);
        }

        @Override
        public void addBinary(Binary value) {
            add(value.copy());
        }

        @Override
        public void addFloat(float value) {
            add(value);
        }

        @Override
        public void addDouble(double value) {
            add(value);
        }
    }
}
