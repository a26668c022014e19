package dev.coldpath.core.spec;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every key a job file, {@code --set} or a command-line flag can set: the one place they are declared. Keys
 * are dotted paths; a YAML file may nest them ({@code inference: {batch-size: 2048}}). Prefix keys take any
 * suffix: {@code features.<model input>} and {@code spark.<Spark configuration key>}.
 */
public enum JobKey {
    /** A name for logs and run ids; defaults to the model's name. */
    NAME("name", false, "a name for logs and run ids (default: the model's name)"),
    /** The model to run. */
    MODEL("model", false, "the ONNX model: a file path or URI"),
    /** What to score. */
    INPUT_PATH("input.path", false, "the Parquet file or directory to score"),
    /** Where predictions go. */
    OUTPUT_PATH("output.path", false, "the directory the predictions are written to (Parquet)"),
    /** What to do when the output exists. */
    OUTPUT_MODE("output.mode", false, "error (default) or overwrite, when output.path already exists"),
    /** Model outputs to write. */
    OUTPUT_COLUMNS("output.columns", false, "the model outputs to write, as a list (default: all)"),
    /** Input columns copied beside the predictions. */
    KEEP_COLUMNS("output.keep-columns", false,
            "input columns copied beside the predictions (default: every column that is not a feature)"),
    /** Prefix of prediction column names. */
    OUTPUT_PREFIX("output.prefix", false, "prepended to each prediction column's name (default: none)"),
    /** Rows per ONNX Runtime call. */
    BATCH_SIZE("inference.batch-size", false, "rows per ONNX Runtime call (default: 1024)"),
    /** Intra-op threads per session. */
    THREADS("inference.threads", false,
            "intra-op threads per session (default: the task's cpus, so task slots x threads <= cores)"),
    /** Where sessions run. */
    DEVICE("inference.device", false, "cpu (default), cuda or auto"),
    /** The columns feeding each model input. */
    FEATURES("features", true, "features: a column list for a single-input model; features.<input>: the columns"
            + " of one model input (K scalar columns, or one array column)"),
    /** Spark configuration, passed through. */
    SPARK("spark", true, "spark.<key>: any Spark configuration key, as spark-submit --conf takes it");

    private final String key;
    private final boolean prefix;
    private final String description;

    JobKey(String key, boolean prefix, String description) {
        this.key = key;
        this.prefix = prefix;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public boolean isPrefix() {
        return prefix;
    }

    public String description() {
        return description;
    }

    /** The key that {@code name} sets, if any. */
    public static Optional<JobKey> of(String name) {
        return Arrays.stream(values())
                .filter(k -> k.key.equals(name) || (k.prefix && name.startsWith(k.key + ".")
                        && name.length() > k.key.length() + 1))
                .findFirst();
    }
}
