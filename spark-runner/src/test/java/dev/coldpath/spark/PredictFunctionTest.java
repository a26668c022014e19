package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.registry.ModelLineage;
import dev.coldpath.core.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/** The SQL function coldpath_predict: ONNX Runtime's values, one session per executor JVM, clear errors. */
class PredictFunctionTest {
    @TempDir
    static Path tmp;
    private static String registry;

    private static final SparkSession spark = LocalSpark.get();

    @BeforeAll
    static void registerAndView() {
        registry = tmp.resolve("registry").toString();
        Path wine = SampleData.model("wine_mlp");
        new ModelRegistry(new HadoopFileStore(new Configuration()), registry).register("wine", "1.0.0",
                wine.toString(), LocalModel.of(wine), ModelLineage.none());
        Coldpath.registerFunctions(spark, Map.of("registry", registry));
        spark.read().parquet(SampleData.data("wine").toString()).repartition(3).createOrReplaceTempView("wine");
        spark.read().parquet(SampleData.data("breast_cancer").toString()).createOrReplaceTempView("cancer");
    }

    @BeforeEach
    void resetSessions() {
        LocalSpark.resetSessionsWhenIdle();
    }

    @Test
    void anArrayOfFeaturesGivesTheStructOfPredictionsOfOnnxRuntimeWithOneSessionPerExecutorJvm() throws Exception {
        List<Row> rows = spark.sql("SELECT id, p.label, p.probabilities FROM (SELECT id,"
                + " coldpath_predict('wine@1.0.0', features) AS p FROM wine)").collectAsList();

        assertThat(spark.sql("SELECT coldpath_predict('wine@1.0.0', features) AS p FROM wine").schema().apply("p")
                .dataType().simpleString()).isEqualTo("struct<probabilities:map<string,float>,label:string>");
        Map<Long, Map<String, Object>> expected = DirectOnnx.score(SampleData.model("wine_mlp"), "features",
                DirectOnnx.readFeatures(SampleData.data("wine"), DirectOnnx.WINE_SQL));
        List<String> cultivars = List.of("class_0", "class_1", "class_2");
        assertThat(rows).hasSize(178);
        for (Row row : rows) {
            Map<String, Object> want = expected.get(row.getLong(0));
            assertThat(row.getString(1)).isEqualTo(cultivars.get((int) (long) (Long) want.get("label")));
            Map<Object, Object> got = CollectionConverters.asJava(row.<Object, Object>getMap(2));
            float[] probabilities = (float[]) want.get("probabilities");
            for (int c = 0; c < cultivars.size(); c++) {
                assertThat((Float) got.get(cultivars.get(c))).as("id " + row.getLong(0))
                        .isCloseTo(probabilities[c], within(1e-6f));
            }
        }
        assertThat(ExecutorSessions.cache().sessionsCreated()).as("one session per executor JVM").isEqualTo(1);
        assertThat(spark.sql("DESCRIBE FUNCTION coldpath_predict").collectAsList().toString())
                .contains("coldpath_predict('<model>', features...)");
    }

    @Test
    void theFunctionColdpathScoreAndTheTransformerShareOneSessionOfTheModelInTheJvm() {
        // one partition: Coldpath.score gives its task the idle slot's thread too, and the function must as well
        Dataset<Row> wine = spark.table("wine").select("id", "features").coalesce(1);

        long called = wine.selectExpr("coldpath_predict('wine@1.0.0', features).label AS label")
                .filter("label IS NOT NULL").count();
        long scored = Coldpath.score(wine, ScoringOptions.model("wine@1.0.0").registry(registry)).count();
        long transformed = new ColdpathModel().setModel("wine@1.0.0").setRegistry(registry).transform(wine).count();

        assertThat(List.of(called, scored, transformed)).containsOnly(178L);
        assertThat(ExecutorSessions.cache().sessionsCreated()).as("one session per executor JVM").isEqualTo(1);
    }

