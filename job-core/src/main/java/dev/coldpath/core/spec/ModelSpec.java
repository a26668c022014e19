package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.registry.ModelReference;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One model a job runs, and how it is bound to columns: {@code model}, {@code registry}, {@code features},
 * {@code features.<input>}, {@code output.columns} and {@code output.prefix}. A job has one for now.
 *
 * @param source       a file path or URI, or a registry reference {@code name@version}
 * @param registry     the registry a reference is resolved in; empty for the default ($COLDPATH_REGISTRY, else
 *                     ~/.coldpath/registry)
 * @param features     model input name (or {@link #SOLE_INPUT}) to its columns
 * @param outputs      the model outputs to write; empty for all
 * @param outputPrefix prepended to each prediction column's name
 * @param text         how a text model reads its string column ({@code text.*}, the job's for every model)
 * @param image        how a column of encoded images feeds the model ({@code image.*}); {@link ImageSpec#NONE}
 */
public record ModelSpec(String source, Optional<String> registry, Map<String, List<String>> features,
                        List<String> outputs, String outputPrefix, TextSpec text, ImageSpec image) {
    /** The key of {@link #features} that maps the model's only input, whatever its name. */
    public static final String SOLE_INPUT = "";

    public ModelSpec {
        requireNonNull(source, "source is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(outputPrefix, "outputPrefix is null");
        requireNonNull(text, "text is null");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        features.forEach((input, columns) -> copy.put(input, List.copyOf(columns)));
        features = Collections.unmodifiableMap(copy);
        outputs = List.copyOf(outputs);
        requireNonNull(image, "image is null");
    }

    /** A model that reads neither a text column nor images. */
    public ModelSpec(String source, Optional<String> registry, Map<String, List<String>> features,
                     List<String> outputs, String outputPrefix) {
        this(source, registry, features, outputs, outputPrefix, TextSpec.NONE, ImageSpec.NONE);
    }

    /** A text model. */
    public ModelSpec(String source, Optional<String> registry, Map<String, List<String>> features,
                     List<String> outputs, String outputPrefix, TextSpec text) {
        this(source, registry, features, outputs, outputPrefix, text, ImageSpec.NONE);
    }

    /** An image model. */
    public ModelSpec(String source, Optional<String> registry, Map<String, List<String>> features,
                     List<String> outputs, String outputPrefix, ImageSpec image) {
        this(source, registry, features, outputs, outputPrefix, TextSpec.NONE, image);
    }

    /** The section as {@code config} sets it, defaults applied. */
    public static ModelSpec from(JobConfig config) {
        Map<String, List<String>> features = new LinkedHashMap<>();
        config.find(JobKey.FEATURES).ifPresent(columns -> features.put(SOLE_INPUT, columns));
        features.putAll(config.prefixed(JobKey.INPUT_FEATURES));
        return new ModelSpec(config.require(JobKey.MODEL), config.find(JobKey.REGISTRY), features,
                config.get(JobKey.OUTPUT_COLUMNS), config.get(JobKey.OUTPUT_PREFIX), TextSpec.from(config),
                ImageSpec.from(config));
    }

    /** The name a job takes by default: the registry name, or the file name without {@code .onnx}. */
    public String defaultName() {
        if (ModelReference.isReference(source)) {
            return source.substring(0, source.indexOf('@'));
        }
        String trimmed = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
        String file = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
    }
}
