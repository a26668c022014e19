package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import java.util.Optional;

/**
 * What a job reads: {@code input.*}.
 *
 * @param path        a Parquet file or directory, or a directory of images; may be a template with {@code {date}},
 *                    {@code {hour}}, ...; "" for an Iceberg table input
 * @param incremental score only the partition directories no committed run of the model has scored; for an Iceberg
 *                    table, only the rows appended since the snapshot the last committed run read
 * @param badFiles    what to do with a file that cannot be read as Parquet
 * @param format      Parquet files, or image files
 * @param glob        with {@link InputFormat#IMAGES}, the file names read; empty for {@link InputFormat#DEFAULT_GLOB}
 * @param table       the Iceberg table read instead of {@code path} ({@code input.table})
 */
public record InputSpec(String path, boolean incremental, BadFilesPolicy badFiles, InputFormat format,
                        Optional<String> glob, Optional<IcebergInput> table) {
    public InputSpec {
        requireNonNull(path, "path is null");
        requireNonNull(badFiles, "badFiles is null");
        requireNonNull(format, "format is null");
        requireNonNull(glob, "glob is null");
        requireNonNull(table, "table is null");
    }

    /** A Parquet or images input. */
    public InputSpec(String path, boolean incremental, BadFilesPolicy badFiles, InputFormat format,
                     Optional<String> glob) {
        this(path, incremental, badFiles, format, glob, Optional.empty());
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

    /**
     * Refuses the keys an images input cannot honour ({@code input.incremental} and {@code input.bad-files: skip}),
     * and those an Iceberg table input cannot.
     */
    public void checkCombinations() {
        if (table.isPresent() && images()) {
            throw new JobSpecException("Invalid input.format: images with input.table (an Iceberg table input is"
                    + " read as a table: remove input.format, or give input.path instead of input.table)");
        }
        if (table.isPresent() && badFiles == BadFilesPolicy.SKIP) {
            throw new JobSpecException("Invalid input.bad-files: skip with input.table (Iceberg reads the files its"
                    + " snapshot lists, and a file it cannot read fails the run: remove input.bad-files)");
        }
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
        Optional<IcebergInput> table = IcebergInput.from(config);
        String path = "";
        if (table.isEmpty()) {
            path = config.require(JobKey.INPUT_PATH);
        } else if (config.find(JobKey.INPUT_PATH).filter(p -> !p.isBlank()).isPresent()) {
            throw new JobSpecException("input.path and input.table are both set: a job reads either Parquet files"
                    + " (input.path) or an Iceberg table (input.table); remove one");
        }
        InputSpec spec = new InputSpec(path, config.get(JobKey.INCREMENTAL),
                config.get(JobKey.BAD_FILES), config.get(JobKey.INPUT_FORMAT),
                config.find(JobKey.INPUT_GLOB).filter(g -> !g.isBlank()), table);
        if (spec.glob.isPresent() && !spec.images()) {
            throw new JobSpecException("Invalid input.glob: " + spec.glob.get() + " (only with input.format: images;"
                    + " a Parquet input reads every data file under input.path)");
        }
        return spec;
    }
}
