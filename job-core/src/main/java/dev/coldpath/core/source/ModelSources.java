package dev.coldpath.core.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.io.FileStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the model a location names, whatever its layout (docs/models.md, Model sources): a .onnx file; an MLflow
 * model directory ({@value #MLMODEL} with the onnx flavor); a Triton repository's model ({@code repo/model}, its
 * highest version, or {@code repo/model/version}, with {@value #TRITON_CONFIG}); or a model folder holding
 * {@value #FOLDER_MODEL} (Hugging Face / Optimum). Reads only the small files that describe the layout. Driver-only.
 */
public final class ModelSources {
    public static final String MLMODEL = "MLmodel";
    public static final String TRITON_CONFIG = "config.pbtxt";
    public static final String FOLDER_MODEL = "model.onnx";
    public static final String CONFIG_JSON = "config.json";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelSources() {
    }

    /** The model at {@code location}, a path or URI as {@code store} takes it. */
    public static ModelSource locate(FileStore store, String location) {
        String dir = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        if (dir.endsWith(".onnx")) { // a file: no listing of its directory (which may be large, on S3)
            return ModelSource.file(location);
        }
        if (store.exists(store.resolve(dir, MLMODEL))) {
            return mlflow(store, dir);
        }
        if (store.exists(store.resolve(dir, TRITON_CONFIG))) {
            return triton(store, dir, dir, Optional.empty());
        }
        int slash = dir.lastIndexOf('/');
        if (slash > 0 && dir.substring(slash + 1).matches("[0-9]+")
                && store.exists(store.resolve(dir.substring(0, slash), TRITON_CONFIG))) {
            return triton(store, dir, dir.substring(0, slash), Optional.of(dir.substring(slash + 1)));
        }
        if (isDirectory(store, dir)) {
            String model = store.resolve(dir, FOLDER_MODEL);
            if (!store.exists(model)) {
                throw new ModelLoadException("Model " + location + " is a directory without " + FOLDER_MODEL + ", "
                        + MLMODEL + " or " + TRITON_CONFIG + ": name the .onnx file in it, or give a model folder"
                        + " (Hugging Face / Optimum), an MLflow model or a Triton model directory", null);
            }
            return new ModelSource(SourceKind.MODEL_FOLDER, location, model, huggingFace(store, dir), 0, List.of(),
                    "");
        }
        return ModelSource.file(location);
    }

    private static boolean isDirectory(FileStore store, String dir) {
        int slash = dir.lastIndexOf('/');
        String parent = slash < 0 ? "." : slash == 0 ? "/" : dir.substring(0, slash);
        String name = dir.substring(slash + 1);
        return store.list(parent).stream().anyMatch(e -> e.name().equals(name) && e.directory());
    }

    /** An MLflow model: {@code flavors.onnx.data} names the file; the run, the model and its signature. */
    private static ModelSource mlflow(FileStore store, String dir) {
        String path = store.resolve(dir, MLMODEL);
        JsonNode root = readTree(YAML, store, path);
        JsonNode onnx = root.path("flavors").path("onnx");
        if (onnx.isMissingNode()) {
            List<String> flavors = new ArrayList<>();
            root.path("flavors").fieldNames().forEachRemaining(flavors::add);
            throw new ModelLoadException("MLflow model " + dir + " has no onnx flavor (its flavors: "
                    + (flavors.isEmpty() ? "none" : String.join(", ", flavors)) + "): coldpath scores ONNX models;"
                    + " log the model with mlflow.onnx.log_model", null);
        }
        String data = onnx.path("data").asText("");
        if (data.isEmpty()) {
            throw new ModelLoadException(path + " has no flavors.onnx.data: it must name the model's .onnx file", null);
        }
        Map<String, String> lineage = new LinkedHashMap<>();
        lineage.put("source", SourceKind.MLFLOW.label());
        text(root, "run_id").ifPresent(v -> lineage.put("mlflow.run_id", v));
        text(root, "model_uuid").ifPresent(v -> lineage.put("mlflow.model_uuid", v));
        text(root, "artifact_path").ifPresent(v -> lineage.put("mlflow.artifact_path", v));
        text(root, "utc_time_created").ifPresent(v -> lineage.put("mlflow.utc_time_created", v));
        text(root, "mlflow_version").ifPresent(v -> lineage.put("mlflow.mlflow_version", v));
        text(root.path("metadata"), "model_version").or(() -> text(root, "model_version"))
                .ifPresent(v -> lineage.put("mlflow.model_version", v));
        text(root.path("metadata"), "model_name").or(() -> text(root, "registered_model_name"))
                .ifPresent(v -> lineage.put("mlflow.model_name", v));
        List<DeclaredValue> declared = new ArrayList<>();
        declared.addAll(signature(root.path("signature"), "inputs", true, path));
        declared.addAll(signature(root.path("signature"), "outputs", false, path));
        return new ModelSource(SourceKind.MLFLOW, dir, store.resolve(dir, data), lineage, 0, declared, path);
    }

    /**
     * The names (and element types) of an MLflow tensor signature, a JSON list in a YAML string; a column-based
     * signature names DataFrame columns, not model inputs, and is not checked.
     */
    private static List<DeclaredValue> signature(JsonNode signature, String field, boolean input, String path) {
        String text = signature.path(field).asText("");
        if (text.isBlank()) {
            return List.of();
        }
        JsonNode specs;
        try {
            specs = JSON.readTree(text);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read signature." + field + " of " + path + ": " + e.getMessage(), e);
        }
        List<DeclaredValue> values = new ArrayList<>();
        for (JsonNode spec : specs) {
            if (!spec.path("type").asText().equals("tensor") || !spec.hasNonNull("name")) {
                return List.of();
            }
            JsonNode tensor = spec.path("tensor-spec");
            Optional<String> type = Optional.ofNullable(MLFLOW_TYPES.get(tensor.path("dtype").asText("")));
            Optional<List<Long>> dims = Optional.empty();
            if (tensor.path("shape").isArray()) {
                List<Long> shape = new ArrayList<>();
                tensor.path("shape").forEach(d -> shape.add(d.asLong()));
                dims = Optional.of(shape);
            }
            values.add(new DeclaredValue(input, spec.path("name").asText(), type, dims));
        }
        return values;
    }

    private static final Map<String, String> MLFLOW_TYPES = Map.ofEntries(Map.entry("float32", "float"),
            Map.entry("float64", "double"), Map.entry("int64", "int64"), Map.entry("int32", "int32"),
            Map.entry("int16", "int16"), Map.entry("int8", "int8"), Map.entry("uint8", "uint8"),
            Map.entry("bool", "bool"), Map.entry("float16", "float16"), Map.entry("str", "string"),
            Map.entry("object", "string"));

    private static final Map<String, String> TRITON_TYPES = Map.ofEntries(Map.entry("TYPE_FP32", "float"),
            Map.entry("TYPE_FP64", "double"), Map.entry("TYPE_FP16", "float16"), Map.entry("TYPE_BF16", "bfloat16"),
            Map.entry("TYPE_INT64", "int64"), Map.entry("TYPE_INT32", "int32"), Map.entry("TYPE_INT16", "int16"),
            Map.entry("TYPE_INT8", "int8"), Map.entry("TYPE_UINT8", "uint8"), Map.entry("TYPE_UINT16", "uint16"),
            Map.entry("TYPE_UINT32", "uint32"), Map.entry("TYPE_UINT64", "uint64"), Map.entry("TYPE_BOOL", "bool"),
            Map.entry("TYPE_STRING", "string"));

    /**
     * A Triton model: the named version, else the highest numbered version directory holding the model file
     * ({@code default_model_filename}, else model.onnx); {@code max_batch_size} as the batch size; the inputs and
     * outputs with their dims (behind the batch dimension when {@code max_batch_size > 0}).
     */
    private static ModelSource triton(FileStore store, String location, String modelDir, Optional<String> version) {
        String path = store.resolve(modelDir, TRITON_CONFIG);
        ProtoText.Message config = ProtoText.parse(new String(store.read(path).orElseThrow(() ->
                new ModelLoadException("Cannot read " + path, null)), StandardCharsets.UTF_8), path);
        String fileName = config.scalar("default_model_filename").orElse(FOLDER_MODEL);
        String chosen = version.orElseGet(() -> store.list(modelDir).stream()
                .filter(e -> e.directory() && e.name().matches("[0-9]+"))
                .filter(e -> store.exists(store.resolve(e.path(), fileName)))
                .map(e -> e.name()).max((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)))
                .orElseThrow(() -> new ModelLoadException("Triton model " + modelDir + " has no version directory"
                        + " holding " + fileName + " (expected " + modelDir + "/<version>/" + fileName + ")", null)));
        String model = store.resolve(store.resolve(modelDir, chosen), fileName);
        if (!store.exists(model)) {
            throw new ModelLoadException("Triton model " + modelDir + " version " + chosen + " has no " + fileName
                    + " (expected " + model + ")", null);
        }
        int maxBatch = integer(config, "max_batch_size", path);
        List<DeclaredValue> declared = new ArrayList<>();
        for (String field : List.of("input", "output")) {
            for (ProtoText.Message value : config.messages(field)) {
                String name = value.scalar("name").orElseThrow(() -> new JobSpecException(path + ": an " + field
                        + " has no name (add name: \"...\")"));
                List<Long> dims = new ArrayList<>();
                if (maxBatch > 0) {
                    dims.add(-1L);
                }
                for (String d : value.scalars("dims")) {
                    dims.add(parseLong(d, field + " '" + name + "' dims", path));
                }
                Optional<String> type = value.scalar("data_type").map(t -> Optional.ofNullable(TRITON_TYPES.get(t))
                        .orElseThrow(() -> new JobSpecException(path + ": " + field + " '" + name + "' has data_type "
                                + t + ", which is not one of " + String.join(", ", TRITON_TYPES.keySet()))));
                declared.add(new DeclaredValue(field.equals("input"), name, type,
                        value.values("dims").isEmpty() ? Optional.empty() : Optional.of(dims)));
            }
        }
        Map<String, String> lineage = new LinkedHashMap<>();
        lineage.put("source", SourceKind.TRITON.label());
        lineage.put("triton.model", config.scalar("name").orElse(modelDir.substring(modelDir.lastIndexOf('/') + 1)));
        lineage.put("triton.version", chosen);
        config.scalar("platform").or(() -> config.scalar("backend")).ifPresent(p -> lineage.put("triton.platform", p));
        return new ModelSource(SourceKind.TRITON, location, model, lineage, Math.max(0, maxBatch), declared, path);
    }

    private static int integer(ProtoText.Message config, String field, String path) {
        return config.scalar(field).map(v -> (int) parseLong(v, field, path)).orElse(0);
    }

    private static long parseLong(String text, String what, String path) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new JobSpecException(path + ": " + what + " must be an integer, not '" + text + "'");
        }
    }

    /** What a Hugging Face export's config.json says about the model, if it has one. */
    private static Map<String, String> huggingFace(FileStore store, String dir) {
        Map<String, String> lineage = new LinkedHashMap<>();
        lineage.put("source", SourceKind.MODEL_FOLDER.label());
        String path = store.resolve(dir, CONFIG_JSON);
        if (store.exists(path)) {
            JsonNode config = readTree(JSON, store, path);
            text(config, "_name_or_path").ifPresent(v -> lineage.put("hf.name_or_path", v));
            text(config, "model_type").ifPresent(v -> lineage.put("hf.model_type", v));
            text(config, "transformers_version").ifPresent(v -> lineage.put("hf.transformers_version", v));
        }
        return lineage;
    }

    private static JsonNode readTree(ObjectMapper mapper, FileStore store, String path) {
        byte[] bytes = store.read(path).orElseThrow(() -> new ModelLoadException("Cannot read " + path, null));
        try {
            JsonNode root = mapper.readTree(bytes);
            if (root == null || !root.isObject()) {
                throw new ModelLoadException("Cannot read " + path + ": not a mapping of fields", null);
            }
            return root;
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + path + ": " + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? Optional.empty()
                : Optional.of(value.asText());
    }
}
