package dev.coldpath.core.spec;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The known key an unknown one was probably meant to be: a typo, a wrong case, a missing section. Its edit
 * distance also serves the CLI's suggestions for misspelled subcommands.
 */
public final class KeySuggestion {
    private KeySuggestion() {
    }

    /**
     * The nearest known key, as {@code --help} writes it: same name in another case, a key whose last part it is
     * ({@code batch-size}), a prefix key without its suffix ({@code spark.}), the keys of a section given as a
     * key ({@code inference}), or a key at most a few edits away ({@code output.colums}); else empty.
     */
    static Optional<String> nearest(String unknown) {
        String lower = unknown.toLowerCase(Locale.ROOT);
        Optional<String> binding = JobKey.bindingOf(unknown);
        if (binding.isPresent()) { // models.<name>.<field>: suggest a field of the same binding
            String prefix = JobKey.BINDINGS + "." + binding.get() + ".";
            return nearest(lower.substring(prefix.length()), JobKey.all().stream().filter(JobKey::isBinding).toList())
                    .map(field -> prefix + field);
        }
        return nearest(lower, JobKey.all().stream().filter(k -> !k.isBinding()).toList());
    }

    private static Optional<String> nearest(String lower, List<JobKey<?>> keys) {
        for (JobKey<?> k : keys) {
            if (k.isPrefix() ? lower.startsWith(k.key() + ".") : k.key().equals(lower)) {
                return Optional.of(!k.isPrefix() ? k.key() : k.isBinding()
                        ? k.displayName().substring((JobKey.BINDINGS + ".<name>.").length()) : k.displayName());
            }
        }
        List<String> endingSo = keys.stream().filter(k -> !k.isPrefix() && k.key().endsWith("." + lower))
                .map(JobKey::key).toList();
        if (endingSo.size() == 1) {
            return Optional.of(endingSo.get(0));
        }
        List<String> inSection = keys.stream().filter(k -> !k.isPrefix() && k.key().startsWith(lower + "."))
                .map(JobKey::key).toList();
        if (!inSection.isEmpty()) {
            return Optional.of(inSection.size() == 1 ? inSection.get(0)
                    : "one of " + inSection.stream().collect(Collectors.joining(", ")));
        }
        int allowed = Math.max(1, Math.min(3, lower.length() / 4));
        return keys.stream().filter(k -> !k.isPrefix())
                .map(k -> new Candidate(k.key(), distance(lower, k.key())))
                .filter(c -> c.distance() <= allowed)
                .min(Comparator.comparingInt(Candidate::distance))
                .map(Candidate::key);
    }

    private record Candidate(String key, int distance) {
    }

    /** Levenshtein distance. */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
