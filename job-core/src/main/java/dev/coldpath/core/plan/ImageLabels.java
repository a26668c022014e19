package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.decode.SoftmaxMode;
import dev.coldpath.core.decode.TopClasses;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.model.ValueKind;
import dev.coldpath.core.model.ValueSpec;
import dev.coldpath.core.tensor.ElementType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An image classifier's class names ({@code image.labels}, read on the driver) and what the job writes from them:
 * {@code label} and {@code score}, and with {@code image.top-k} {@code top_k_labels} and {@code top_k_scores}, all
 * from the model's float [N, K] output ({@link TopClasses}), beside the outputs the job writes anyway.
 *
 * @param location where the names were read, for messages
 * @param names    class id {@code i}'s name is {@code names.get(i)}
 * @param topK     how many classes the top-k columns list; empty for no top-k columns
 */
public record ImageLabels(String location, List<String> names, Optional<Integer> topK, SoftmaxMode softmax) {
    /** The columns written, before the binding's output prefix. */
    public static final String LABEL = "label";
    public static final String SCORE = "score";
    public static final String TOP_K_LABELS = "top_k_labels";
    public static final String TOP_K_SCORES = "top_k_scores";

    public ImageLabels {
        requireNonNull(location, "location is null");
        names = List.copyOf(names);
        requireNonNull(topK, "topK is null");
        requireNonNull(softmax, "softmax is null");
    }

    /**
     * The names of a labels file: one per line (UTF-8; a trailing \r and trailing empty lines are dropped).
     *
     * @throws JobSpecException when the file has no names or an empty line among them
     */
    public static ImageLabels parse(String location, byte[] file, Optional<Integer> topK, SoftmaxMode softmax) {
        List<String> lines = new ArrayList<>(List.of(new String(file, StandardCharsets.UTF_8).split("\n", -1)));
        lines.replaceAll(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            throw new JobSpecException("Invalid image.labels: " + location + " names no class (write one class name"
                    + " per line, in class order)");
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                throw new JobSpecException("Invalid image.labels: line " + (i + 1) + " of " + location + " is empty"
                        + " (write one class name per line, in class order)");
            }
        }
        return new ImageLabels(location, lines, topK, softmax);
    }

    /**
     * The decoders of the label columns, then {@code outputs}, the model outputs the job writes anyway.
     *
     * @throws JobSpecException when the model has no float [N, K] output, K is not the number of names, or top-k
     *                          is outside 1..K
     */
    List<OutputDecoder> decoders(ModelSignature signature, List<String> wantedOutputs, String prefix,
                                 List<OutputDecoder> outputs) {
        List<ValueSpec> candidates = wantedOutputs.isEmpty() ? signature.outputs()
                : wantedOutputs.stream().map(signature::output).flatMap(Optional::stream).toList();
        ValueSpec scores = candidates.stream().filter(ImageLabels::isMatrix).findFirst().orElseThrow(() ->
                new JobSpecException("image.labels needs a float[N,K] output of class scores; the model's outputs"
                        + (wantedOutputs.isEmpty() ? "" : " named in output.columns") + ": "
                        + ModelSignature.describe(candidates)));
        if (scores.shape().get(1).isFixed() && scores.shape().get(1).size() != names.size()) {
            throw new JobSpecException("Invalid image.labels: " + location + " names " + names.size() + " classes but"
                    + " model output '" + scores.name() + "' " + scores.describe() + " has "
                    + scores.shape().get(1).size() + " (one class name per line, in class order)");
        }
        int k = topK.orElse(1);
        if (k < 1 || k > names.size()) {
            throw new JobSpecException("Invalid image.top-k: " + k + " (must be 1 to the number of classes, "
                    + names.size() + ", in " + location + ")");
        }
        List<OutputDecoder> decoders = new ArrayList<>(List.of(
                new TopClasses(scores.name(), prefix + LABEL, names, softmax, k, TopClasses.Part.LABEL),
                new TopClasses(scores.name(), prefix + SCORE, names, softmax, k, TopClasses.Part.SCORE)));
        if (topK.isPresent()) {
            decoders.add(new TopClasses(scores.name(), prefix + TOP_K_LABELS, names, softmax, k,
                    TopClasses.Part.TOP_K_LABELS));
            decoders.add(new TopClasses(scores.name(), prefix + TOP_K_SCORES, names, softmax, k,
                    TopClasses.Part.TOP_K_SCORES));
        }
        Set<String> columns = new HashSet<>();
        decoders.forEach(d -> columns.add(d.column()));
        for (OutputDecoder out : outputs) {
            if (columns.contains(out.column())) {
                throw new JobSpecException("Model output '" + out.output() + "' is written as column '" + out.column()
                        + "', which image.labels writes too: set output.prefix, or leave it out of output.columns");
            }
        }
        decoders.addAll(outputs);
        return decoders;
    }

    private static boolean isMatrix(ValueSpec v) {
        return v.kind() == ValueKind.TENSOR && v.rank() == 2 && v.element() == ElementType.FLOAT;
    }
}
