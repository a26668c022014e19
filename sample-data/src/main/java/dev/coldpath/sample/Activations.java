package dev.coldpath.sample;

/** The activation functions the trainers share, on {@link StrictMath} so results do not vary by platform. */
final class Activations {
    private Activations() {}

    static double sigmoid(double z) {
        return z >= 0 ? 1.0 / (1.0 + StrictMath.exp(-z)) : StrictMath.exp(z) / (1.0 + StrictMath.exp(z));
    }

    /** Softmax of {@code logits}, shifted by their maximum for stability. */
    static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double logit : logits) {
            max = Math.max(max, logit);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int k = 0; k < logits.length; k++) {
            p[k] = StrictMath.exp(logits[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < logits.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** Index of the first maximum, as ONNX ArgMax with select_last_index=0. */
    static int argMax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }
}
