package dev.coldpath.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.error.JobSpecException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Trino's ConfigAssertions for a section of job keys, with records instead of setters: every default
 * ({@link #assertDefaults}) and every key ({@link #assertFullMapping}).
 */
final class KeyAssertions {
    private KeyAssertions() {
    }

    /**
     * With only the section's required keys set, the section reads as {@code expected}: every optional key has
     * the default the record shows.
     */
    static <R> void assertDefaults(JobKey.Section section, Function<JobConfig, R> from, Map<String, String> required,
                                   R expected) {
        assertThat(keysOf(required)).as("the section's required keys").isEqualTo(JobKey.in(section).stream()
                .filter(k -> k.defaultText().equals("required")).collect(Collectors.toSet()));
        assertThat(from.apply(JobConfig.of(required, "test"))).isEqualTo(expected);
    }

    /**
     * With every key of the section set, each to a value other than its default, the section reads as
     * {@code expected}; and each optional key set alone changes what the section reads (or is refused, naming it,
     * without a key it needs), so no key is parsed and then forgotten.
     */
    static <R> void assertFullMapping(JobKey.Section section, Function<JobConfig, R> from,
                                      Map<String, String> properties, R expected) {
        assertThat(keysOf(properties)).as("every key of section " + section).isEqualTo(Set.copyOf(JobKey.in(section)));
        JobConfig all = JobConfig.of(properties, "test");
        properties.keySet().forEach(name -> JobKey.of(name).orElseThrow().defaultValue().ifPresent(d ->
                assertThat(all.find(JobKey.of(name).orElseThrow())).as(name + " differs from its default")
                        .isNotEqualTo(Optional.of(d))));
        assertThat(from.apply(all)).isEqualTo(expected);

        Map<String, String> required = new LinkedHashMap<>();
        properties.forEach((name, value) -> {
            if (JobKey.of(name).orElseThrow().defaultText().equals("required")) {
                required.put(name, value);
            }
        });
        R base = from.apply(JobConfig.of(required, "test"));
        properties.forEach((name, value) -> {
            if (!required.containsKey(name)) {
                Map<String, String> one = new LinkedHashMap<>(required);
                one.put(name, value);
                try {
                    assertThat(from.apply(JobConfig.of(one, "test"))).as(name + " changes the section")
                            .isNotEqualTo(base);
                } catch (JobSpecException e) { // read, and refused without the key it needs (run.hour: run.date)
                    assertThat(e).hasMessageContaining(name);
                }
            }
        });
    }

    private static Set<JobKey<?>> keysOf(Map<String, String> properties) {
        return properties.keySet().stream().map(k -> JobKey.of(k).orElseThrow()).collect(Collectors.toSet());
    }
}
