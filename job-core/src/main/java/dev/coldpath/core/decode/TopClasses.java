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
 * An image classifier's scores [N, K] (float) read as class probabilities ({@code image.labels}): the top class's
 * name ({@code label}) or probability ({@code score}), or the {@code k} most probable classes' names ({@code
 * top_k_labels}) or probabilities ({@code top_k_scores}), best first. Classes are ranked by the model's own values
 * (a softmax keeps their order) and ties go to the lower class id. The probabilities are the softmax of the row's
 * values, computed in double, or the values as they are, as {@link SoftmaxMode} says.
 *
 * @param classes class id {@code i}'s name is {@code classes.get(i)}
 * @param k       how many classes the top-k parts list, 1 to the number of classes
 */
public record TopClasses(String output, String column, List<String> classes, SoftmaxMode softmax, int k, Part part)
        implements OutputDecoder {
    /** With {@code image.softmax: auto}, how far from 1 a row's sum may be for its values to count as probabilities. */
    public static final double SUM_TOLERANCE = 1e-3;

    /** Which of the four columns this decoder writes. */
    public enum Part {
        /** The most probable class's name, a string. */
        LABEL,
        /** Its probability, a float. */
        SCORE,
        /** The k most probable classes' names, best first, array<string>. */
        TOP_K_LABELS,
        /** Their probabilities, array<float>. */
        TOP_K_SCORES
    }

    public TopClasses {
        requireNonNull(output, "output is null");
        requireNonNull(column, "column is null");
        classes = List.copyOf(classes);
        requireNonNull(softmax, "softmax is null");
        requireNonNull(part, "part is null");
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("classes is empty");
        }
        if (k < 1 || k > classes.size()) {
            throw new IllegalArgumentException("k must be in [1, " + classes.size() + "]: " + k);
        }
    }

    @Override
    public ColumnType type() {
        return switch (part) {
            case LABEL -> ColumnType.STRING;
            case SCORE -> ColumnType.FLOAT;
            case TOP_K_LABELS -> ColumnType.arrayOf(ColumnType.STRING);
            case TOP_K_SCORES -> ColumnType.arrayOf(ColumnType.FLOAT);
        };
    }

    @Override
    public TensorValues decode(OnnxValue value, int rows) throws OrtException {
        OnnxTensor tensor = (OnnxTensor) value;
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != 2 || shape[0] != rows || shape[1] != classes.size()) {
            throw new InferenceException("Model output '" + output + "' has shape " + Arrays.toString(shape)
                    + " for a batch of " + rows + " rows; image.labels expects [" + rows + ", " + classes.size()
                    + "] (one value per class of the labels file)", null);
        }
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] all = new float[rows * classes.size()];
        buffer.get(all);
        return decode(all, rows);
    }

    /** Decodes {@code rows} rows of scores, row-major [rows, classes]. */
    public TensorValues decode(float[] scores, int rows) {
        int n = classes.size();
        int shown = part == Part.LABEL || part == Part.SCORE ? 1 : k;
        boolean names = part == Part.LABEL || part == Part.TOP_K_LABELS;
        String[] labels = names ? new String[rows * shown] : null;
        float[] probabilities = names ? null : new float[rows * shown];
        double[] p = new double[n];
        int[] top = new int[shown];
        for (int r = 0; r < rows; r++) {
            int offset = r * n;
            rank(scores, offset, n, top);
            if (names) {
                for (int i = 0; i < shown; i++) {
                    labels[r * shown + i] = classes.get(top[i]);
                }
                continue;
            }
            probabilities(scores, offset, n, p);
            for (int i = 0; i < shown; i++) {
                probabilities[r * shown + i] = (float) p[top[i]];
            }
        }
        int[] inner = shown == 1 && (part == Part.LABEL || part == Part.SCORE) ? new int[0] : new int[] {shown};
        return names ? new TensorValues(column, ElementType.STRING, rows, labels, inner)
                : new TensorValues(column, ElementType.FLOAT, rows, probabilities, inner);
    }

    /** The ids of the row's {@code top.length} highest values, best first, ties to the lower id. */
    private static void rank(float[] scores, int offset, int n, int[] top) {
        for (int i = 0; i < top.length; i++) {
            int best = -1;
            for (int c = 0; c < n; c++) {
                if (taken(top, i, c)) {
                    continue;
                }
                if (best < 0 || greater(scores[offset + c], scores[offset + best])) {
                    best = c;
                }
            }
            top[i] = best;
        }
    }

    /** Strictly greater, NaN below everything: a NaN class is never chosen over a number. */
    private static boolean greater(float a, float b) {
        return !Float.isNaN(a) && (Float.isNaN(b) || a > b);
    }

    private static boolean taken(int[] top, int count, int c) {
        for (int i = 0; i < count; i++) {
            if (top[i] == c) {
                return true;
            }
        }
        return false;
    }

    /** The row's probabilities into {@code p}: its softmax, or its values as they are. */
    private void probabilities(float[] scores, int offset, int n, double[] p) {
        if (softmax == SoftmaxMode.FALSE || softmax == SoftmaxMode.AUTO && isDistribution(scores, offset, n)) {
            for (int c = 0; c < n; c++) {
                p[c] = scores[offset + c];
            }
            return;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            max = Math.max(max, scores[offset + c]);
        }
        double sum = 0;
        for (int c = 0; c < n; c++) {
            p[c] = Math.exp(scores[offset + c] - max);
            sum += p[c];
        }
        for (int c = 0; c < n; c++) {
            p[c] /= sum;
        }
    }

    /** Each value in [0, 1] and their sum within {@link #SUM_TOLERANCE} of 1. */
    static boolean isDistribution(float[] scores, int offset, int n) {
        double sum = 0;
        for (int c = 0; c < n; c++) {
            float v = scores[offset + c];
            if (!(v >= 0 && v <= 1)) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1) <= SUM_TOLERANCE;
    }
}
