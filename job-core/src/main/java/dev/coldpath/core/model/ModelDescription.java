package dev.coldpath.core.model;

import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.error.ModelLoadException;
import java.util.Map;
import java.util.TreeMap;

/** What {@code coldpath inspect} shows about a model. */
public record ModelDescription(String location, String sha256, long sizeBytes, ModelSignature signature,
                               ModelHeader header, String graphName, String description, String domain,
                               long modelVersion, Map<String, String> metadata) {
    public ModelDescription {
        metadata = Map.copyOf(metadata);
    }

    /** Opens the model once, by path, on one thread, to read its signature and metadata. */
    public static ModelDescription of(String location, LocalModel model) {
        ModelHeader header = ModelHeader.read(model.file());
        try (OnnxModel session = OnnxModel.open(location, model.file(), SessionSettings.cpu(1))) {
            OnnxModelMetadata meta = session.session().getMetadata();
            return new ModelDescription(location, model.sha256(), model.sizeBytes(), session.signature(),
                    header, meta.getGraphName(), meta.getDescription(), meta.getDomain(), meta.getVersion(),
                    new TreeMap<>(meta.getCustomMetadata()));
        } catch (OrtException e) {
            throw new ModelLoadException("Cannot read the metadata of model " + location + ": " + e.getMessage(), e);
        }
    }
}
