package dev.coldpath.spark;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.HadoopModelStore;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.registry.ModelReference;
import dev.coldpath.core.registry.ModelRegistry;
import dev.coldpath.core.registry.RegisteredModel;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.ModelSpec;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/** Finds a job's model: a plain file or URI, or a registry reference. Driver-only. */
final class ModelResolver {
    private ModelResolver() {
    }

    /** The job's champion model. */
    static ResolvedModel resolve(JobSpec spec, HadoopFileStore store, Configuration conf) {
        return resolve(spec.model(), store, conf);
    }

    static ResolvedModel resolve(ModelSpec model, HadoopFileStore store, Configuration conf) {
        if (ModelReference.isReference(model.source())) {
            ModelRegistry registry = new ModelRegistry(store,
                    store.qualify(model.registry().orElseGet(ModelRegistry::defaultRoot)));
            RegisteredModel registered = registry.resolve(ModelReference.parse(model.source()));
            ModelArtifact artifact = registry.artifact(registered);
            byte[] bytes = HadoopModelStore.read(artifact.location(), conf);
            artifact.verify(bytes); // a tampered file is refused on the driver, before any task runs
            return new ResolvedModel(artifact, bytes);
        }
        String location = HadoopModelStore.modelFile(store.qualify(model.source()), conf);
        byte[] bytes = HadoopModelStore.read(location, conf);
        ModelArtifact artifact = new ModelArtifact(location, ModelArtifact.sha256(bytes), bytes.length,
                fileName(model.source()), "", Map.of());
        return new ResolvedModel(artifact, bytes);
    }

    private static String fileName(String location) {
        String trimmed = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        String name = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    }
}
