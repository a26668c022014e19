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
    MODEL("model", false, "the ONNX model: a file path or URI, or a registry reference name@version|latest"),
    /** Where registered models live. */
    REGISTRY("registry", false, "the model registry's root directory (default: $COLDPATH_REGISTRY, else"
            + " ~/.coldpath/registry)"),
    /** What to score. */
    INPUT_PATH("input.path", false, "the Parquet file or directory to score"),
    /** Where predictions go. */
    OUTPUT_PATH("output.path", false, "the prediction table's root directory: each run is a directory inside it"),
    /** Whether a successful run becomes current by itself. */
    PROMOTE("output.promote", false, "on-success (default): a committed run becomes the table's current run;"
            + " manual: only 'coldpath runs promote' moves the pointer"),
    /** The run's id. */
    RUN_ID("run.id", false, "the run's id, its directory in the table (default: the run's date or hour, else"
            + " the start time); a rerun with the same id replaces that run"),
    /** The logical date of a scheduled run. */
    RUN_DATE("run.date", false, "the logical date YYYY-MM-DD; fills {date}, {year}, {month}, {day} in input.path"),
    /** The logical hour of a scheduled run. */
    RUN_HOUR("run.hour", false, "the logical hour 0-23; fills {hour} in input.path"),
    /** Score only input partitions no committed run has scored. */
    INCREMENTAL("input.incremental", false, "true: score only the partition directories of input.path that no"
            + " committed run of this model has scored yet (default: false)"),
    /** Model outputs to write. */
    OUTPUT_COLUMNS("output.columns", false, "the model outputs to write, as a list (default: all)"),
    /** Input columns copied beside the predictions. */
    KEEP_COLUMNS("output.keep-columns", false,
            "input columns copied beside the predictions (default: every column that is not a feature)"),
    /** Prefix of prediction column names. */
    OUTPUT_PREFIX("output.prefix", false, "prepended to each prediction column's name (default: none)"),
    /** Rows per ONNX Runtime call. */
    BATCH_SIZE("inference.batch-size", false, "rows per ONNX Runtime call, or auto (default): as many rows as"
            + " fit 8 MiB of input tensors, at most 1024"),
    /** Intra-op threads per session. */
    THREADS("inference.threads", false,
            "intra-op threads per session (default: the task's cpus, so task slots x threads <= cores)"),
    /** Where sessions run. */
    DEVICE("inference.device", false, "cpu (default), cuda or auto"),
    /** What to do with rows the model cannot take. */
    BAD_ROWS_POLICY("bad-rows.policy", false, "fail (default): the first bad row fails the job; skip: leave it out;"
            + " quarantine: leave it out and write it with a reason to the run's _quarantine directory"),
    /** How many rows may be rejected. */
    BAD_ROWS_MAX_FRACTION("bad-rows.max-fraction", false,
            "the share of rows that may be rejected before the run aborts, 0 to 1 (default: 0.01)"),
    /** Nulls and NaNs in features. */
    BAD_ROWS_MISSING("bad-rows.missing", false, "reject (default) a row with a null or NaN feature, or impute it"),
    /** The value imputed for a missing feature. */
    BAD_ROWS_IMPUTE_VALUE("bad-rows.impute-value", false, "the value that replaces a null or NaN (default: 0)"),
    /** Longest the run may take. */
    BUDGET_WALL_TIME("budget.max-wall-time", false, "the longest the run may take, e.g. 90s, 30m, 2h (default: none)"),
    /** Slowest inference p99. */
    BUDGET_P99("budget.p99-batch-ms", false, "the highest allowed 99th percentile of inference time per batch, in ms"),
    /** Fewest rows. */
    BUDGET_MIN_ROWS("budget.min-rows", false, "the fewest rows the run must write"),
    /** Fail or warn on a breach. */
    BUDGET_ON_BREACH("budget.on-breach", false, "fail (default, exit 4, nothing committed) or warn"),
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
                .filter(k -> (k.key.equals(name) && k != SPARK) || (k.prefix && name.startsWith(k.key + ".")
                        && name.length() > k.key.length() + 1))
                .findFirst();
    }
}
