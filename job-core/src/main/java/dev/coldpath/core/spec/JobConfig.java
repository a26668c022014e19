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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
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
    private static final Pattern BINDING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");

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
                .sorted(Comparator.comparing(k -> k.isPrefix() && !k.isBinding()))
                .map(k -> k.isBinding() ? k.displayName().replace(".<input>", ".*")
                        : k.isPrefix() ? k.key() + ".*" : k.key())
                .collect(Collectors.joining(", "));
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out, String source) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            if (key.equals(JobKey.BINDINGS) && e.getValue() instanceof List<?> entries) {
                flattenBindings(entries, out, source);
            } else if (e.getValue() instanceof Map<?, ?> nested && !nested.isEmpty()) {
                flatten(key + ".", nested, out, source);
            } else {
                out.put(key, e.getValue());
            }
        }
    }

    /** {@code models: [{name: a, model: m, ...}, ...]} becomes {@code models.a.model: m, ...}, in the list's order. */
    private static void flattenBindings(List<?> entries, Map<String, Object> out, String source) {
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!(entries.get(i) instanceof Map<?, ?> entry) || !(entry.get("name") instanceof String name)) {
                throw new JobSpecException("Invalid " + JobKey.BINDINGS + "[" + i + "] in job file " + source
                        + ": each entry is a mapping with a name, e.g. {name: champion, model: churn@1.4.0, role: champion}");
            }
            checkBindingName(name, JobKey.BINDINGS + "[" + i + "].name");
            String earlier = seen.put(name.toLowerCase(Locale.ROOT), name);
            if (earlier != null) {
                throw new JobSpecException("Invalid " + JobKey.BINDINGS + " in job file " + source
                        + ": two entries are named '" + (earlier.equals(name) ? name : earlier + "' and '" + name) + "' (each model needs a name of"
                        + " its own)");
            }
            Map<Object, Object> fields = new LinkedHashMap<>(entry);
            fields.remove("name");
            if (fields.isEmpty()) {
                throw new JobSpecException("Invalid " + JobKey.BINDINGS + "[" + i + "] in job file " + source
                        + ": '" + name + "' has no model and role");
            }
            flatten(JobKey.BINDINGS + "." + name + ".", fields, out, source);
        }
    }

    /** A binding's name names its shadow directory and fills served_by: a short identifier. */
    static void checkBindingName(String name, String what) {
        if (!BINDING_NAME.matcher(name).matches()) {
            throw new JobSpecException("Invalid " + what + ": '" + name + "' (must be letters, digits, '_' and '-',"
                    + " starting with a letter or '_', at most 64)");
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
        Object raw = values.get(topLevel(key).key());
        return raw == null ? Optional.empty() : Optional.of(key.type().parse(key.key(), raw));
    }

    /** The key's value; a missing or blank one is an error that says what the key is. */
    public <T> T require(JobKey<T> key) {
        Object raw = values.get(topLevel(key).key());
        if (raw == null || raw instanceof String text && text.isBlank()) {
            throw new JobSpecException("Missing " + key.key() + ": " + key.description());
        }
        return key.type().parse(key.key(), raw);
    }

    /** A prefix key's values, by suffix ({@code features.x} gives {@code x}), in the order they were set. */
    public <T> Map<String, T> prefixed(JobKey<T> key) {
        Map<String, T> out = new LinkedHashMap<>();
        withPrefix(topLevel(key).key()).forEach((suffix, raw) -> out.put(suffix,
                key.type().parse(key.key() + "." + suffix, raw)));
        return out;
    }

    private static <T> JobKey<T> topLevel(JobKey<T> key) {
        if (key.isBinding()) {
            throw new IllegalArgumentException(key + " is a key of a models entry: use find(binding, key)");
        }
        return key;
    }

    /** A {@code models.<name>.<field>} key's value for one binding, or empty when that binding does not set it. */
    public <T> Optional<T> find(String binding, JobKey<T> key) {
        Object raw = values.get(key.keyFor(binding));
        return raw == null ? Optional.empty() : Optional.of(key.type().parse(key.keyFor(binding), raw));
    }

    /** The names of the {@code models} entries, in the order they were given; empty for a one-model job. */
    public List<String> bindingNames() {
        Set<String> names = new LinkedHashSet<>();
        values.keySet().forEach(k -> JobKey.bindingOf(k).ifPresent(names::add));
        return List.copyOf(names);
    }

    /**
     * One {@code models} entry's settings as a one-model job's: its {@code models.<name>.<field>} keys as the
     * job-level keys of the same name, over the job's own, which apply where it sets none. A binding that sets any
     * {@code features} key takes none of the job's. Each of its values is parsed here, so errors name its own key.
     */
    public JobConfig forBinding(String binding) {
        Map<String, Object> own = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (JobKey.bindingOf(k).filter(binding::equals).isPresent()) {
                JobKey<?> key = JobKey.of(k).orElseThrow();
                key.type().parse(k, v);
                own.put(k.substring(JobKey.BINDINGS.length() + binding.length() + 2), v);
            }
        });
        boolean ownFeatures = own.keySet().stream().anyMatch(k -> k.equals("features") || k.startsWith("features."));
        Map<String, Object> merged = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            boolean feature = k.equals("features") || k.startsWith("features.");
            if (JobKey.bindingOf(k).isEmpty() && !(ownFeatures && feature)) {
                merged.put(k, v);
            }
        });
        merged.putAll(own);
        return new JobConfig(merged);
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
