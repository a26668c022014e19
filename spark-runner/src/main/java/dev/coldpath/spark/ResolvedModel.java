package dev.coldpath.spark;

import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.source.ModelSource;

/**
 * A job's model as the driver found it: the artifact executors will load, its copy on the driver's disk, already
 * verified, that the driver opens by path, and the source it came from (an MLflow model, a Triton repository...).
 */
record ResolvedModel(ModelArtifact artifact, LocalModel local, ModelSource source) {
    /** The model_version directory value: the registry version, or the content hash for a plain file. */
    String versionValue() {
        return versionValue(artifact);
    }

    /** The model_version value of {@code artifact}: the registry version, or the content hash for a plain file. */
    static String versionValue(ModelArtifact artifact) {
        return artifact.version().isEmpty() ? "sha256-" + artifact.sha256().substring(0, 12) : artifact.version();
    }
}
