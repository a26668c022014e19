package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ColumnarInputTest {
    private final SparkSession spark = LocalSpark.get();

    @Test
    void aPlainParquetScanIsReadFromItsColumnarBatches() {
        assertThat(ColumnarInput.columnarScan(spark.read().parquet(SampleData.data("wine").toString()))).isNotNull();
        assertThat(ColumnarInput.columnarScan(spark.read().parquet(SampleData.data("breast_cancer").toString())))
                .isNotNull();
    }

    @Test
    void anyOtherPlanFallsBackToSparksRows() {
        Dataset<Row> filtered = spark.read().parquet(SampleData.data("wine").toString()).where("id > 3");
        assertThat(ColumnarInput.columnarScan(filtered)).isNull();
    }

    @Test
    void columnarRowsHoldTheSameValuesAsSparksRows() {
        Dataset<Row> wine = spark.read().parquet(SampleData.data("wine").toString());
        List<String> columnar = ColumnarInput.rows(wine).toJavaRDD()
                .map(r -> r.getLong(0) + ":" + r.getArray(1).getFloat(12) + ":" + r.getInt(2)).collect();
        List<String> rows = wine.toJavaRDD().map(r -> r.getLong(0) + ":" + r.getList(1).get(12) + ":" + r.getInt(2))
                .collect();
        assertThat(columnar).hasSize(178).isEqualTo(rows);
    }
}
