package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

/**
 * What a job reads: {@code input.*}.
 *
 * @param path        a Parquet file or directory; may be a template with {@code {date}}, {@code {hour}}, ...
 * @param incremental score only the partition directories no committed run of the model has scored
 * @param badFiles    what to do with a file that cannot be read as Parquet
 */
public record InputSpec(String path, boolean incremental, BadFilesPolicy badFiles) {
    public InputSpec {
        requireNonNull(path, "path is null");
        requireNonNull(badFiles, "badFiles is null");
    }

    /** An input whose bad files fail the run (the default). */
    public InputSpec(String path, boolean incremental) {
        this(path, incremental, BadFilesPolicy.FAIL);
    }

    /** The section as {@code config} sets it, defaults applied. */
    public static InputSpec from(JobConfig config) {
        return new InputSpec(config.require(JobKey.INPUT_PATH), config.get(JobKey.INCREMENTAL),
                config.get(JobKey.BAD_FILES));
    }
}
