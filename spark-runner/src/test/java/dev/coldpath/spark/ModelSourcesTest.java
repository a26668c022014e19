package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.table.RunLineage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's model sources: an MLflow model, an Optimum folder with external data and a Triton repository each
 * score the wine sample exactly as the plain .onnx does, with one session per executor JVM; a Triton config that
 * disagrees with its model is a one-line error before anything runs.
 */
class ModelSourcesTest {
    @TempDir
    static Path tmp;

    private static final SparkSession SPARK = LocalSpark.get();
    private static List<String> plain;

    @BeforeAll
    static void scorePlainFile() {
        plain = predictions(new SparkScoringJob(SPARK).run(job(ModelFolders.wine().toString(), "plain")));
    }

    @BeforeEach
    void noCachedSessions() {
        LocalSpark.resetSessionsWhenIdle();
    }

    private static JobSpec job(String model, String name, String... more) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", model);
        flat.put("input.path", SampleData.data("wine").toString());
        flat.put("output.path", tmp.resolve("out-" + name).toString());
        for (int i = 0; i < more.length; i += 2) {
            flat.put(more[i], more[i + 1]);
        }
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    private static List<String> predictions(RunResult r) {
        return SPARK.read().parquet(r.dataPath()).drop(RunLineage.COLUMNS.toArray(String[]::new)).orderBy("id")
                .collectAsList().stream().map(Row::toString).toList();
    }

    @Test
    void anMlflowModelScoresAsThePlainFileAndPutsItsRunIntoTheManifestsLineage() {
        Path dir = ModelFolders.mlflow(tmp.resolve("mlflow"));

        RunResult r = new SparkScoringJob(SPARK).run(job(dir.toString(), "mlflow"));

        assertThat(predictions(r)).hasSize(178).isEqualTo(plain);
        assertThat(r.model().location()).endsWith("/mlflow/wine.onnx");
        assertThat(r.manifest().orElseThrow().model().metadata()).containsEntry("source", "mlflow")
                .containsEntry("mlflow.run_id", ModelFolders.RUN_ID)
                .containsEntry("mlflow.model_uuid", ModelFolders.MODEL_UUID)
                .containsEntry("mlflow.model_version", "7");
        assertThat(r.outcome().sessionsCreated()).as("one session per executor JVM").isEqualTo(1);
    }

    @Test
    void anOptimumFolderWithExternalDataScoresAsThePlainFile() {
        Path dir = ModelFolders.optimum(tmp.resolve("optimum"));

        RunResult r = new SparkScoringJob(SPARK).run(job(dir.toString(), "optimum"));

        assertThat(predictions(r)).hasSize(178).isEqualTo(plain);
        assertThat(r.model().dataFiles()).containsExactly("model.onnx_data");
        assertThat(r.manifest().orElseThrow().model().metadata()).containsEntry("source", "model folder")
                .containsEntry("hf.name_or_path", "coldpath/wine-mlp");
        assertThat(r.outcome().sessionsCreated()).isEqualTo(1);
    }

    @Test
    void aTritonModelScoresItsHighestVersionAsThePlainFileInBatchesOfItsMaxBatchSize() {
        Path model = ModelFolders.triton(tmp.resolve("triton"), "13");

        RunResult r = new SparkScoringJob(SPARK).run(job(model.toString(), "triton"));

        assertThat(predictions(r)).hasSize(178).isEqualTo(plain);
        assertThat(r.model().location()).endsWith("/triton/wine/3/model.onnx");
        assertThat(r.manifest().orElseThrow().model().metadata()).containsEntry("source", "triton")
                .containsEntry("triton.model", "wine").containsEntry("triton.version", "3");
        assertThat(r.outcome().batches()).as("178 rows in batches of max_batch_size 8").isEqualTo(23);
        assertThat(r.outcome().sessionsCreated()).isEqualTo(1);
        assertThatThrownBy(() -> JobPreflight.check(job(model.resolve("1").toString(), "triton-v1")))
                .as("a named version: version 1 is another model, which the config does not describe")
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("/triton/wine/1/model.onnx has no such input (its inputs: input float[N,30])");
    }

    @Test
    void aTritonConfigWhoseDimsDisagreeWithTheModelIsAOneLineUserError() throws Exception {
        Path model = ModelFolders.triton(tmp.resolve("triton-wrong"), "30");

        assertThatThrownBy(() -> JobPreflight.check(job(model.toString(), "wrong")))
                .isInstanceOf(JobSpecException.class)
                .hasMessage(model.toUri().toString().replaceFirst("/$", "").replace("file:///", "file:/")
                        + "/config.pbtxt declares input 'features' as float[-1,30] but model "
                        + model.toUri().toString().replace("file:///", "file:/") + "3/model.onnx has float[N,13]:"
                        + " fix config.pbtxt or the model")
                .satisfies(e -> assertThat(((ColdpathException) e).fault()).isEqualTo(Fault.USER));
    }

    @Test
    void anMlflowModelWithoutTheOnnxFlavorNamesItsFlavors() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sklearn"));
        Files.writeString(dir.resolve("MLmodel"), "flavors:\n  python_function: {data: model.pkl}\n"
                + "  sklearn: {pickled_model: model.pkl}\nrun_id: abc\n");

        assertThatThrownBy(() -> JobPreflight.check(job(dir.toString(), "sklearn")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no onnx flavor (its flavors: python_function, sklearn)");
    }

    /**
     * The preflight opens the model on a thread of its own while it lists the input: a model that cannot be opened is
     * still the error, not the missing input found meanwhile (which rides along, suppressed).
     */
    @Test
    void aModelThatCannotBeOpenedIsTheErrorEvenWhenTheInputIsMissingToo() throws Exception {
        Path broken = Files.writeString(tmp.resolve("broken.onnx"), ""); // a valid ModelProto, with no graph
        JobSpec spec = job(broken.toString(), "broken", "input.path", tmp.resolve("not-there-yet").toString());

        assertThatThrownBy(() -> JobPreflight.check(spec))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Cannot load model")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .isInstanceOf(InputDataException.class));
    }
}
