package dev.coldpath.core.decode;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.error.InferenceException;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.tensor.ElementType;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A sequence classifier's logits [N, K] (float) read through a softmax ({@code text.labels: softmax}): the
 * {@code label} column, the name of the most probable class ({@code config.json}'s {@code id2label}), or the
 * {@code score} column, its probability. Ties go to the lower class id.
 *
 * @param classes class id {@code i}'s name is {@code classes.get(i)}
 */
public record SoftmaxLabel(String output, String column, List<String> classes, Part part) implements OutputDecoder {
    /** Which of the two columns this decoder writes. */
    public enum Part {
        /** The most probable class's name, a string. */
        LABEL,
        /** Its softmax probability, a float. */
        SCORE
    }

    public SoftmaxLabel {
        requireNonNull(output, "output is null");
        requireNonNull(column, "column is null");
        classes = List.copyOf(classes);
        requireNonNull(part, "part is null");
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("classes is empty");
        }
    }

    @Override
    public ColumnType type() {
        return part == Part.LABEL ? ColumnType.STRING : ColumnType.FLOAT;
    }

    @Override
    public TensorValues decode(OnnxValue value, int rows) throws OrtException {
        OnnxTensor tensor = (OnnxTensor) value;
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != 2 || shape[0] != rows || shape[1] != classes.size()) {
            throw new InferenceException("Model output '" + output + "' has shape " + Arrays.toString(shape)
                    + " for a batch of " + rows + " rows; text.labels: softmax expects [" + rows + ", "
                    + classes.size() + "] (one logit per class of id2label)", null);
        }
        FloatBuffer logits = tensor.getFloatBuffer();
        int k = classes.size();
        String[] labels = part == Part.LABEL ? new String[rows] : null;
        float[] scores = part == Part.SCORE ? new float[rows] : null;
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (logits.get(r * k + c) > logits.get(r * k + best)) {
                    best = c;
                }
            }
            if (labels != null) {
                labels[r] = classes.get(best);
            } else {
                double max = logits.get(r * k + best);
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += Math.exp(logits.get(r * k + c) - max);
                }
                scores[r] = (float) (1 / sum);
            }
        }
        return labels != null ? new TensorValues(column, ElementType.STRING, rows, labels, new int[0])
                : new TensorValues(column, ElementType.FLOAT, rows, scores, new int[0]);
    }
}
