package dev.coldpath.core.table;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.coldpath.core.error.StorageException;
import java.io.IOException;

/** The JSON form of manifests and pointers: snake_case fields, ISO-8601 times, pretty printed. */
final class TableJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private TableJson() {
    }

    static byte[] write(Object value) {
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
            throw new StorageException("Cannot read " + path + ": not a valid " + type.getSimpleName() + " ("
                    + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }
}
