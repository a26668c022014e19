package dev.coldpath.spark;

import dev.coldpath.core.testing.ExternalDataModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The wine MLP laid out as the model sources coldpath reads (docs/models.md, Model sources): an MLflow model, an
 * Optimum export with external data, and a Triton repository. Shared with the cli tests.
 */
public final class ModelFolders {
    /** The MLflow run id and model version the MLmodel file records. */
    public static final String RUN_ID = "5f1c2a9b7d3e4f60a1b2c3d4e5f60718";
    public static final String MODEL_UUID = "c0ffee00c0ffee00c0ffee00c0ffee00";

    private ModelFolders() {
    }

    public static Path wine() {
        return SampleData.model("wine_mlp");
    }

    /** {@code dir/MLmodel} (onnx flavor, data: wine.onnx, a tensor signature) and {@code dir/wine.onnx}. */
    public static Path mlflow(Path dir) {
        write(dir.resolve("MLmodel"), """
                artifact_path: model
                flavors:
                  onnx:
                    code: null
                    data: wine.onnx
                    onnx_version: 1.15.0
                    providers: [CPUExecutionProvider]
                  python_function:
                    data: wine.onnx
                    env: {conda: conda.yaml, virtualenv: python_env.yaml}
                    loader_module: mlflow.onnx
                    python_version: 3.11.7
                mlflow_version: 2.12.1
                model_uuid: %s
                run_id: %s
                metadata:
                  model_version: "7"
                signature:
                  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 13]}, "name": "features"}]'
                  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}, "name": "probabilities"}]'
                  params: null
                utc_time_created: '2026-11-30 08:15:02.118734'
                """.formatted(MODEL_UUID, RUN_ID));
        copy(wine(), dir.resolve("wine.onnx"));
        return dir;
    }

    /** An Optimum export: {@code model.onnx} + {@code model.onnx_data}, {@code config.json}, {@code tokenizer.json}. */
    public static Path optimum(Path dir) {
        try {
            ExternalDataModels.externalize(Files.readAllBytes(wine()), dir.resolve("model.onnx"), "model.onnx_data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(dir.resolve("config.json"), """
                {"_name_or_path": "coldpath/wine-mlp", "model_type": "mlp", "transformers_version": "4.46.3",
                 "id2label": {"0": "class_0", "1": "class_1", "2": "class_2"}}
                """);
        write(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"model\": {\"type\": \"WordLevel\", \"vocab\": {}}}\n");
        return dir;
    }

    /**
     * {@code repo/wine/config.pbtxt} (max_batch_size 8, features and probabilities declared) with versions 1 (the
     * breast-cancer model, an older version to skip) and 3 (the wine MLP); version 2 has no model file.
     */
    public static Path triton(Path repo, String inputDims) {
        Path model = repo.resolve("wine");
        write(model.resolve("config.pbtxt"), """
                # the wine MLP, served by ONNX Runtime
                name: "wine"
                platform: "onnxruntime_onnx"
                max_batch_size: 8
                input [
                  {
                    name: "features"
                    data_type: TYPE_FP32
                    dims: [ %s ]
                  }
                ]
                output [
                  {
                    name: "probabilities"
                    data_type: TYPE_FP32
                    dims: [ 3 ]
                  }
                ]
                instance_group [ { count: 1, kind: KIND_CPU } ]
                """.formatted(inputDims));
        copy(SampleData.model("breast_cancer_logreg"), model.resolve("1/model.onnx"));
        write(model.resolve("2/README"), "retired\n");
        copy(wine(), model.resolve("3/model.onnx"));
        return model;
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
