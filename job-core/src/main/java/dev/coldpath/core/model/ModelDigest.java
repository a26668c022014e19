package dev.coldpath.core.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

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
 */
public final class ModelDigest {
    private static final int BUFFER = 1 << 16;

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

    /** The hex SHA-256 of a local file. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
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

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
