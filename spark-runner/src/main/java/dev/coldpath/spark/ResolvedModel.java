package dev.coldpath.spark;

import dev.coldpath.core.model.ModelArtifact;

/** A job's model as the driver found it: the artifact executors will load, and the bytes, already verified. */
record ResolvedModel(ModelArtifact artifact, byte[] bytes) {
    /** The model_version directory value: the registry version, or the content hash for a plain file. */
    String versionValue() {
        return versionValue(artifact);
    }

    /** The model_version value of {@code artifact}: the registry version, or the content hash for a plain file. */
    static String versionValue(ModelArtifact artifact) {
        return artifact.version().isEmpty() ? "sha256-" + artifact.sha256().substring(0, 12) : artifact.version();
    }
}
