package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: the SQL function coldpath_predict (a row per ONNX Runtime call) against Coldpath.score (batches) on the
 * same cached rows: the wine sample 200 times (35,600 rows, 2 partitions), each written to Spark's noop sink, best of
 * three rounds after a warm-up. Not run by default (not a *Test):
 * {@code mvn -B -o -q -pl job-core,connectors,spark-runner verify -Dtest=PredictFunctionBench
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs} prints one line.
 */
class PredictFunctionBench {
    @Test
    void theFunctionScoresRowByRowAndScoreInBatches() {
        SparkSession spark = LocalSpark.get();
        String model = SampleData.model("wine_mlp").toString();
        Dataset<Row> wine = spark.read().parquet(SampleData.data("wine").toString())
                .crossJoin(spark.range(200).withColumnRenamed("id", "copy"))
                .selectExpr("copy * 1000 + id AS id", "features").repartition(2).cache();
        long rows = wine.count();
        wine.createOrReplaceTempView("bench_wine");
        Coldpath.registerFunctions(spark);

        long function = Long.MAX_VALUE;
        long batched = Long.MAX_VALUE;
        for (int round = 0; round < 4; round++) {
            long start = System.nanoTime();
            spark.sql("SELECT id, coldpath_predict('" + model + "', features) AS p FROM bench_wine").write()
                    .format("noop").mode("overwrite").save();
            long f = System.nanoTime() - start;
            start = System.nanoTime();
            Coldpath.score(wine, ScoringOptions.model(model).keepColumns("id")).write().format("noop")
                    .mode("overwrite").save();
            long b = System.nanoTime() - start;
            if (round > 0) {
                function = Math.min(function, f);
                batched = Math.min(batched, b);
            }
        }
        System.out.printf("PREDICT rows=%d function_ms=%d score_ms=%d function_over_score=%.2f%n", rows,
                function / 1_000_000, batched / 1_000_000, (double) function / batched);
        assertThat(rows).isEqualTo(178 * 200);
    }
}
