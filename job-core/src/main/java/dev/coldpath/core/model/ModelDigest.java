package dev.coldpath.core.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sha256 that identifies a model, computed by streaming, so a model is never held in the heap to be hashed.
 *
 * <p>A model in one file (no external data) is identified by the SHA-256 of that file, as {@code sha256sum}
 * prints it. A model with external-data files is identified by the SHA-256 of a text that lists its files: first
 * the line {@code <sha256 of the .onnx file>\n}, then for each external-data file, in the order of its name
 * relative to the model's directory, the line {@code <sha256 of the file>  <relative name>\n} ({@code sha256sum}'s
 * own format). The .onnx file's name is left out (a registry stores it as {@code model.onnx}); the data files'
 * names are kept, as the graph refers to them by name. From a shell, in the model's directory:
 * {@code (sha256sum < model.onnx | cut -c1-64; sha256sum model.onnx_data) | sha256sum}.
 *
 * <p>A local file's hash is remembered for the life of the JVM with the file's stamp: its device and inode, size,
 * modification time and change time. A later hash of the same path whose stamp is unchanged is the remembered one,
 * so a run that plans with a model, checks it on the driver and verifies it again where its sessions open (the same
 * JVM in local mode), or a process that runs many jobs, reads a large model once. The change time is what decides:
 * every write sets it and no one can set it back. A file changed less than {@link #SETTLED} ago is not remembered
 * (as git treats "racily clean" files): before Linux 6.13 the kernel takes file times from a clock that moves every
 * few milliseconds, so a file rewritten within one tick of its hash would keep its stamp. Nor is a file whose stamp
 * changed while it was read. Without the stamp (a file system with no inode or change time) every hash reads it.
 */
public final class ModelDigest {
    private static final int BUFFER = 1 << 16;
    private static final int REMEMBERED = 256;
    private static final String STAMP = "unix:dev,ino,size,lastModifiedTime,ctime";
    /** How long ago a file must have been changed for its hash to be remembered. */
    static final Duration SETTLED = Duration.ofSeconds(2);
    private static final Map<Path, Hashed> HASHED = new ConcurrentHashMap<>();
    private static final AtomicLong FILES_READ = new AtomicLong();

    private ModelDigest() {
    }

    /** The hex SHA-256 of a stream, read to its end in 64 KiB steps; the caller closes the stream. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[BUFFER];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The hex SHA-256 of a local file; read again only when its stamp changed (see the class comment). */
    public static String sha256(Path file) {
        return sha256(file, SETTLED);
    }

    /** As {@link #sha256(Path)}, remembering the hash of a file changed at least {@code settled} ago. */
    static String sha256(Path file, Duration settled) {
        Path key = file.toAbsolutePath().normalize();
        try (InputStream in = Files.newInputStream(file)) {
            // the stamp once the file is open: on NFS, opening it is what refreshes the attributes
            Optional<Map<String, Object>> before = stamp(key);
            Hashed known = HASHED.get(key);
            if (known != null && before.isPresent() && known.stamp().equals(before.get())) {
                return known.sha256();
            }
            FILES_READ.incrementAndGet();
            String sha256 = sha256(in);
            if (before.isPresent() && before.equals(stamp(key)) && settled(before.get(), settled)) {
                if (HASHED.size() >= REMEMBERED) {
                    HASHED.clear();
                }
                HASHED.put(key, new Hashed(before.get(), sha256));
            } else {
                HASHED.remove(key);
            }
            return sha256;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean settled(Map<String, Object> stamp, Duration settled) {
        Instant before = Instant.now().minus(settled);
        return stamp.get("ctime") instanceof FileTime changed && changed.toInstant().isBefore(before)
                && stamp.get("lastModifiedTime") instanceof FileTime modified && modified.toInstant().isBefore(before);
    }

    /** How many times {@link #sha256(Path)} read a file in this JVM (the rest were remembered hashes). */
    static long filesRead() {
        return FILES_READ.get();
    }

    /**
     * A model's sha256 from the hashes of its files (see the class comment).
     *
     * @param modelSha256 the .onnx file's sha256
     * @param dataFiles   each external-data file's relative name and sha256, in name order
     */
    public static String combine(String modelSha256, List<FileHash> dataFiles) {
        if (dataFiles.isEmpty()) {
            return modelSha256;
        }
        StringBuilder listing = new StringBuilder(modelSha256).append('\n');
        for (FileHash f : dataFiles) {
            listing.append(f.sha256()).append("  ").append(f.name()).append('\n');
        }
        return HexFormat.of().formatHex(newDigest().digest(listing.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** One external-data file of a model: its name relative to the model's directory, and its sha256. */
    public record FileHash(String name, String sha256) {
    }

    private static Optional<Map<String, Object>> stamp(Path file) {
        try {
            return Optional.of(Map.copyOf(Files.readAttributes(file, STAMP)));
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return Optional.empty(); // no unix view or the file gone: read it
        }
    }

    private record Hashed(Map<String, Object> stamp, String sha256) {
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
