package dev.coldpath.core.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coldpath.core.error.ModelLoadException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The names a classifier gives its classes, class id {@code i} being {@code names().get(i)}, and where they were
 * found: the model's metadata ({@code classes}: a comma-separated list or a JSON array; or {@code id2label}: a JSON
 * object from id to name), else a Hugging Face style {@code config.json} beside the model ({@code id2label}).
 * A ZipMap with string labels names its classes itself and needs none of this.
 *
 * @param source where the names come from, for messages and {@code inspect}
 */
public record ClassNames(List<String> names, String source) implements Serializable {
    /** The file beside a model that may name its classes. */
    public static final String CONFIG_JSON = "config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public ClassNames {
        names = List.copyOf(names);
        requireNonNull(source, "source is null");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("names is empty");
        }
    }

    /** The name of class {@code id}, or empty when there is no such class. */
    public Optional<String> name(long id) {
        return id >= 0 && id < names.size() ? Optional.of(names.get((int) id)) : Optional.empty();
    }

    /** The names in a model's metadata ({@code classes}, else {@code id2label}); empty when it has neither. */
    public static Optional<ClassNames> fromMetadata(Map<String, String> metadata, String model) {
        String classes = metadata.get("classes");
        if (classes != null && !classes.isBlank()) {
            String text = classes.strip();
            String source = "metadata 'classes' of " + model;
            if (text.startsWith("[")) {
                JsonNode array = parse(text, source);
                List<String> names = new ArrayList<>();
                array.forEach(n -> names.add(n.asText()));
                return Optional.of(checked(names, source));
            }
            return Optional.of(checked(Arrays.stream(text.split(",")).map(String::strip).toList(), source));
        }
        String id2label = metadata.get("id2label");
        if (id2label != null && !id2label.isBlank()) {
            String source = "metadata 'id2label' of " + model;
            return Optional.of(fromId2Label(parse(id2label, source), source));
        }
        return Optional.empty();
    }

    /** The names in a {@code config.json}'s {@code id2label}; empty when it has none. */
    public static Optional<ClassNames> fromConfigJson(byte[] json, String path) {
        JsonNode config;
        try {
            config = JSON.readTree(json);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + path + ": it is not JSON (" + firstLine(e) + "); fix it or"
                    + " remove it (coldpath reads its id2label to name the model's classes)", e);
        }
        JsonNode id2label = config == null ? null : config.get("id2label");
        if (id2label == null || id2label.isNull()) {
            return Optional.empty();
        }
        return Optional.of(fromId2Label(id2label, "id2label of " + path));
    }

    private static ClassNames fromId2Label(JsonNode id2label, String source) {
        if (!id2label.isObject()) {
            throw new ModelLoadException("Invalid " + source + ": must be an object from class id to name, e.g."
                    + " {\"0\": \"malignant\", \"1\": \"benign\"}", null);
        }
        Map<Integer, String> byId = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = id2label.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                byId.put(Integer.parseInt(e.getKey().strip()), e.getValue().asText());
            } catch (NumberFormatException ex) {
                throw new ModelLoadException("Invalid " + source + ": key '" + e.getKey() + "' is not a class id"
                        + " (0, 1, ...)", ex);
            }
        }
        List<String> names = new ArrayList<>(byId.values());
        List<Integer> ids = new ArrayList<>(byId.keySet());
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i) != i) {
                throw new ModelLoadException("Invalid " + source + ": class ids must be 0 to " + (ids.size() - 1)
                        + ", each once: " + ids, null);
            }
        }
        return checked(names, source);
    }

    private static ClassNames checked(List<String> names, String source) {
        if (names.isEmpty() || names.stream().anyMatch(String::isEmpty)) {
            throw new ModelLoadException("Invalid " + source + ": " + names + " (every class needs a name)", null);
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new ModelLoadException("Invalid " + source + ": " + names + " names a class twice", null);
        }
        return new ClassNames(names, source);
    }

    private static JsonNode parse(String text, String source) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ModelLoadException("Invalid " + source + ": not JSON (" + firstLine(e) + ")", e);
        }
    }

    private static String firstLine(Exception e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }
}
