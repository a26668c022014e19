package dev.coldpath.core.table;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.coldpath.core.error.StorageException;
import java.io.IOException;

/**
 * The one JSON mapper of coldpath's typed records: manifests, pointers, and the CLI's metrics file. Snake_case
 * fields, ISO-8601 times as text, pretty printed, nulls left out; unknown fields are ignored when reading, so
 * an older coldpath reads what a newer one added. Thread safe.
 */
public final class TableJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private TableJson() {
    }

    /** The value as JSON bytes. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    static <T> T read(byte[] bytes, Class<T> type, String path) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw unreadable(path, type, e);
        }
    }

    /** A manifest of any format: format 1 is read as {@link RunManifestV1} and upgraded. */
    static RunManifest readManifest(byte[] bytes, String path) {
        try {
            JsonNode tree = MAPPER.readTree(bytes);
            int format = tree.path("format_version").asInt(1);
            return format < RunManifest.FORMAT_VERSION
                    ? MAPPER.treeToValue(tree, RunManifestV1.class).upgrade()
                    : MAPPER.treeToValue(tree, RunManifest.class);
        } catch (IOException e) {
            throw unreadable(path, RunManifest.class, e);
        }
    }

    private static StorageException unreadable(String path, Class<?> type, IOException e) {
        return new StorageException("Cannot read " + path + ": not a valid " + type.getSimpleName() + " ("
                + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
}
