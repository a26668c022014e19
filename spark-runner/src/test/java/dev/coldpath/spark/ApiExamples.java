package dev.coldpath.spark;

import java.io.IOException;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The Java examples of docs/api.md, compiled with the tests; ColdpathApiTest checks that the page shows them. */
final class ApiExamples {
    private ApiExamples() {
    }

    // example: score
    static Dataset<Row> scoreWine(SparkSession spark, String wineParquet, String wineModel) {
        Dataset<Row> wine = spark.read().parquet(wineParquet);
        Dataset<Row> predictions = Coldpath.score(wine, ScoringOptions.model(wineModel)
                .features("features")
                .keepColumns("id"));
        return predictions.filter("label = 'class_0'");
    }
    // end

    // example: counts
    static long scoreAndCount(Dataset<Row> wine, String wineModel) {
        Coldpath.Scored scored = Coldpath.scored(wine, ScoringOptions.model(wineModel)
                .keepColumns("id")
                .set("bad-rows.policy", "skip"));
        Dataset<Row> rows = scored.rows().cache();
        long written = rows.count();
        System.out.println(scored.counts()); // ScoringCounts[rowsScored=..., rowsRejected=..., ...]
        return written;
    }
    // end

    // example: transformer
    static Dataset<Row> pipeline(Dataset<Row> patients, String[] measurements, String savedPipeline)
            throws IOException {
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new VectorAssembler().setInputCols(measurements).setOutputCol("measurements"),
                new ColdpathModel()
                        .setModel("cancer@1.0.0")
                        .setRegistry("s3a://ml/registry")
                        .setFeaturesCols("measurements")
                        .setOutputPrefix("pred_")
                        .setBadRows("skip")});
        pipeline.fit(patients).write().overwrite().save(savedPipeline); // the reference cancer@1.0.0, not the model
        return PipelineModel.load(savedPipeline).transform(patients);
    }
    // end

    // example: sql
    static Dataset<Row> predictInSql(SparkSession spark, String registry) {
        Coldpath.registerFunctions(spark, Map.of("registry", registry));
        spark.read().parquet("s3a://lake/wine").createOrReplaceTempView("wine");
        return spark.sql("SELECT id, coldpath_predict('wine@1.0.0', features).label AS cultivar FROM wine");
    }
    // end
}
