package dev.coldpath.spark;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * What writing the local runner's output costs per row, by column: the MLP benchmark's rows ({@code id}, an
 * {@code array<float>} of 2, then the run table's four lineage columns) written through Spark's Parquet writer
 * ({@link SparkInternals#localParquetFiles}, Spark's {@code ParquetWriteSupport}) and, in the "constant" variants,
 * through the local runner's ({@link LineageParquetFiles}: the lineage once per row group, the rows' own columns
 * by {@link ParquetDirectRows}), on one thread, with and without the lineage columns and the array
 * (docs/performance.md, "Where the local runner's CPU goes" and "The rows' own columns written straight into the
 * column writers"). Prints CPU nanoseconds per row of each variant, three rounds alternating.
 *
 * <pre>java $SPARK_OPTS @target/bench/java-classpath.args dev.coldpath.spark.LocalWriterBench [ROWS]</pre>
 */
public final class LocalWriterBench {
    private LocalWriterBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("coldpath-writer-bench");
        String[][] variants = {{"all columns", "lineage", "array"}, {"all, constant lineage", "constant", "array"},
            {"no lineage", "array"}, {"scalar, lineage", "lineage"}, {"scalar, constant", "constant"},
            {"scalar, no lineage"}};
        for (int round = 0; round < 3; round++) {
            for (String[] v : variants) {
                boolean constant = List.of(v).contains("constant");
                boolean lineage = constant || List.of(v).contains("lineage");
                boolean array = List.of(v).contains("array");
                long nanos = write(dir.resolve(round + "-" + v[0].replace(' ', '_').replace(",", "")), rows, lineage,
                        constant, array);
                System.out.printf(Locale.ROOT, "round %d  %-20s %,d rows  %6.0f ns/row (cpu)%n", round + 1, v[0],
                        rows, (double) nanos / rows);
            }
        }
    }

    /** @param constant the lineage columns written once per row group ({@link LineageParquetFiles}), not per row */
    private static long write(Path dir, int rows, boolean lineage, boolean constant, boolean array) {
        StructType schema = new StructType().add("id", DataTypes.LongType);
        schema = array ? schema.add("probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                : schema.add("probability", DataTypes.FloatType, false);
        int predictions = schema.size();
        if (lineage) {
            schema = schema.add("model_version", DataTypes.StringType).add("run_id", DataTypes.StringType)
                    .add("period", DataTypes.DateType).add("scored_at", DataTypes.TimestampType);
        }
        Configuration conf = new Configuration();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("parquet."))
                .forEach(k -> conf.set(k, System.getProperty(k))); // -Dparquet.… settings of the writer to compare
        SparkInternals.ParquetFiles files = SparkInternals.localParquetFiles(conf, schema.asNullable(), true);
        GenericInternalRow row = new GenericInternalRow(schema.size());
        if (lineage) { // as a run table's: a model version, a run id, no period, the time scored
            row.update(predictions, UTF8String.fromString("sha256:8bb0ef29e42a" + "0".repeat(52)));
            row.update(predictions + 1, UTF8String.fromString("20261202T030919.248Z-337d5fb6"));
            row.setNullAt(predictions + 2);
            row.setLong(predictions + 3, 1_764_000_000_000_000L);
        }
        PartFiles parts = files;
        if (constant) {
            parts = LineageParquetFiles.of(files, predictions, new GenericInternalRow(Arrays.copyOfRange(row.values(),
                    predictions, schema.size()))).orElseThrow();
            schema = new StructType(Arrays.copyOf(schema.fields(), predictions));
            row = new GenericInternalRow(predictions);
        }
        TaskParquetFile file = new TaskParquetFile(dir.toString(), parts, "coldpath-bench", "rows", 0, 0);
        UnsafeProjection projection = UnsafeProjection.create(schema);
        SplittableRandom random = new SplittableRandom(5);
        long start = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        for (int i = 0; i < rows; i++) {
            row.setLong(0, i);
            float p = (float) random.nextDouble();
            if (array) {
                row.update(1, new GenericArrayData(new Object[] {p, 1 - p}));
            } else {
                row.setFloat(1, p);
            }
            file.write(projection.apply(row));
        }
        file.commit();
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - start;
    }
}
