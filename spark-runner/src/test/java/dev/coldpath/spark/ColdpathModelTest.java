package dev.coldpath.spark;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.registry.ModelLineage;
import dev.coldpath.core.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark ML Transformer: in a Pipeline, saved as its model reference, loaded and scoring as ONNX Runtime does. */
class ColdpathModelTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = LocalSpark.get();

    @BeforeEach
    void resetSessions() {
        LocalSpark.resetSessionsWhenIdle();
    }

    @Test
    void aPipelineWithAVectorAssemblerSavesTheModelReferenceLoadsAndScoresAsOnnxRuntimeWithOneSession()
            throws Exception {
        String registry = tmp.resolve("registry").toString();
        Path model = SampleData.model("breast_cancer_logreg");
        new ModelRegistry(new HadoopFileStore(new Configuration()), registry).register("cancer", "1.0.0",
                model.toString(), LocalModel.of(model), ModelLineage.none());
        Dataset<Row> cancer = spark.read().parquet(SampleData.data("breast_cancer").toString()).repartition(3);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new VectorAssembler().setInputCols(SampleData.BREAST_CANCER_FEATURES).setOutputCol("vector"),
                new ColdpathModel().setModel("cancer@1.0.0").setRegistry(registry).setFeaturesCols("vector")
                        .setOutputPrefix("pred_").setBatchSize(40)});
        Path saved = tmp.resolve("pipeline");

        pipeline.fit(cancer).save(saved.toString());
        Dataset<Row> scored = PipelineModel.load(saved.toString()).transform(cancer);

        try (Stream<Path> files = Files.walk(saved)) {
            List<Path> all = files.filter(Files::isRegularFile).toList();
            assertThat(all).as("the model's bytes are not saved").noneMatch(p -> p.toString().endsWith(".onnx"))
                    .allMatch(p -> p.toFile().length() < 4096);
            assertThat(all.stream().map(p -> read(p)).filter(s -> s.contains("ColdpathModel")).findFirst())
                    .hasValueSatisfying(metadata -> assertThat(metadata).contains("\"model\":\"cancer@1.0.0\"",
                            "\"featuresCols\":[\"vector\"]", "\"batchSize\":40"));
        }
        assertThat(scored.columns()).startsWith(cancer.columns()).endsWith("vector", "pred_probability");
        Map<Long, Map<String, Object>> expected = DirectOnnx.score(model, "input",
                DirectOnnx.readFeatures(SampleData.data("breast_cancer"), DirectOnnx.BREAST_CANCER_SQL));
        List<Row> rows = scored.select("id", "pred_probability").collectAsList();
        assertThat(rows).hasSize(expected.size());
        for (Row row : rows) {
            assertThat(row.getFloat(1)).as("id " + row.getLong(0))
                    .isCloseTo((Float) expected.get(row.getLong(0)).get("probability"), within(1e-6f));
        }
        assertThat(ExecutorSessions.cache().sessionsCreated()).as("one session per executor JVM").isEqualTo(1);
    }

    @Test
    void aFloatArrayColumnScoresByDefaultAVectorAsANamedInputSkipLeavesOutBadRowsAndParamKeysAreRefused() {
        Dataset<Row> wine = spark.read().parquet(SampleData.data("wine").toString()).filter("id < 20")
                .selectExpr("id", "IF(id = 7, NULL, features) AS features");
        ColdpathModel transformer = new ColdpathModel().setModel(SampleData.model("wine_mlp").toString())
                .setBadRows("skip");

        Dataset<Row> scored = transformer.transform(wine).withColumnRenamed("label", "s_label").drop("probabilities");

        assertThat(transformer.transformSchema(wine.schema()).fieldNames())
                .containsExactly("id", "features", "probabilities", "label");
        assertThat(transformer.transform(wine).columns()).containsExactly("id", "features", "probabilities", "label");
        assertThat(scored.count()).isEqualTo(19);
        Dataset<Row> vectors = wine.filter("id != 7").select(col("id"), array_to_vector(col("features")).as("v"));
        Row byInput = new ColdpathModel().setModel(SampleData.model("wine_mlp").toString())
                .setInputCols("features", "v").transform(vectors).join(scored, "id")
                .selectExpr("count_if(label = s_label)", "count(*)")
                .first();
        assertThat(byInput.getLong(0)).as("the same labels from a vector given as input 'features'").isEqualTo(19)
                .isEqualTo(byInput.getLong(1));
        assertThatThrownBy(() -> new ColdpathModel().transform(wine)).isInstanceOf(JobSpecException.class)
                .hasMessageContaining("has no model");
        assertThatThrownBy(() -> new ColdpathModel().setBadRows("quarantine"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ColdpathModel().setOption("bad-rows.policy", "skip"))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("Invalid ColdpathModel option bad-rows.policy: set it with setBadRows");
        assertThatThrownBy(() -> new ColdpathModel().setOption("output.keep-columns", "id"))
                .isInstanceOf(JobSpecException.class).hasMessageContaining("transform keeps every input column");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
