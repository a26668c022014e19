package dev.coldpath.core.model;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.ModelLoadException;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The exact model a job runs: where its bytes are, and their sha256 as the driver saw them. Executors fetch
 * the bytes again and refuse them unless the hash matches. Serializable; carries no open resources.
 *
 * @param name     the registry name, or the file name for a plain path
 * @param version  the registry version, or "" for a plain path
 * @param metadata registry metadata (training date, dataset hash, parameters); empty for a plain path
 */
public record ModelArtifact(String location, String sha256, long sizeBytes, String name, String version,
                            Map<String, String> metadata) implements Serializable {
    public ModelArtifact {
        requireNonNull(location, "location is null");
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        metadata = Map.copyOf(metadata);
    }

    /** Checks that {@code bytes} are this model's, or says which file changed. */
    public void verify(byte[] bytes) {
        String actual = sha256(bytes);
        if (!actual.equals(sha256)) {
            throw new ModelLoadException("Model " + location + " has sha256 " + actual + " but the job expects "
                    + sha256 + ": the file changed after the job was planned or was tampered with"
                    + " (restore it, or register the new bytes as a new version)", null);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
