package dev.coldpath.core.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coldpath.core.error.ModelLoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One registered model version, as its {@code model.json} records it. The JSON field names are snake_case
 * and stable; readers ignore fields they do not know, so later versions of coldpath can add some.
 *
 * @param sha256    the hex SHA-256 of the stored model file, as registered
 * @param inputs    the model's inputs in declaration order
 * @param opsets    operator-set version by domain ("ai.onnx" for the default domain), sorted
 * @param producer  the producing tool and its version, e.g. "skl2onnx 1.17.0"; "" if the model does not say
 * @param modelPath the full path of the stored model file
 * @param dataFiles the model's external-data files, stored beside it under these names (JSON {@code data_files};
 *                  empty for a model in one file)
 */
public record RegisteredModel(String name, SemVer version, String sha256, long sizeBytes, Instant registeredAt,
                              String description, Optional<String> trainingDate, Optional<String> datasetHash,
                              Map<String, String> params, List<Value> inputs, List<Value> outputs,
                              Map<String, Long> opsets, String producer, String modelPath, List<String> dataFiles) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A model input or output: its name, and its type as {@code ValueSpec.describe()} writes it. */
    public record Value(String name, String type) {
        public Value {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }

        @Override
        public String toString() {
            return name + " " + type;
        }
    }

    public RegisteredModel {
        ModelReference.checkName(name);
        requireNonNull(version, "version is null");
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(registeredAt, "registeredAt is null");
        requireNonNull(description, "description is null");
        requireNonNull(trainingDate, "trainingDate is null");
        requireNonNull(datasetHash, "datasetHash is null");
        requireNonNull(producer, "producer is null");
        requireNonNull(modelPath, "modelPath is null");
        params = Collections.unmodifiableSortedMap(new TreeMap<>(params));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        opsets = Collections.unmodifiableSortedMap(new TreeMap<>(opsets));
        dataFiles = List.copyOf(dataFiles);
    }

    public ModelReference reference() {
        return ModelReference.of(name, version);
    }

    /** {@code name@version}, as a job file would reference this model. */
    public String id() {
        return name + "@" + version;
    }

    /** This record as pretty-printed JSON, UTF-8. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", name);
        root.put("version", version.toString());
        root.put("sha256", sha256);
        root.put("size_bytes", sizeBytes);
        root.put("registered_at", registeredAt.toString());
        root.put("description", description);
        root.put("training_date", trainingDate.orElse(null));
        root.put("dataset_hash", datasetHash.orElse(null));
        ObjectNode p = root.putObject("params");
        params.forEach(p::put);
        values(root.putArray("inputs"), inputs);
        values(root.putArray("outputs"), outputs);
        ObjectNode o = root.putObject("opsets");
        opsets.forEach(o::put);
        root.put("producer", producer);
        root.put("model_path", modelPath);
        if (!dataFiles.isEmpty()) {
            dataFiles.forEach(root.putArray("data_files")::add);
        }
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a JSON tree of strings and numbers", e);
        }
    }

    private static void values(ArrayNode array, List<Value> values) {
        values.forEach(v -> array.addObject().put("name", v.name()).put("type", v.type()));
    }

    /**
     * Reads a record written by {@link #toJson}; {@code source} names the file in errors. A record that is not
     * valid JSON or lacks a required field is a {@link ModelLoadException}.
     */
    public static RegisteredModel fromJson(byte[] json, String source) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return new RegisteredModel(
                    text(root, "name"),
                    SemVer.parse(text(root, "version")),
                    text(root, "sha256"),
                    required(root, "size_bytes").asLong(),
                    Instant.parse(text(root, "registered_at")),
                    optional(root, "description").orElse(""),
                    optional(root, "training_date"),
                    optional(root, "dataset_hash"),
                    stringMap(root.path("params")),
                    values(root.path("inputs")),
                    values(root.path("outputs")),
                    longMap(root.path("opsets")),
                    optional(root, "producer").orElse(""),
                    optional(root, "model_path").orElse(""),
                    strings(root.path("data_files")));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("Cannot read registry record " + source + ": " + e.getMessage()
                    + " (the file is damaged: restore it, or delete that version's directory and register it"
                    + " again)", e);
        }
    }

    private static JsonNode required(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return node;
    }

    private static String text(JsonNode root, String field) {
        return required(root, field).asText();
    }

    private static Optional<String> optional(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new TreeMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static Map<String, Long> longMap(JsonNode node) {
        Map<String, Long> map = new TreeMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asLong()));
        return map;
    }

    private static List<String> strings(JsonNode node) {
        List<String> strings = new ArrayList<>();
        node.forEach(v -> strings.add(v.asText()));
        return strings;
    }

    private static List<Value> values(JsonNode node) {
        List<Value> values = new ArrayList<>();
        node.forEach(v -> values.add(new Value(v.path("name").asText(), v.path("type").asText())));
        return values;
    }
}
