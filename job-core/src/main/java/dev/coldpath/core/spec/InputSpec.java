package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

/**
 * What a job reads: {@code input.*}.
 *
 * @param path        a Parquet file or directory; may be a template with {@code {date}}, {@code {hour}}, ...
 * @param incremental score only the partition directories no committed run of the model has scored
 */
public record InputSpec(String path, boolean incremental) {
    public InputSpec {
        requireNonNull(path, "path is null");
    }

    /** The section as {@code config} sets it, defaults applied. */
    public static InputSpec from(JobConfig config) {
        return new InputSpec(config.require(JobKey.INPUT_PATH), config.get(JobKey.INCREMENTAL));
    }
}
