package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.testing.Plans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColumnarInputTest {
    private final SparkSession spark = LocalSpark.get();

    @Test
    void aPlainParquetScanIsReadFromItsColumnarBatchesWithEveryRowOfTheFile() throws Exception {
        for (String name : List.of("wine", "breast_cancer")) {
            Dataset<Row> scan = spark.read().parquet(SampleData.data(name).toString());
            long rows = ColumnarInput.batches(scan, 64).orElseThrow().toJavaRDD().map(ColumnarBatch::numRows)
                    .collect().stream().mapToLong(Integer::longValue).sum();

            assertThat(rows).as("%s rows in columnar batches", name)
                    .isEqualTo((long) duckdbFloats("SELECT count(*) FROM read_parquet('" + SampleData.data(name)
                            + "')")[0]);
        }
    }

    @Test
    void anyOtherPlanFallsBackToSparksRows() {
        Dataset<Row> filtered = spark.read().parquet(SampleData.data("wine").toString()).where("id > 3");
        assertThat(ColumnarInput.columnarScan(filtered)).isNull();
    }

    /** RunnerChoice's rule for the local runner is Spark's own: batches exactly when it says so. */
    @Test
    void sparkGivesColumnarBatchesExactlyWhenReadsColumnarSaysSo(@TempDir Path tmp) throws Exception {
        SQLConf conf = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().conf();
        for (Path input : List.of(SampleData.data("wine"), RunnerChoiceTest.wideWine(tmp))) {
            Dataset<Row> scan = spark.read().parquet(input.toString());
            String file = Files.isDirectory(input) ? input.resolve("part-0.parquet").toString() : input.toString();
            boolean columnar = ColumnarInput.readsColumnar(conf, LocalParquetInput.schema(
                    spark.sparkContext().hadoopConfiguration(), file));

            assertThat(ColumnarInput.batches(scan, 64).isPresent()).as("batches of %s", input).isEqualTo(columnar)
                    .isEqualTo(input.equals(SampleData.data("wine")));
        }
    }

    @Test
    void chunksOfColumnarBatchesHoldTheSameRowsAsSparksRows() {
        Dataset<Row> wine = spark.read().parquet(SampleData.data("wine").toString());
        List<String> columnar = ColumnarInput.batches(wine, 64).orElseThrow().toJavaRDD()
                .mapPartitions(ColumnarInputTest::describeRows).collect();
        List<String> rows = wine.toJavaRDD().map(r -> r.getLong(0) + ":" + r.getList(1).get(12) + ":" + r.getInt(2))
                .collect();
        assertThat(columnar).hasSize(178).isEqualTo(rows);
    }

    @Test
    void readerBatchesAreMadeAsLargeAsTheScoringBatchesAndTheSessionKeepsItsSetting() {
        Dataset<Row> cancer = spark.read().parquet(SampleData.data("breast_cancer").toString()).repartition(1);
        Dataset<Row> plain = spark.read().parquet(SampleData.data("breast_cancer").toString());
        spark.conf().set(ColumnarInput.READER_BATCH_ROWS, "100");
        try {
            List<Integer> sizes = ColumnarInput.batches(plain, 250).orElseThrow().toJavaRDD()
                    .map(ColumnarBatch::numRows).collect();

            assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(569);
            assertThat(sizes.subList(0, sizes.size() - 1)).isNotEmpty().allMatch(n -> n == 250);
            assertThat(spark.conf().get(ColumnarInput.READER_BATCH_ROWS)).isEqualTo("100");
            assertThat(ColumnarInput.batches(cancer, 250)).as("not a plain scan").isEmpty();
        } finally {
            spark.conf().unset(ColumnarInput.READER_BATCH_ROWS);
        }
    }

    @Test
    void wineFeatureArraysFillTheTensorFromTheColumnarBatchExactlyAsRowByRow() throws Exception {
        Dataset<Row> wine = spark.read().parquet(SampleData.data("wine").toString());
        byte[] model = Files.readAllBytes(SampleData.model("wine_mlp"));
        ScoringPlan plan = Plans.request(model,
                SparkTypes.toRowSchema(wine.schema())).batchSize(64).plan();

        List<String> outcomes = ColumnarInput.batches(wine, 64).orElseThrow().toJavaRDD()
                .mapPartitions(batches -> compareFills(plan, 3, batches)).collect();
        List<Float> columnar = ColumnarInput.batches(wine, 64).orElseThrow().toJavaRDD()
                .mapPartitions(batches -> columnarFill(plan, batches)).collect();
        // DuckDB, a Parquet reader independent of Spark and parquet-mr, in the file's row order.
        float[] expected = duckdbFloats("SELECT f FROM (SELECT file_row_number AS r, unnest(features) AS f,"
                + " generate_subscripts(features, 1) AS i FROM read_parquet('" + SampleData.data("wine")
                + "', file_row_number = true)) ORDER BY r, i");

        assertThat(outcomes).isNotEmpty().containsOnly("columnar, same tensor");
        assertThat(expected).hasSize(178 * 13);
        assertThat(columnar).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(columnar.get(i)).as("value %d (row %d, feature %d)", i, i / 13, i % 13).isEqualTo(expected[i]);
        }
    }

    /** The tensor values that the columnar fill gives for each 64-row range, in row order. */
    private static Iterator<Float> columnarFill(dev.coldpath.core.plan.ScoringPlan plan,
                                                Iterator<ColumnarBatch> batches) throws Exception {
        List<Float> out = new ArrayList<>();
        ai.onnxruntime.OrtEnvironment env = dev.coldpath.core.model.OnnxModel.environment();
        Iterator<InputChunk> chunks = InputChunk.ofBatches(batches);
        while (chunks.hasNext()) {
            InputChunk chunk = chunks.next();
            for (int from = 0; from < chunk.rows(); from += 64) {
                int to = Math.min(chunk.rows(), from + 64);
                dev.coldpath.core.batch.TensorBatch columnar = plan.newBatch();
                assertThat(columnar.appendColumns(chunk.columns(), from, to)).as("columnar fill taken").isTrue();
                try (var tensor = columnar.tensors(env).values().iterator().next()) {
                    java.nio.FloatBuffer values = tensor.getFloatBuffer();
                    while (values.hasRemaining()) {
                        out.add(values.get());
                    }
                }
            }
        }
        return out.iterator();
    }

    /** The first column of every row of a DuckDB query, as floats. */
    private static float[] duckdbFloats(String sql) throws Exception {
        List<Float> values = new ArrayList<>();
        try (java.sql.Connection duckdb = java.sql.DriverManager.getConnection("jdbc:duckdb:");
             java.sql.Statement statement = duckdb.createStatement();
             java.sql.ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getFloat(1));
            }
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** Fills each 64-row range both ways and says whether the columnar fill ran and gave the same values. */
    private static Iterator<String> compareFills(ScoringPlan plan, int width,
                                                 Iterator<ColumnarBatch> batches) throws Exception {
        List<String> out = new ArrayList<>();
        ai.onnxruntime.OrtEnvironment env = OnnxModel.environment();
        Iterator<InputChunk> chunks = InputChunk.ofBatches(batches);
        SparkValues values = new SparkValues();
        while (chunks.hasNext()) {
            InputChunk chunk = chunks.next();
            for (int from = 0; from < chunk.rows(); from += 64) {
                int to = Math.min(chunk.rows(), from + 64);
                TensorBatch columnar = plan.newBatch();
                TensorBatch rows = plan.newBatch();
                boolean tookColumns = columnar.appendColumns(chunk.columns(), from, to);
                for (int r = from; r < to; r++) {
                    rows.append(values.wrap(chunk.row(r), width));
                }
                try (var a = columnar.tensors(env).values().iterator().next();
                     var b = rows.tensors(env).values().iterator().next()) {
                    boolean same = Arrays.equals(a.getFloatBuffer().array(), b.getFloatBuffer().array());
                    out.add((tookColumns ? "columnar" : "rows") + ", " + (same ? "same tensor" : "different tensor"));
                }
            }
        }
        return out.iterator();
    }

    private static Iterator<String> describeRows(Iterator<ColumnarBatch> batches) {
        List<String> out = new ArrayList<>();
        Iterator<InputChunk> chunks = InputChunk.ofBatches(batches);
        while (chunks.hasNext()) {
            InputChunk chunk = chunks.next();
            for (int r = 0; r < chunk.rows(); r++) {
                InternalRow row = chunk.row(r);
                out.add(row.getLong(0) + ":" + row.getArray(1).getFloat(12) + ":" + row.getInt(2));
            }
        }
        return out.iterator();
    }
}
