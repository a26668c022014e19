package dev.coldpath.sample;

/**
 * A trained one-hidden-layer perceptron on standardised features:
 * {@code softmax(W2 . relu(W1 . scale(x) + b1) + b2)}. Weight matrices are [out][in], as ONNX Gemm with transB=1.
 */
public record MlpModel(FeatureScaling scaling, double[][] hiddenWeights, double[] hiddenBias,
        double[][] outputWeights, double[] outputBias) {

    public double[] probabilities(float[] row) {
        double[] x = scaling.apply(row);
        double[] hidden = new double[hiddenBias.length];
        for (int h = 0; h < hidden.length; h++) {
            double z = hiddenBias[h];
            for (int j = 0; j < x.length; j++) {
                z += hiddenWeights[h][j] * x[j];
            }
            hidden[h] = Math.max(0, z);
        }
        double[] logits = new double[outputBias.length];
        for (int k = 0; k < logits.length; k++) {
            double z = outputBias[k];
            for (int h = 0; h < hidden.length; h++) {
                z += outputWeights[k][h] * hidden[h];
            }
            logits[k] = z;
        }
        return Activations.softmax(logits);
    }

    public int label(float[] row) {
        return Activations.argMax(probabilities(row));
    }

    public int inputSize() {
        return scaling.mean().length;
    }

    public int hiddenSize() {
        return hiddenBias.length;
    }

    public int classCount() {
        return outputBias.length;
    }
}
