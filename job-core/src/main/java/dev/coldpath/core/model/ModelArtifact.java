package dev.coldpath.core.model;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.ModelLoadException;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exact model a job runs: where its files are, and their sha256 as the driver saw them ({@link ModelDigest}).
 * Executors bring the files to local disk again and refuse them unless the hash matches. Serializable; carries no
 * open resources.
 *
 * @param name     the registry name, or the file name for a plain path
 * @param version  the registry version, or "" for a plain path
 * @param metadata  registry metadata (training date, dataset hash, parameters) and a model source's lineage (an
 *                  MLflow run id); empty for a plain path
 * @param dataFiles the external-data files beside {@code location} that the model's tensors are stored in, by
 *                  their names relative to its directory; covered by {@code sha256} ({@link ModelDigest})
 */
public record ModelArtifact(String location, String sha256, long sizeBytes, String name, String version,
                            Map<String, String> metadata, List<String> dataFiles) implements Serializable {
    public ModelArtifact {
        requireNonNull(location, "location is null");
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        metadata = Map.copyOf(metadata);
        dataFiles = List.copyOf(dataFiles);
    }

    /** A model in one file, without external data. */
    public ModelArtifact(String location, String sha256, long sizeBytes, String name, String version,
                         Map<String, String> metadata) {
        this(location, sha256, sizeBytes, name, version, metadata, List.of());
    }

    /** The artifact with its lineage metadata extended by {@code more} (which wins on a clash). */
    public ModelArtifact withMetadata(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(metadata);
        merged.putAll(more);
        return new ModelArtifact(location, sha256, sizeBytes, name, version, merged, dataFiles);
    }

    /** Checks that the local copy is this model (same files, same sha256), or says which changed. */
    public void verify(LocalModel local) {
        String actual = local.sha256();
        if (!local.dataFiles().equals(dataFiles)) {
            throw new ModelLoadException("Model " + location + " now stores its tensors in " + local.dataFiles()
                    + " but the job expects " + dataFiles + ": the model changed after the job was planned"
                    + " (restore it, or register the new files as a new version)", null);
        }
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
