package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Coldpath#score} scores with: a model and any of the job keys a job file takes (docs/job-keys.md),
 * except the input and output, which are the caller's DataFrames. Immutable; each method returns a copy.
 *
 * <pre>{@code
 * ScoringOptions options = ScoringOptions.model("wine@1.0.0")
 *         .registry("s3a://ml/registry")
 *         .features("features")
 *         .keepColumns("id")
 *         .set("bad-rows.policy", "skip");
 * }</pre>
 */
public final class ScoringOptions implements Serializable {
    /** Placeholders for the keys a job requires but the API does not use. */
    private static final String INPUT = "(the input DataFrame)";
    private static final String OUTPUT = "(the returned DataFrame)";

    private final Map<String, Object> keys;

    private ScoringOptions(Map<String, Object> keys) {
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    /**
     * Options for a model: a .onnx file or URI, a model folder, an MLflow model, a Triton repository's model, or a
     * registered version {@code name@version} (docs/models.md).
     */
    public static ScoringOptions model(String model) {
        requireNonNull(model, "model is null");
        return new ScoringOptions(Map.of("model", model));
    }

    /** The registry a {@code name@version} model is in ({@code registry}). */
    public ScoringOptions registry(String registry) {
        return set("registry", registry);
    }

    /** The columns that feed the model's only input, in order ({@code features}). */
    public ScoringOptions features(String... columns) {
        return set("features", List.of(columns));
    }

    /** The input columns copied beside the predictions ({@code output.keep-columns}). */
    public ScoringOptions keepColumns(String... columns) {
        return set("output.keep-columns", List.of(columns));
    }

    /** The model outputs written, and their column prefix: {@code output.columns}. */
    public ScoringOptions outputs(String... outputs) {
        return set("output.columns", List.of(outputs));
    }

    public ScoringOptions batchSize(int rows) {
        return set("inference.batch-size", rows);
    }

    /**
     * Any job key, as a job file sets it (a list as a {@code List}); {@code input.*}, {@code output.path} and the
     * {@code run.*} keys belong to a run and are refused. Keys are checked when {@link Coldpath#score} plans.
     */
    public ScoringOptions set(String key, Object value) {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        if (key.startsWith("input.") || key.equals("output.path") || key.startsWith("run.")) {
            throw new JobSpecException("Invalid ScoringOptions key " + key + ": Coldpath.score reads the DataFrame it is"
                    + " given and returns the scored rows; set " + key + " in a job for coldpath run instead");
        }
        Map<String, Object> copy = new LinkedHashMap<>(keys);
        copy.put(key, value);
        return new ScoringOptions(copy);
    }

    /** The keys set, in the order they were set. */
    public Map<String, Object> keys() {
        return keys;
    }

    /** The job these options describe, with placeholders for the input and output it does not have. */
    JobSpec toJobSpec() {
        Map<String, Object> flat = new LinkedHashMap<>(keys);
        flat.put("input.path", INPUT);
        flat.put("output.path", OUTPUT);
        return JobSpec.from(JobConfig.of(flat, "ScoringOptions"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoringOptions other && keys.equals(other.keys);
    }

    @Override
    public int hashCode() {
        return keys.hashCode();
    }

    @Override
    public String toString() {
        return "ScoringOptions" + keys;
    }
}
