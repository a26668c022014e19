package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import scala.jdk.javaapi.CollectionConverters;

/**
 * output.labels on the sample models that name their classes (metadata {@code classes}: wine_mlp
 * class_0..class_2, breast_cancer_trees malignant/benign) and on a model named by a {@code config.json} beside it:
 * scored through Spark over eight files, each row equals ONNX Runtime's own output for it mapped through the names.
 */
class ClassNamesTest {
    private static final List<String> WINE = List.of("class_0", "class_1", "class_2");
    private static final List<String> BREAST_CANCER = List.of("malignant", "benign");

    @TempDir
    Path tmp;
    /** The sample inputs split into files, made once for the class: the tests read them and never change them. */
    @TempDir
    static Path inputs;
    private static final Map<String, Path> SPLITS = new HashMap<>();

    private final SparkSession spark = LocalSpark.get();

    @BeforeEach
    void resetSessions() {
        LocalSpark.resetSessionsWhenIdle();
    }

    static Stream<Arguments> namedModels() {
        return Stream.of(
                Arguments.of("wine_mlp", "wine", "features", DirectOnnx.WINE_SQL, Map.of(), WINE),
                Arguments.of("breast_cancer_trees", "breast_cancer", "input", DirectOnnx.BREAST_CANCER_SQL,
                        Map.of("features", List.of(SampleData.BREAST_CANCER_FEATURES)), BREAST_CANCER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedModels")
    void byDefaultTheLabelIsTheClassNameAndTheProbabilitiesAMapFromNameAsOnnxRuntimeGivesThemThroughTheNames(
            String model, String data, String input, String sql, Map<String, Object> settings, List<String> names)
            throws Exception {
        Path in = splitIntoFiles(SampleData.data(data), 8);

        RunResult result = run(model(model), in, settings);

        StructType schema = spark.read().parquet(result.dataPath()).schema();
        assertThat(schema.apply("label").dataType().simpleString()).isEqualTo("string");
        assertThat(schema.apply("probabilities").dataType().simpleString()).isEqualTo("map<string,float>");
        assertThat(result.manifest().orElseThrow().outputColumns()).extracting(c -> c.name() + " " + c.type())
                .contains("label string", "probabilities map<string,float>");
        Map<Long, Map<String, Object>> expected = DirectOnnx.score(model(model), input,
                DirectOnnx.readFeatures(in.resolve("*.parquet"), sql));
        List<Row> rows = spark.read().parquet(result.dataPath()).collectAsList();
        assertThat(rows).hasSize(expected.size());
        for (Row row : rows) {
            Map<String, Object> want = expected.get(row.<Long>getAs("id"));
            String what = "id " + row.getAs("id");
            assertThat(row.<String>getAs("label")).as(what).isEqualTo(names.get((int) (long) (Long) want.get("label")));
            assertSameScores(row.getAs("probabilities"), byName(want.get("probabilities"), names), what);
        }
    }

    @Test
    void bothWritesTheNamesAndTheIdsBesideThemInColumnId() throws Exception {
        Path in = splitIntoFiles(SampleData.data("wine"), 8);

        RunResult result = run(model("wine_mlp"), in, Map.of("output.labels", "both"));

        StructType schema = spark.read().parquet(result.dataPath()).schema();
        assertThat(schema.fieldNames()).containsSubsequence("probabilities", "probabilities_id", "label", "label_id");
        assertThat(schema.apply("label_id").dataType().simpleString()).isEqualTo("bigint");
        assertThat(schema.apply("probabilities_id").dataType().simpleString()).isEqualTo("array<float>");
        for (Row row : spark.read().parquet(result.dataPath()).collectAsList()) {
            long id = row.<Long>getAs("label_id");
            assertThat(row.<String>getAs("label")).isEqualTo(WINE.get((int) id));
            List<Object> byId = CollectionConverters.asJava(
                    row.<scala.collection.Seq<Object>>getAs("probabilities_id"));
            Map<Object, Object> byName = CollectionConverters.asJava(
                    row.<scala.collection.Map<Object, Object>>getAs("probabilities"));
            for (int c = 0; c < WINE.size(); c++) {
                assertThat(byName.get(WINE.get(c))).isEqualTo(byId.get(c));
            }
        }
    }

    @Test
    void idsWritesTheOutputsAsTheModelGivesThem() throws Exception {
        RunResult result = run(model("wine_mlp"), SampleData.data("wine"), Map.of("output.labels", "ids"));

        StructType schema = spark.read().parquet(result.dataPath()).schema();
        assertThat(schema.apply("label").dataType().simpleString()).isEqualTo("bigint");
        assertThat(schema.apply("probabilities").dataType().simpleString()).isEqualTo("array<float>");
    }

    @Test
    void aConfigJsonBesideAModelWithoutClassMetadataNamesItsClasses() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model("wine_mlp")));
        Path stripped = dir.resolve("wine.onnx");
        Files.write(stripped, proto.toBuilder().clearMetadataProps().build().toByteArray());
        List<String> cultivars = List.of("barolo", "grignolino", "barbera");
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"Mlp\"], \"id2label\": {\"0\": \"barolo\","
                + " \"1\": \"grignolino\", \"2\": \"barbera\"}, \"label2id\": {}}", StandardCharsets.UTF_8);

