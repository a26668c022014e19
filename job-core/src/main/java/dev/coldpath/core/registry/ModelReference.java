package dev.coldpath.core.registry;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model named by its registry name and version, as job files and {@code --model} write it:
 * {@code churn@1.4.0}, or {@code churn@latest} for the registry's latest version (see
 * {@link ModelRegistry#resolve}).
 *
 * @param version the exact version, or empty for latest
 */
public record ModelReference(String name, Optional<SemVer> version) {
    public static final String LATEST = "latest";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public ModelReference {
        checkName(name);
        requireNonNull(version, "version is null");
    }

    public static ModelReference latest(String name) {
        return new ModelReference(name, Optional.empty());
    }

    public static ModelReference of(String name, SemVer version) {
        return new ModelReference(name, Optional.of(version));
    }

    /**
     * Whether a {@code model} value means a registry reference rather than a file: exactly one '@', no path
     * separator, and no ".onnx" ending, so that every plain path keeps its meaning.
     */
    public static boolean isReference(String modelValue) {
        return modelValue != null
                && modelValue.indexOf('@') >= 0 && modelValue.indexOf('@') == modelValue.lastIndexOf('@')
                && modelValue.indexOf('/') < 0 && modelValue.indexOf('\\') < 0
                && !modelValue.endsWith(".onnx");
    }

    /** Parses {@code name@version} or {@code name@latest}; an invalid name or version names the rule broken. */
    public static ModelReference parse(String text) {
        requireNonNull(text, "model reference is null");
        int at = text.indexOf('@');
        if (at < 0 || at != text.lastIndexOf('@')) {
            throw new JobSpecException("Invalid model reference '" + text + "': must be NAME@VERSION or"
                    + " NAME@latest, e.g. churn@1.4.0");
        }
        String name = text.substring(0, at);
        String version = text.substring(at + 1);
        checkName(name);
        if (version.equals(LATEST)) {
            return latest(name);
        }
        try {
            return of(name, SemVer.parse(version));
        } catch (JobSpecException e) {
            throw new JobSpecException("Invalid model reference '" + text + "': version '" + version
                    + "' is neither 'latest' nor a valid SemVer version (" + e.getMessage() + ")");
        }
    }

    /** Checks a registry model name: a letter or digit, then letters, digits, '.', '_' or '-'. */
    public static String checkName(String name) {
        requireNonNull(name, "name is null");
        if (!NAME.matcher(name).matches()) {
            throw new JobSpecException("Invalid model name '" + name + "': must start with a letter or digit and"
                    + " contain only letters, digits, '.', '_' and '-' (pattern " + NAME.pattern() + ")");
        }
        return name;
    }

    public boolean isLatest() {
        return version.isEmpty();
    }

    @Override
    public String toString() {
        return name + "@" + version.map(SemVer::toString).orElse(LATEST);
    }
}
