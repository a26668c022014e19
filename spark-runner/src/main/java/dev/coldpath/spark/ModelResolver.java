package dev.coldpath.spark;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ModelCache;
import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.registry.ModelReference;
import dev.coldpath.core.registry.ModelRegistry;
import dev.coldpath.core.registry.RegisteredModel;
import dev.coldpath.core.source.ModelSource;
import dev.coldpath.core.source.ModelSources;
import dev.coldpath.core.spec.ExecutorSpec;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.ModelSpec;
import org.apache.hadoop.conf.Configuration;

/**
 * Finds a job's model: a file or URI (a .onnx file, a model folder, an MLflow model, a Triton repository: see
 * {@link ModelSources}), or a registry reference. Driver-only.
 */
final class ModelResolver {
    private ModelResolver() {
    }

    /** The job's champion model. */
    static ResolvedModel resolve(JobSpec spec, HadoopFileStore store, Configuration conf) {
        return resolve(spec.model(), spec.executor(), store, conf);
    }

    /**
     * A model of the job, on the driver's disk: a local file in place, a remote one (and a registered one) through
     * the same local-disk cache executors use ({@code executor.model-cache.*}), so the driver opens it by path too.
     */
    static ResolvedModel resolve(ModelSpec model, ExecutorSpec executor, HadoopFileStore store, Configuration conf) {
        ModelCache cache = ExecutorSessions.models(executor);
        if (ModelReference.isReference(model.source())) {
            ModelRegistry registry = new ModelRegistry(store,
                    store.qualify(model.registry().orElseGet(ModelRegistry::defaultRoot)));
            RegisteredModel registered = registry.resolve(ModelReference.parse(model.source()));
            ModelArtifact artifact = registry.artifact(registered);
            // a tampered file is refused on the driver, before any task runs
            return new ResolvedModel(artifact, cache.fetchFromSource(artifact, conf),
                    ModelSource.file(artifact.location()));
        }
        ModelSource source = ModelSources.locate(store, store.qualify(model.source()));
        LocalModel local = cache.fetch(source.modelFile(), conf);
        ModelArtifact artifact = new ModelArtifact(source.modelFile(), local.sha256(), local.sizeBytes(),
                fileName(model.source()), "", source.lineage(), local.dataFiles());
        return new ResolvedModel(artifact, local, source);
    }

    private static String fileName(String location) {
        String trimmed = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        String name = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    }
}
