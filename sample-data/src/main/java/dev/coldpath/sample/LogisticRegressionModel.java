package dev.coldpath.sample;

/** A trained binary logistic regression on standardised features: {@code sigmoid(w . scale(x) + b)}. */
public record LogisticRegressionModel(FeatureScaling scaling, double[] weights, double bias) {

    /** Probability of class 1. */
    public double probability(float[] row) {
        double[] x = scaling.apply(row);
        double z = bias;
        for (int j = 0; j < x.length; j++) {
            z += weights[j] * x[j];
        }
        return Activations.sigmoid(z);
    }
}