        RunResult result = run(stripped, SampleData.data("wine"), Map.of());

        Map<Long, Map<String, Object>> expected = DirectOnnx.score(stripped, "features",
                DirectOnnx.readFeatures(SampleData.data("wine"), DirectOnnx.WINE_SQL));
        List<Row> rows = spark.read().parquet(result.dataPath()).collectAsList();
        assertThat(rows).hasSize(178);
        for (Row row : rows) {
            Map<String, Object> want = expected.get(row.<Long>getAs("id"));
            assertThat(row.<String>getAs("label")).isEqualTo(cultivars.get((int) (long) (Long) want.get("label")));
            assertSameScores(row.getAs("probabilities"), byName(want.get("probabilities"), cultivars),
                    "id " + row.getAs("id"));
        }
    }

    @Test
    void aModelThatNamesNoClassesIsWrittenAsItGivesThem() throws Exception {
        Path stripped = tmp.resolve("wine.onnx");
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model("wine_mlp")));
        Files.write(stripped, proto.toBuilder().clearMetadataProps().build().toByteArray());

        RunResult result = run(stripped, SampleData.data("wine"), Map.of("output.labels", "names"));

        assertThat(spark.read().parquet(result.dataPath()).schema().apply("label").dataType().simpleString())
                .isEqualTo("bigint");
    }

    private RunResult run(Path model, Path input, Map<String, Object> settings) {
        Map<String, Object> job = new LinkedHashMap<>(settings);
        job.put("model", model.toString());
        job.put("input.path", input.toString());
        job.put("output.path", tmp.resolve("out").toString());
        job.put("inference.batch-size", "50");
        return new SparkScoringJob(spark).run(JobSpec.from(JobConfig.of(job, "test")));
    }

    private Path splitIntoFiles(Path parquet, int files) {
        return SPLITS.computeIfAbsent(parquet.getFileName() + "-" + files, name -> {
            Path out = inputs.resolve(name);
            spark.read().parquet(parquet.toString()).repartition(files).write().parquet(out.toString());
            return out;
        });
    }

    private static Path model(String name) {
        return SampleData.model(name);
    }

    /** ONNX Runtime's scores (an array by class id, or a ZipMap by id) keyed by class name. */
    private static Map<String, Float> byName(Object scores, List<String> names) {
        Map<String, Float> out = new HashMap<>();
        if (scores instanceof float[] f) {
            for (int i = 0; i < f.length; i++) {
                out.put(names.get(i), f[i]);
            }
        } else {
            ((Map<?, ?>) scores).forEach((id, p) -> out.put(names.get((int) (long) (Long) id), (Float) p));
        }
        return out;
    }

    private static void assertSameScores(Object got, Map<String, Float> want, String what) {
        Map<Object, Object> map = new HashMap<>(
                CollectionConverters.asJava((scala.collection.Map<Object, Object>) got));
        assertThat(map.keySet()).as(what).isEqualTo(want.keySet());
        want.forEach((k, v) -> assertThat((Float) map.get(k)).as(what + "{" + k + "}").isCloseTo(v, within(1e-6f)));
    }
}
