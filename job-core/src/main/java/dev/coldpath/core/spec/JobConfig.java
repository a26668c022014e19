package dev.coldpath.core.spec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.coldpath.core.error.JobSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Flat job settings, key to value, where a value is a string or a list of strings, as a job file, {@code --set}
 * and flags give them. Precedence is decided in one place, {@link #overriddenBy}: command line over job file
 * over defaults. Unknown keys are refused, with the nearest known key suggested. The typed getters
 * ({@link #get}, {@link #find}, {@link #require}, {@link #prefixed}) parse a value with its {@link JobKey}'s
 * type and apply its default. Immutable.
 */
public final class JobConfig {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, Object> values;

    private JobConfig(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values)); // keeps insertion order
    }

    public static JobConfig empty() {
        return new JobConfig(Map.of());
    }

    /** Reads a YAML job file; nested maps become dotted keys. */
    public static JobConfig load(Path file) {
        Object tree;
        try {
            String text = Files.readString(file);
            tree = text.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#")) ? null
                    : YAML.readValue(text, Object.class);
        } catch (NoSuchFileException e) {
            throw new JobSpecException("Job file " + file + " not found");
        } catch (JacksonException e) {
            throw new JobSpecException("Job file " + file + " is not valid YAML: "
                    + e.getOriginalMessage().lines().findFirst().orElse("") + locationOf(e));
        } catch (IOException e) {
            throw new JobSpecException("Cannot read job file " + file + ": " + e.getMessage());
        }
        if (tree == null) {
            return empty();
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new JobSpecException("Job file " + file + " must be a YAML mapping of keys to values");
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", map, flat, file.toString());
        return of(flat, "job file " + file);
    }

    private static String locationOf(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    /** Settings from {@code key=value} pairs, as {@code --set} takes them. */
    public static JobConfig parseAssignments(List<String> assignments, String flag) {
        Map<String, Object> flat = new LinkedHashMap<>();
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new JobSpecException("Invalid " + flag + " '" + assignment + "': expected key=value");
            }
            flat.put(assignment.substring(0, eq).strip(), assignment.substring(eq + 1).strip());
        }
        return of(flat, flag);
    }

    /** Settings from a map of keys; every key must be known. */
    public static JobConfig of(Map<String, ?> flat, String source) {
        Map<String, Object> checked = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : flat.entrySet()) {
            if (JobKey.of(e.getKey()).isEmpty()) {
                throw new JobSpecException("Unknown key '" + e.getKey() + "' in " + source
                        + KeySuggestion.nearest(e.getKey()).map(k -> ": did you mean " + k + "?").orElse("")
                        + " (known keys: " + knownKeys() + ")");
            }
            checked.put(e.getKey(), normalise(e.getKey(), e.getValue()));
        }
        return new JobConfig(checked);
    }

    /** The known keys, prefix keys last: {@code name, model, ..., features.*, spark.*}. */
    static String knownKeys() {
        return JobKey.all().stream()
                .sorted(Comparator.comparing(JobKey::isPrefix))
                .map(k -> k.isPrefix() ? k.key() + ".*" : k.key())
                .collect(Collectors.joining(", "));
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out, String source) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> nested && !nested.isEmpty()) {
                flatten(key + ".", nested, out, source);
            } else {
                out.put(key, e.getValue());
            }
        }
    }

    private static Object normalise(String key, Object value) {
        if (value == null) {
            throw new JobSpecException("Invalid " + key + ": no value");
        }
        if (value instanceof List<?> list) {
            List<String> strings = new ArrayList<>();
            for (Object element : list) {
                if (element == null || element instanceof Map || element instanceof List) {
                    throw new JobSpecException("Invalid " + key + ": " + list + " (must be a list of names)");
                }
                strings.add(element.toString());
            }
            return List.copyOf(strings);
        }
        if (value instanceof Map) {
            throw new JobSpecException("Invalid " + key + ": " + value + " (must be a value, not a mapping)");
        }
        return value.toString();
    }

    /** These settings with {@code other}'s on top: {@code other} wins wherever both set a key. */
    public JobConfig overriddenBy(JobConfig other) {
        Map<String, Object> merged = new LinkedHashMap<>(values);
        merged.putAll(other.values);
        return new JobConfig(merged);
    }

    /** The key's value, or its default; for keys that have a default. */
    public <T> T get(JobKey<T> key) {
        return find(key).orElseGet(() -> key.defaultValue().orElseThrow(() -> new IllegalArgumentException(
                key + " has no default: use find or require")));
    }

    /** The key's value, or empty when it is not set (its default is not applied). */
    public <T> Optional<T> find(JobKey<T> key) {
        Object raw = values.get(key.key());
        return raw == null ? Optional.empty() : Optional.of(key.type().parse(key.key(), raw));
    }

    /** The key's value; a missing or blank one is an error that says what the key is. */
    public <T> T require(JobKey<T> key) {
        Object raw = values.get(key.key());
        if (raw == null || raw instanceof String text && text.isBlank()) {
            throw new JobSpecException("Missing " + key.key() + ": " + key.description());
        }
        return key.type().parse(key.key(), raw);
    }

    /** A prefix key's values, by suffix ({@code features.x} gives {@code x}), in the order they were set. */
    public <T> Map<String, T> prefixed(JobKey<T> key) {
        Map<String, T> out = new LinkedHashMap<>();
        withPrefix(key.key()).forEach((suffix, raw) -> out.put(suffix, key.type().parse(key.key() + "." + suffix,
                raw)));
        return out;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    /** A string value, or null when unset. A list given for a single-valued key is an error. */
    public String string(String key) {
        Object value = values.get(key);
        if (value instanceof List<?> list) {
            throw new JobSpecException("Invalid " + key + ": " + list + " (must be a single value)");
        }
        return (String) value;
    }

    /**
     * A list value, or null when unset. A plain string is split on commas, and may be written in brackets,
     * so {@code --set output.columns=a,b} and {@code [a, b]} both work.
     */
    public List<String> list(String key) {
        Object value = values.get(key);
        if (value == null || value instanceof List) {
            @SuppressWarnings("unchecked")
            List<String> list = (List<String>) value;
            return list;
        }
        return KeyType.splitNames((String) value);
    }

    /** Keys below a prefix key, without the prefix, in insertion order. */
    public Map<String, Object> withPrefix(String prefix) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix + ".")) {
                out.put(k.substring(prefix.length() + 1), v);
            }
        });
        return out;
    }
}
