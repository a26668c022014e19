package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.table.RunLineage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The local runner's writer of constant lineage columns ({@link LineageParquetWriter}) against Spark's own writer of
 * the same rows joined with the lineage: several row groups and pages, read back by DuckDB and Spark, the footers'
 * metadata and the lineage columns' statistics and indexes; and an aborted file leaves nothing.
 */
class LineageParquetWriterTest {
    private static final int ROWS = 6_000;
    private static final StructType ROWS_SCHEMA = new StructType().add("id", DataTypes.LongType, false)
            .add("label", DataTypes.StringType)
            .add("probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    @TempDir
    Path tmp;

    static Stream<Optional<String>> periods() {
        return Stream.of(Optional.of("2026-12-02T07"), Optional.of("2026-12-02"), Optional.empty());
    }

    @ParameterizedTest
    @MethodSource("periods")
    void filesReadAsSparksWriterOfTheJoinedRowsWrites(Optional<String> period) throws Exception {
        RunLineage lineage = new RunLineage("sha256:8bb0ef29e42a" + "0".repeat(52), "20261202T075501.123Z-337d5fb6",
                period, Instant.parse("2026-12-02T07:55:01.123456Z"));
        boolean hourly = period.map(p -> p.contains("T")).orElse(true); // no period: typed as an hourly table's
        StructType schema = ParquetRunTableSink.withLineageColumns(ROWS_SCHEMA, lineage, hourly).asNullable();
        Configuration conf = new Configuration();
        conf.setLong("parquet.block.size", 8 * 1024); // several row groups
        conf.setInt("parquet.page.row.count.limit", 700); // several pages a row group
        SparkInternals.ParquetFiles spark = SparkInternals.localParquetFiles(conf, schema, true);
        InternalRow constants = ParquetRunTableSink.lineageRow(lineage);
        LineageParquetFiles own = LineageParquetFiles.of(spark, ROWS_SCHEMA.size(), constants).orElseThrow();

        Path expected = write(spark, "spark", constants);
        Path actual = write(own, "own", null);

        ParquetMetadata ownFooter = footer(actual);
        ParquetMetadata sparkFooter = footer(expected);
        assertThat(ownFooter.getBlocks()).hasSizeGreaterThan(2);
        assertThat(ownFooter.getFileMetaData().getSchema()).isEqualTo(sparkFooter.getFileMetaData().getSchema());
        assertThat(ownFooter.getFileMetaData().getKeyValueMetaData())
                .isEqualTo(sparkFooter.getFileMetaData().getKeyValueMetaData())
                .containsKeys("org.apache.spark.version", "org.apache.spark.sql.parquet.row.metadata");
        for (String column : RunLineage.COLUMNS) {
            assertThat(fileStatistics(ownFooter, column)).as(column).isEqualTo(fileStatistics(sparkFooter, column));
            assertLineageChunks(actual, ownFooter, column, period.isEmpty() && column.equals(RunLineage.PERIOD));
            assertThat(chunk(ownFooter.getBlocks().get(0), column).getEncodings()).as(column)
                    .isEqualTo(chunk(sparkFooter.getBlocks().get(0), column).getEncodings());
        }
        assertThat(duckDb("DESCRIBE SELECT * FROM read_parquet('" + actual + "')"))
                .isEqualTo(duckDb("DESCRIBE SELECT * FROM read_parquet('" + expected + "')"));
        String all = "SELECT * FROM read_parquet('%s') ORDER BY id";
        List<String> rows = duckDb(all.formatted(actual));
        assertThat(rows).hasSize(ROWS).isEqualTo(duckDb(all.formatted(expected)));
        assertThat(rows.get(0)).contains(lineage.runId(), lineage.modelVersion());

        SparkSession session = LocalSpark.get();
        Dataset<Row> ours = session.read().parquet(actual.toString());
        Dataset<Row> theirs = session.read().parquet(expected.toString());
        assertThat(ours.schema()).isEqualTo(theirs.schema()).isEqualTo(schema);
        // row by row in file order: two scans, where an except each way took two shuffles for a weaker check
        assertThat(ours.collectAsList()).hasSize(ROWS).isEqualTo(theirs.collectAsList());
    }

    @ParameterizedTest
    @MethodSource("periods")
    void rowGroupsCutAtTheSameRowsAreTheBytesSparksWriterWrites(Optional<String> period) throws Exception {
        RunLineage lineage = new RunLineage("v2", "20261202T095001.000Z-0c1d2e3f", period,
                Instant.parse("2026-12-02T09:50:01Z"));
        StructType schema = ParquetRunTableSink.withLineageColumns(ROWS_SCHEMA, lineage,
                period.map(p -> p.contains("T")).orElse(true)).asNullable();
        Configuration conf = new Configuration();
        conf.setInt("parquet.block.row.count.limit", 500); // both writers cut row groups by the row count alone
        SparkInternals.ParquetFiles spark = SparkInternals.localParquetFiles(conf, schema, true);
        InternalRow constants = ParquetRunTableSink.lineageRow(lineage);
        LineageParquetFiles own = LineageParquetFiles.of(spark, ROWS_SCHEMA.size(), constants).orElseThrow();

        Path expected = write(spark, "spark", constants);
        Path actual = write(own, "own", null);

        assertThat(footer(actual).getBlocks()).hasSize(ROWS / 500);
        assertThat(Files.mismatch(actual, expected)).as("first differing byte").isEqualTo(-1L);
    }

    /**
     * The rows' columns of every type {@link ParquetDirectRows} writes, nullable (as the local runner writes them) and
     * required, with nulls (runs of them too), empty arrays, null elements, NaN, -0.0 and infinities, strings and
     * binaries, in several row groups, pages and dictionary fallbacks: the bytes of Spark's writer, with the lineage
     * columns and without (no constant columns: then pages are cut by their size too); and a schema with a column it
     * does not write (a map), written by Spark's write support instead, the same.
     */
    static Stream<Arguments> directSchemas() {
        StructType all = new StructType();
        List<DataType> types = List.of(DataTypes.BooleanType, DataTypes.ByteType, DataTypes.ShortType,
                DataTypes.IntegerType, DataTypes.LongType, DataTypes.FloatType, DataTypes.DoubleType,
                DataTypes.StringType, DataTypes.BinaryType);
        for (DataType type : types) {
            all = all.add(type.typeName(), type).add(type.typeName() + "_array",
                    DataTypes.createArrayType(type, true)).add(type.typeName() + "_required_elements",
                    DataTypes.createArrayType(type, false));
        }
        StructType required = new StructType(Stream.of(all.fields()).map(f -> new StructField(f.name(),
                f.dataType() instanceof ArrayType a ? DataTypes.createArrayType(a.elementType(), false)
                        : f.dataType(), false, f.metadata())).toArray(StructField[]::new));
        return Stream.of(Arguments.of("nullable", all.asNullable(), true),
                Arguments.of("required", required, true),
                Arguments.of("mlp", new StructType().add("id", DataTypes.LongType).add("probabilities",
                        DataTypes.createArrayType(DataTypes.FloatType, false)), true),
                Arguments.of("with a map", all.add("map", DataTypes.createMapType(DataTypes.StringType,
                        DataTypes.IntegerType)), false))
                .flatMap(a -> Stream.of(true, false).map(lineage -> Arguments.of(a.get()[0], a.get()[1], a.get()[2],
                        lineage)));
    }

    @ParameterizedTest(name = "{0}, lineage {3}")
    @MethodSource("directSchemas")
    void directRowsAreTheBytesSparksWriterWrites(String name, StructType rowsType, boolean direct,
                                                 boolean withLineage) throws Exception {
        RunLineage lineage = new RunLineage("v3", "20261202T110001.000Z-1a2b3c4d", Optional.of("2026-12-02"),
                Instant.parse("2026-12-02T11:00:01Z"));
        StructType schema = withLineage ? ParquetRunTableSink.withLineageColumns(rowsType, lineage, false) : rowsType;
        Configuration conf = new Configuration();
        conf.setInt("parquet.block.row.count.limit", 1_400); // row groups cut at the same rows by both writers
        conf.setInt("parquet.page.row.count.limit", 400);
        conf.setInt("parquet.dictionary.page.size", 1_024); // dictionaries that fill up and fall back to plain
        if (!withLineage) { // Spark's writer checks page sizes at other rows where its store holds the lineage too
            conf.setInt("parquet.page.size", 2_048);
        }
        SparkInternals.ParquetFiles spark = SparkInternals.localParquetFiles(conf, schema, true);
        InternalRow constants = withLineage ? ParquetRunTableSink.lineageRow(lineage) : new GenericInternalRow(0);
        LineageParquetFiles own = LineageParquetFiles.of(spark, rowsType.size(), constants).orElseThrow();
        assertThat(own.directRows() != null).as("written directly").isEqualTo(direct);
        UnsafeProjection unsafe = UnsafeProjection.create(rowsType); // as the local runner hands rows over
        SplittableRandom random = new SplittableRandom(20);
        boolean nullable = Stream.of(rowsType.fields()).anyMatch(StructField::nullable);
        List<InternalRow> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            boolean nullRun = nullable && i / 250 % 4 == 1; // runs of null columns across page and group ends
            rows.add(unsafe.apply(randomRow(rowsType, random, nullRun)).copy());
        }

        Path expected = write(spark, "spark", withLineage ? constants : null, rows);
        Path actual = write(own, "own", null, rows);

        ParquetMetadata footer = footer(actual);
        assertThat(footer.getBlocks()).hasSize((ROWS + 1_399) / 1_400);
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(actual))) {
            for (ColumnChunkMetaData chunk : footer.getBlocks().get(0).getColumns()) {
                assertThat(reader.readOffsetIndex(chunk).getPageCount()).as(chunk.getPath().toDotString())
                        .isGreaterThan(1);
            }
        }
        assertThat(Files.mismatch(actual, expected)).as("first differing byte").isEqualTo(-1L);
    }

    /**
     * A null in a column whose Spark type is not nullable: parquet-column would write a page of fewer values than
     * rows without a word (a file no reader can read), so the direct writer refuses it.
     */
    @Test
    void aNullInARequiredColumnIsAnErrorNotACorruptFile() {
        for (StructType type : List.of(new StructType().add("id", DataTypes.LongType, false),
                new StructType().add("p", DataTypes.createArrayType(DataTypes.FloatType, false), false))) {
            SparkInternals.ParquetFiles spark = SparkInternals.localParquetFiles(new Configuration(), type, true);
            LineageParquetFiles own = LineageParquetFiles.of(spark, type.size(), new GenericInternalRow(0))
                    .orElseThrow();
            assertThat(own.directRows()).as(type.sql()).isNotNull();
            List<InternalRow> rows = List.of(new GenericInternalRow(new Object[] {null}));
            assertThatThrownBy(() -> write(own, "null-" + type.fields()[0].name(), null, rows)).as(type.sql())
                    .hasStackTraceContaining("Field 0 of a row is null, but its Spark type is not nullable");
        }
    }

    /** The schemas {@link ParquetDirectRows} leaves to Spark's write support, and the legacy format. */
    @Test
    void otherColumnTypesAndTheLegacyFormatAreLeftToSparksWriteSupport() {
        StructType base = new StructType().add("id", DataTypes.LongType)
                .add("p", DataTypes.createArrayType(DataTypes.FloatType, false));
        assertThat(directRows(base, Map.of())).isPresent();
        for (DataType other : List.of(DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType),
                new StructType().add("a", DataTypes.IntegerType), DataTypes.createDecimalType(10, 2),
                DataTypes.DateType, DataTypes.TimestampType, DataTypes.TimestampNTZType,
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)),
                DataTypes.createArrayType(DataTypes.DateType))) {
            assertThat(directRows(base.add("other", other), Map.of())).as(other.sql()).isEmpty();
        }
        assertThat(directRows(base, Map.of("spark.sql.parquet.writeLegacyFormat", "true"))).isEmpty();
        assertThat(directRows(base, Map.of("parquet.validation", "true"))).isEmpty();
    }

    /** The direct writer of {@code type} with the local runner's writer settings and {@code settings}. */
    private static Optional<ParquetDirectRows> directRows(StructType type, Map<String, String> settings) {
        Configuration conf = new Configuration(SparkInternals.localParquetFiles(new Configuration(), type, true)
                .configuration());
        settings.forEach(conf::set);
        ParquetWriteSupport.setSchema(type, conf);
        return ParquetDirectRows.of(type, new ParquetWriteSupport().init(conf).getSchema(), conf);
    }

    /** A row of {@code type}: random values, special floats among them, nulls where nullable (all in a null run). */
    private static InternalRow randomRow(StructType type, SplittableRandom random, boolean nullRun) {
        Object[] values = new Object[type.size()];
        for (int i = 0; i < values.length; i++) {
            StructField field = type.fields()[i];
            boolean isNull = field.nullable() && (nullRun || random.nextInt(10) == 0);
            values[i] = isNull ? null : randomValue(field.dataType(), random);
        }
        return new GenericInternalRow(values);
    }

    private static Object randomValue(DataType type, SplittableRandom random) {
        if (type instanceof ArrayType array) {
            Object[] elements = new Object[random.nextInt(4) == 0 ? 0 : random.nextInt(1, 6)];
            for (int i = 0; i < elements.length; i++) {
                elements[i] = array.containsNull() && random.nextInt(6) == 0 ? null
                        : randomValue(array.elementType(), random);
            }
            return new GenericArrayData(elements);
        }
        if (type instanceof MapType) {
            return new ArrayBasedMapData(new GenericArrayData(new Object[] {UTF8String.fromString("k")}),
                    new GenericArrayData(new Object[] {random.nextInt(3)}));
        }
        float[] specials = {Float.NaN, -0.0f, 0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        boolean special = random.nextInt(8) == 0;
        return switch (type.typeName()) {
            case "boolean" -> random.nextBoolean();
            case "byte" -> (byte) random.nextInt();
            case "short" -> (short) random.nextInt(-300, 300);
            case "integer" -> random.nextInt(100) == 0 ? random.nextInt() : random.nextInt(50);
            case "long" -> random.nextInt(100) == 0 ? random.nextLong() : random.nextInt(50);
            case "float" -> special ? specials[random.nextInt(specials.length)] : (float) random.nextGaussian();
            case "double" -> special ? (double) specials[random.nextInt(specials.length)] : random.nextGaussian();
            case "string" -> UTF8String.fromString(random.nextInt(5) == 0 ? "" : "é" + random.nextInt(300));
            case "binary" -> {
                byte[] bytes = new byte[random.nextInt(9)];
                random.nextBytes(bytes);
                yield bytes;
            }
            default -> throw new IllegalArgumentException(type.sql());
        };
    }

    @Test
    void anAbortedFileLeavesNothingAndIsNeverFinished() throws Exception {
        RunLineage lineage = new RunLineage("v1", "run-1", Optional.of("2026-12-02"), Instant.now());
        Configuration conf = new Configuration();
        conf.setLong("parquet.block.size", 16 * 1024);
        SparkInternals.ParquetFiles spark = SparkInternals.localParquetFiles(conf,
                ParquetRunTableSink.withLineageColumns(ROWS_SCHEMA, lineage, false).asNullable(), true);
        LineageParquetFiles own = LineageParquetFiles.of(spark, ROWS_SCHEMA.size(),
                ParquetRunTableSink.lineageRow(lineage)).orElseThrow();
        Path dir = tmp.resolve("aborted");
        TaskParquetFile file = new TaskParquetFile(dir.toString(), own, "coldpath-test", "rows", 0, 0);
        for (int i = 0; i < ROWS; i++) { // row groups flushed to the file already
            file.write(row(i));
        }
        file.abort();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.filter(p -> !p.getFileName().toString().endsWith(".crc"))).isEmpty();
        }

        Path unfinished = tmp.resolve("unfinished.parquet");
        OutputWriter writer = own.open(unfinished.toString(), new TaskAttemptContextImpl(own.configuration(),
                new TaskAttemptID()));
        for (int i = 0; i < ROWS; i++) {
            writer.write(row(i));
        }
        ((LineageParquetWriter) writer).abandon();
        byte[] bytes = Files.readAllBytes(unfinished);
        assertThat(bytes.length).isGreaterThan(4 * 1024); // its row groups, but no footer
        assertThat(new String(bytes, bytes.length - 4, 4, StandardCharsets.US_ASCII))
                .isNotEqualTo("PAR1");
    }

    /** Settings under which parquet-hadoop would write the lineage otherwise leave the files to Spark's writer. */
    @ParameterizedTest
    @ValueSource(strings = {"parquet.writer.version=v2",
        "parquet.enable.dictionary=false", "parquet.enable.dictionary#run_id=false",
        "parquet.bloom.filter.enabled#model_version=true"})
    void settingsItDoesNotWriteLeaveTheFilesToSparksWriter(String setting) {
        RunLineage lineage = new RunLineage("v1", "run-1", Optional.empty(), Instant.now());
        Configuration conf = new Configuration();
        conf.set(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        StructType schema = ParquetRunTableSink.withLineageColumns(ROWS_SCHEMA, lineage, false).asNullable();
        InternalRow constants = ParquetRunTableSink.lineageRow(lineage);
        assertThat(LineageParquetFiles.of(SparkInternals.localParquetFiles(conf, schema, true), ROWS_SCHEMA.size(),
                constants)).isEmpty();
        assertThat(LineageParquetFiles.of(SparkInternals.localParquetFiles(new Configuration(), schema, true),
                ROWS_SCHEMA.size(), constants)).isPresent();
    }

    /** The writer's settings are those of the writer Spark opens on the same configuration. */
    @Test
    void settingsAreSparksWritersSettings() throws Exception {
        Configuration conf = new Configuration();
        conf.setInt("parquet.page.size", 64 * 1024);
        conf.setInt("parquet.dictionary.page.size", 512 * 1024);
        conf.setInt("parquet.page.row.count.limit", 1234);
        conf.setInt("parquet.columnindex.truncate.length", 32);
        conf.setInt("parquet.statistics.truncate.length", 100);
        conf.setBoolean("parquet.page.write-checksum.enabled", false);
        conf.setBoolean("parquet.bloom.filter.enabled#id", true);
        conf.setBoolean("parquet.column.statistics.enabled#label", false);
        SparkInternals.ParquetFiles spark = SparkInternals.localParquetFiles(conf, ROWS_SCHEMA.asNullable(), true);
        Path path = tmp.resolve("settings.parquet");
        OutputWriter writer = spark.open(path.toString(), new TaskAttemptContextImpl(spark.configuration(),
                new TaskAttemptID()));
        try {
            Object internal = SparkInternals.field(SparkInternals.field(writer, "recordWriter"), "internalWriter");
            ParquetWriterSettings own = ParquetWriterSettings.of(spark.configuration());
            assertThat(own.properties().toString()).isEqualTo(SparkInternals.field(internal, "props").toString());
            assertThat(own.blockSize()).isEqualTo(SparkInternals.field(internal, "rowGroupSizeThreshold"));
            MessageType schema = (MessageType) SparkInternals.field(internal, "schema");
            assertThat(own.properties().getStatisticsEnabled(schema.getColumns().get(1))).isFalse();
            assertThat(own.properties().isBloomFilterEnabled(schema.getColumns().get(0))).isTrue();
        } finally {
            writer.close();
        }
    }

    private Path write(PartFiles files, String name, InternalRow constants) {
        List<InternalRow> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(row(i));
        }
        return write(files, name, constants, rows);
    }

    private Path write(PartFiles files, String name, InternalRow constants, List<InternalRow> rows) {
        Path dir = tmp.resolve(name);
        TaskParquetFile file = new TaskParquetFile(dir.toString(), files, "coldpath-test", "rows", 0, 0);
        JoinedRow joined = new JoinedRow();
        for (InternalRow row : rows) {
            file.write(constants == null ? row : joined.apply(row, constants));
        }
        file.commit();
        return dir.resolve("part-00000.parquet");
    }

    private static InternalRow row(int i) {
        float p = (i % 97) / 97f;
        return new GenericInternalRow(new Object[] {(long) i, i % 5 == 0 ? null : UTF8String.fromString("l" + i % 7),
            new GenericArrayData(new Object[] {p, 1 - p})});
    }

    private static ParquetMetadata footer(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getFooter();
        }
    }

    /** A column's statistics over the whole file: min, max and null count, as a reader merging row groups sees. */
    private static String fileStatistics(ParquetMetadata footer, String column) {
        Statistics<?> merged = null;
        long values = 0;
        for (BlockMetaData block : footer.getBlocks()) {
            ColumnChunkMetaData chunk = chunk(block, column);
            values += chunk.getValueCount();
            if (merged == null) {
                merged = chunk.getStatistics().copy();
            } else {
                merged.mergeStatistics(chunk.getStatistics());
            }
        }
        return merged + " values " + values + " non-null " + merged.hasNonNullValue();
    }

    /** Each row group's chunk of a lineage column: min = max = the value (or all nulls), and its two indexes. */
    private static void assertLineageChunks(Path file, ParquetMetadata footer, String column, boolean nulls)
            throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            for (BlockMetaData block : footer.getBlocks()) {
                ColumnChunkMetaData chunk = chunk(block, column);
                Statistics<?> stats = chunk.getStatistics();
                assertThat(stats.getNumNulls()).as(column).isEqualTo(nulls ? block.getRowCount() : 0);
                assertThat(stats.hasNonNullValue()).isEqualTo(!nulls);
                if (!nulls) {
                    assertThat(stats.genericGetMin()).isEqualTo(stats.genericGetMax());
                }
                OffsetIndex pages = reader.readOffsetIndex(chunk);
                ColumnIndex index = reader.readColumnIndex(chunk);
                assertThat(pages.getPageCount()).isEqualTo((int) ((block.getRowCount() + 699) / 700));
                assertThat(index.getNullCounts()).hasSize(pages.getPageCount());
                assertThat(index.getNullPages()).containsOnly(nulls);
            }
        }
    }

    private static ColumnChunkMetaData chunk(BlockMetaData block, String column) {
        return block.getColumns().stream().filter(c -> c.getPath().toDotString().equals(column)).findFirst()
                .orElseThrow();
    }

    private static List<String> duckDb(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(r.getString(i)).append('|');
                }
                rows.add(row.toString());
            }
            return rows;
        }
    }
}
