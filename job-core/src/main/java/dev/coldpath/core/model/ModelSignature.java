package dev.coldpath.core.model;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** A model's inputs and outputs, in declaration order. */
public record ModelSignature(List<ValueSpec> inputs, List<ValueSpec> outputs) implements Serializable {
    public ModelSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public Optional<ValueSpec> input(String name) {
        return inputs.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    public Optional<ValueSpec> output(String name) {
        return outputs.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    public List<String> inputNames() {
        return inputs.stream().map(ValueSpec::name).toList();
    }

    public List<String> outputNames() {
        return outputs.stream().map(ValueSpec::name).toList();
    }

    public static String describe(List<ValueSpec> values) {
        return values.stream().map(v -> v.name() + " " + v.describe()).collect(Collectors.joining(", "));
    }
}
