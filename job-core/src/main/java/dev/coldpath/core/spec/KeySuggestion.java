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

    /**
     * Edit distance with transpositions (optimal string alignment): insertions, deletions, substitutions and swaps
     * of two neighbouring characters each count 1, so {@code modle} is 1 from {@code model}.
     */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