    @Test
    void aLiteralRowEvaluatedOnTheDriverWithoutATaskScoresToo() throws Exception {
        Map<Long, float[]> features = DirectOnnx.readFeatures(SampleData.data("wine"), DirectOnnx.WINE_SQL);
        StringBuilder array = new StringBuilder("array(");
        for (float f : features.get(100L)) {
            array.append(array.length() > 6 ? ", " : "").append("CAST(").append(f).append(" AS FLOAT)");
        }

        Dataset<Row> query = spark.sql("SELECT coldpath_predict('wine@1.0.0', features).label FROM VALUES (" + array
                + ")) AS t(features)");
        Row row = query.first();

        assertThat(query.queryExecution().optimizedPlan().toString()).as("evaluated by the optimizer, on the driver")
                .startsWith("LocalRelation");
        long label = (Long) DirectOnnx.score(SampleData.model("wine_mlp"), "features", Map.of(100L,
                features.get(100L))).get(100L).get("label");
        assertThat(row.getString(0)).isEqualTo("class_" + label);
    }

    @Test
    void numericColumnsFeedTheModelsOnlyInputInOrder() throws Exception {
        Path model = SampleData.model("breast_cancer_logreg");
        List<Row> rows = spark.sql("SELECT id, coldpath_predict('" + model + "', "
                + String.join(", ", SampleData.BREAST_CANCER_FEATURES) + ").probability FROM cancer").collectAsList();

        Map<Long, Map<String, Object>> expected = DirectOnnx.score(model, "input",
                DirectOnnx.readFeatures(SampleData.data("breast_cancer"), DirectOnnx.BREAST_CANCER_SQL));
        assertThat(rows).hasSize(expected.size());
        for (Row row : rows) {
            assertThat(row.getFloat(1)).as("id " + row.getLong(0))
                    .isCloseTo((Float) expected.get(row.getLong(0)).get("probability"), within(1e-6f));
        }
    }

    @Test
    void aStructOfTheModelsInputsByNameScoresAsTheArrayDoesAndANullStructGivesNull() {
        Row counts = spark.sql("SELECT count_if(to_json(coldpath_predict('wine@1.0.0', features))"
                + " = to_json(coldpath_predict('wine@1.0.0', named_struct('features', features)))),"
                + " count_if(coldpath_predict('wine@1.0.0', IF(id = 3, NULL, named_struct('features', features)))"
                + " IS NULL) FROM wine").first();

        assertThat(counts.getLong(0)).as("rows whose predictions are the same both ways").isEqualTo(178);
        assertThat(counts.getLong(1)).as("null structs").isEqualTo(1);
    }

    @Test
    void badCallsFailWhenTheQueryIsAnalysedABadRowFailsItNamingWhyAndKeysEveryCallSetsAreRefused() {
        assertThatThrownBy(() -> spark.sql("SELECT coldpath_predict(CAST(id AS STRING), features) FROM wine"))
                .isInstanceOf(JobSpecException.class).hasMessageStartingWith("Invalid coldpath_predict call");
        assertThatThrownBy(() -> spark.sql("SELECT coldpath_predict('wine@1.0.0', CAST(id AS STRING)) FROM wine"))
                .isInstanceOf(JobSpecException.class).hasMessageContaining("argument 2: string");
        assertThatThrownBy(() -> spark.sql("SELECT coldpath_predict('wine@9.9.9', features) FROM wine"))
                .hasMessageContaining("wine@9.9.9");
        assertThatThrownBy(() -> spark.sql("SELECT coldpath_predict('wine@1.0.0', IF(id = 5, NULL, features))"
                + " FROM wine").collect())
                .hasStackTraceContaining("coldpath_predict('wine@1.0.0', ...) cannot score a row");
        assertThatThrownBy(() -> Coldpath.registerFunctions(spark, Map.of("bad-rows.policy", "skip")))
                .isInstanceOf(JobSpecException.class).hasMessageStartingWith("Invalid registerFunctions key"
                        + " bad-rows.policy: coldpath_predict fails the query on a row it cannot score");
        assertThatThrownBy(() -> Coldpath.registerFunctions(spark, Map.of("inference.batch-size", 64)))
                .isInstanceOf(JobSpecException.class).hasMessageContaining("use Coldpath.score");
    }
}
