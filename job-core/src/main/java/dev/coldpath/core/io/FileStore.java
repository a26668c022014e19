package dev.coldpath.core.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The few file operations coldpath's tables and registry need, over any storage (local disk, HDFS, S3).
 * Paths are absolute URIs or paths as the store accepts them; {@link #resolve} joins them. Implementations
 * are thread safe. Errors are {@code StorageException}s, except where a method says otherwise.
 */
public interface FileStore {
    /** An entry of a directory listing. */
    record Entry(String path, String name, boolean directory, long size, long modificationTime) {
    }

    boolean exists(String path);

    /** The file's bytes, or empty if there is no such file. */
    Optional<byte[]> read(String path);

    /** Writes a file, replacing any file there; readers see the old or the new bytes, never a part. */
    void writeAtomically(String path, byte[] bytes);

    /** Writes a file only if none exists; returns false (writing nothing) if one does. */
    boolean createExclusively(String path, byte[] bytes);

    /**
     * As {@link #createExclusively(String, byte[])}, with the contents of a local file. This default reads the file
     * into memory; stores that hold models (the Hadoop one) stream it.
     */
    default boolean createExclusively(String path, Path local) {
        try {
            return createExclusively(path, Files.readAllBytes(local));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a local file to {@code path}, replacing any file there. This default reads the file into memory. */
    default void copyFrom(Path local, String path) {
        try {
            writeAtomically(path, Files.readAllBytes(local));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file as a stream the caller closes, or empty if there is no such file. This default reads it whole. */
    default Optional<InputStream> open(String path) {
        return read(path).map(ByteArrayInputStream::new);
    }

    /** The entries directly under a directory, by name; empty if it does not exist. */
    List<Entry> list(String directory);

    /** Renames a directory or file; the target must not exist. Atomic where the storage allows it. */
    void rename(String from, String to);

    /** Deletes a file or a directory tree; no error if it is not there. */
    void delete(String path);

    void mkdirs(String path);

    /** Whether {@link #rename} of a directory under {@code path} is atomic (local disk, HDFS: yes; S3: no). */
    boolean hasAtomicDirectoryRename(String path);

    default String resolve(String parent, String child) {
        return parent.endsWith("/") ? parent + child : parent + "/" + child;
    }
}
