package dev.coldpath.sample;

/**
 * Trains a binary logistic regression by full-batch gradient descent on the mean log loss plus an L2 penalty,
 * from zero weights: no randomness, so the result depends only on the data and these settings.
 */
public record LogisticRegressionTrainer(int epochs, double learningRate, double l2) {

    public LogisticRegressionTrainer {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be > 0: " + epochs);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0: " + learningRate);
        }
        if (!(l2 >= 0)) {
            throw new IllegalArgumentException("l2 must be >= 0: " + l2);
        }
    }

    /** {@code targets} must be 0 or 1. */
    public LogisticRegressionModel train(float[][] features, int[] targets) {
        FeatureScaling scaling = FeatureScaling.fit(features);
        double[][] x = scaling.apply(features);
        int n = x.length;
        int d = x[0].length;
        double[] w = new double[d];
        double b = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            double[] gradW = new double[d];
            double gradB = 0;
            for (int i = 0; i < n; i++) {
                double z = b;
                for (int j = 0; j < d; j++) {
                    z += w[j] * x[i][j];
                }
                double error = Activations.sigmoid(z) - targets[i];
                for (int j = 0; j < d; j++) {
                    gradW[j] += error * x[i][j];
                }
                gradB += error;
            }
            for (int j = 0; j < d; j++) {
                w[j] -= learningRate * (gradW[j] / n + l2 * w[j]);
            }
            b -= learningRate * gradB / n;
        }
        return new LogisticRegressionModel(scaling, w, b);
    }
}
