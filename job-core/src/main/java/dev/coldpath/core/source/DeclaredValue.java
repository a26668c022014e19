package dev.coldpath.core.source;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * A model input or output as a source declares it (Triton's config.pbtxt, an MLflow tensor signature), checked
 * against the model's own signature before anything runs.
 *
 * @param input       an input (else an output)
 * @param elementType the ONNX element type name ({@code float}, {@code int64}); empty when not declared
 * @param dims        the full shape, batch dimension included; -1 for a dimension of any size; empty when not
 *                    declared
 */
public record DeclaredValue(boolean input, String name, Optional<String> elementType, Optional<List<Long>> dims)
        implements Serializable {
    public DeclaredValue {
        requireNonNull(name, "name is null");
        requireNonNull(elementType, "elementType is null");
        dims = dims.map(List::copyOf);
    }

    public String describe() {
        return elementType.orElse("?") + dims.map(d -> d.stream().map(v -> v < 0 ? "-1" : Long.toString(v))
                .reduce((a, b) -> a + "," + b).map(s -> "[" + s + "]").orElse("[]")).orElse("");
    }
}
