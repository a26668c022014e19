package dev.coldpath.core.spec;

import java.util.Locale;

/** What {@code input.path} holds: {@code input.format}. */
public enum InputFormat {
    /** Parquet files (a file, or a directory tree of them). */
    PARQUET,
    /**
     * Image files in a directory tree, read with Spark's {@code binaryFile} source: one row per file, with the columns
     * {@code path}, {@code modificationTime}, {@code length} and {@code content} (the encoded image).
     */
    IMAGES;

    /** The column of an images input that holds each file's bytes. */
    public static final String CONTENT = "content";
    /** The column of an images input that names each file: its default key. */
    public static final String PATH = "path";
    /** The files an images input reads when {@code input.glob} is not set: common image extensions, in any case. */
    public static final String DEFAULT_GLOB = "*.{png,jpg,jpeg,bmp,gif,webp,tif,tiff}";

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
