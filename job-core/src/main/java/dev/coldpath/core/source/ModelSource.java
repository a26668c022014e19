package dev.coldpath.core.source;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.Dimension;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.model.ValueKind;
import dev.coldpath.core.model.ValueSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a job's model is, as its location's layout says (docs/models.md, Model sources): the .onnx file to open,
 * what the source records about where the model came from (an MLflow run id, a Triton version), a batch size it
 * asks for, and the inputs and outputs it declares, checked against the model before anything runs.
 *
 * @param location         the location as given
 * @param modelFile        the .onnx file in it
 * @param lineage          what the source records, e.g. {@code mlflow.run_id}; goes into the artifact's metadata and
 *                         so into the manifest
 * @param defaultBatchSize the batch size the source asks for when the job does not set one (Triton's
 *                         {@code max_batch_size}); 0 for none
 * @param declared         the inputs and outputs the source declares; empty when it declares none
 * @param declaredIn       the file that declares them, for errors
 */
public record ModelSource(SourceKind kind, String location, String modelFile, Map<String, String> lineage,
                          int defaultBatchSize, List<DeclaredValue> declared, String declaredIn) {
    public ModelSource {
        requireNonNull(kind, "kind is null");
        requireNonNull(location, "location is null");
        requireNonNull(modelFile, "modelFile is null");
        requireNonNull(declaredIn, "declaredIn is null");
        lineage = Map.copyOf(lineage);
        declared = List.copyOf(declared);
        if (defaultBatchSize < 0) {
            throw new IllegalArgumentException("defaultBatchSize must be >= 0: " + defaultBatchSize);
        }
    }

    /** A plain file: nothing declared, nothing recorded. */
    public static ModelSource file(String location) {
        return new ModelSource(SourceKind.ONNX_FILE, location, location, Map.of(), 0, List.of(), "");
    }

    public Optional<Integer> batchSize() {
        return defaultBatchSize > 0 ? Optional.of(defaultBatchSize) : Optional.empty();
    }

    /**
     * Checks each declared input and output against the model's signature: it must exist, with the declared element
     * type and shape (a -1 matches any size, and a fixed size is needed only where the model fixes one).
     *
     * @throws JobSpecException naming the value, what the source declares and what the model has
     */
    public void check(ModelSignature signature) {
        for (DeclaredValue d : declared) {
            String what = d.input() ? "input" : "output";
            Optional<ValueSpec> actual = d.input() ? signature.input(d.name()) : signature.output(d.name());
            if (actual.isEmpty()) {
                throw new JobSpecException(declaredIn + " declares " + what + " '" + d.name() + "' but model "
                        + modelFile + " has no such " + what + " (its " + what + "s: " + ModelSignature.describe(
                        d.input() ? signature.inputs() : signature.outputs()) + "): fix " + fileName(declaredIn)
                        + " or the model");
            }
            ValueSpec v = actual.get();
            if (!matches(d, v)) {
                throw new JobSpecException(declaredIn + " declares " + what + " '" + d.name() + "' as "
                        + d.describe() + " but model " + modelFile + " has " + v.describe() + ": fix "
                        + fileName(declaredIn) + " or the model");
            }
        }
    }

    private static boolean matches(DeclaredValue d, ValueSpec v) {
        if (v.kind() != ValueKind.TENSOR) {
            return d.dims().isEmpty() && d.elementType().isEmpty();
        }
        if (d.elementType().isPresent() && !d.elementType().get().equals(ValueSpec.typeName(v.elementType()))) {
            return false;
        }
        if (d.dims().isEmpty()) {
            return true;
        }
        List<Long> dims = d.dims().get();
        if (dims.size() != v.rank()) {
            return false;
        }
        for (int i = 0; i < dims.size(); i++) {
            Dimension m = v.shape().get(i);
            if (dims.get(i) >= 0 && m.isFixed() && m.size() != dims.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
