package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import java.util.Optional;

/**
 * What a job reads: {@code input.*}.
 *
 * @param path        a Parquet file or directory, or a directory of images; may be a template with {@code {date}},
 *                    {@code {hour}}, ...
 * @param incremental score only the partition directories no committed run of the model has scored
 * @param badFiles    what to do with a file that cannot be read as Parquet
 * @param format      Parquet files, or image files
 * @param glob        with {@link InputFormat#IMAGES}, the file names read; empty for {@link InputFormat#DEFAULT_GLOB}
 */
public record InputSpec(String path, boolean incremental, BadFilesPolicy badFiles, InputFormat format,
                        Optional<String> glob) {
    public InputSpec {
        requireNonNull(path, "path is null");
        requireNonNull(badFiles, "badFiles is null");
        requireNonNull(format, "format is null");
        requireNonNull(glob, "glob is null");
    }

    /** A Parquet input. */
    public InputSpec(String path, boolean incremental, BadFilesPolicy badFiles) {
        this(path, incremental, badFiles, InputFormat.PARQUET, Optional.empty());
    }

    /** A Parquet input whose bad files fail the run (the default). */
    public InputSpec(String path, boolean incremental) {
        this(path, incremental, BadFilesPolicy.FAIL);
    }

    /** Whether the input is a directory of image files. */
    public boolean images() {
        return format == InputFormat.IMAGES;
    }

    /** The glob of an images input's file names: as set, else {@link InputFormat#DEFAULT_GLOB}. */
    public String effectiveGlob() {
        return glob.orElse(InputFormat.DEFAULT_GLOB);
    }

    /** Refuses the keys an images input cannot honour: {@code input.incremental} and {@code input.bad-files: skip}. */
    public void checkCombinations() {
        if (images() && incremental) {
            throw new JobSpecException("Invalid input.incremental: true with input.format: images (an images input"
                    + " has no partition directories: point input.path at one folder per run, e.g. with {date})");
        }
        if (images() && badFiles == BadFilesPolicy.SKIP) {
            throw new JobSpecException("Invalid input.bad-files: skip with input.format: images (an image that cannot"
                    + " be decoded is a bad row: set bad-rows.policy)");
        }
    }

    /** The section as {@code config} sets it, defaults applied; combinations that cannot work are refused. */
    public static InputSpec from(JobConfig config) {
        InputSpec spec = new InputSpec(config.require(JobKey.INPUT_PATH), config.get(JobKey.INCREMENTAL),
                config.get(JobKey.BAD_FILES), config.get(JobKey.INPUT_FORMAT),
                config.find(JobKey.INPUT_GLOB).filter(g -> !g.isBlank()));
        if (spec.glob.isPresent() && !spec.images()) {
            throw new JobSpecException("Invalid input.glob: " + spec.glob.get() + " (only with input.format: images;"
                    + " a Parquet input reads every data file under input.path)");
        }
        return spec;
    }
}
