package dev.coldpath.core.spec;

import java.util.Locale;

/**
 * What a run does with an input file it cannot read as Parquet (corrupt, truncated, empty, not Parquet, or gone
 * after it was listed): {@code input.bad-files}.
 */
public enum BadFilesPolicy {
    /** The run fails (exit 2), naming the file. */
    FAIL,
    /** The run leaves the file out, and its manifest and summary name it. */
    SKIP;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
