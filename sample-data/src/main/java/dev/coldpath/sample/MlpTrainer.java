package dev.coldpath.sample;

import java.util.Random;

/**
 * Trains a {@link MlpModel} by full-batch gradient descent on the mean softmax cross-entropy. Weights start from
 * He-scaled Gaussians drawn from {@code new Random(seed)}, biases from zero; java.util.Random's sequence is
 * specified, so a seed gives the same model on every JVM.
 */
public record MlpTrainer(int hiddenSize, int epochs, double learningRate, long seed) {

    public MlpTrainer {
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException("hiddenSize must be > 0: " + hiddenSize);
        }
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be > 0: " + epochs);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0: " + learningRate);
        }
    }

    /** {@code targets} must be in 0..classCount-1. */
    public MlpModel train(float[][] features, int[] targets, int classCount) {
        FeatureScaling scaling = FeatureScaling.fit(features);
        double[][] x = scaling.apply(features);
        int n = x.length;
        int d = x[0].length;
        Random random = new Random(seed);
        double[][] w1 = gaussian(random, hiddenSize, d, Math.sqrt(2.0 / d));
        double[] b1 = new double[hiddenSize];
        double[][] w2 = gaussian(random, classCount, hiddenSize, Math.sqrt(2.0 / hiddenSize));
        double[] b2 = new double[classCount];

        for (int epoch = 0; epoch < epochs; epoch++) {
            double[][] gw1 = new double[hiddenSize][d];
            double[] gb1 = new double[hiddenSize];
            double[][] gw2 = new double[classCount][hiddenSize];
            double[] gb2 = new double[classCount];
            for (int i = 0; i < n; i++) {
                double[] pre = new double[hiddenSize];
                double[] hidden = new double[hiddenSize];
                for (int h = 0; h < hiddenSize; h++) {
                    double z = b1[h];
                    for (int j = 0; j < d; j++) {
                        z += w1[h][j] * x[i][j];
                    }
                    pre[h] = z;
                    hidden[h] = Math.max(0, z);
                }
                double[] logits = new double[classCount];
                for (int k = 0; k < classCount; k++) {
                    double z = b2[k];
                    for (int h = 0; h < hiddenSize; h++) {
                        z += w2[k][h] * hidden[h];
                    }
                    logits[k] = z;
                }
                double[] p = Activations.softmax(logits);
                double[] deltaOut = new double[classCount];
                for (int k = 0; k < classCount; k++) {
                    deltaOut[k] = p[k] - (targets[i] == k ? 1 : 0);
                    gb2[k] += deltaOut[k];
                    for (int h = 0; h < hiddenSize; h++) {
                        gw2[k][h] += deltaOut[k] * hidden[h];
                    }
                }
                for (int h = 0; h < hiddenSize; h++) {
                    if (pre[h] <= 0) {
                        continue;
                    }
                    double delta = 0;
                    for (int k = 0; k < classCount; k++) {
                        delta += w2[k][h] * deltaOut[k];
                    }
                    gb1[h] += delta;
                    for (int j = 0; j < d; j++) {
                        gw1[h][j] += delta * x[i][j];
                    }
                }
            }
            double step = learningRate / n;
            for (int h = 0; h < hiddenSize; h++) {
                b1[h] -= step * gb1[h];
                for (int j = 0; j < d; j++) {
                    w1[h][j] -= step * gw1[h][j];
                }
            }
            for (int k = 0; k < classCount; k++) {
                b2[k] -= step * gb2[k];
                for (int h = 0; h < hiddenSize; h++) {
                    w2[k][h] -= step * gw2[k][h];
                }
            }
        }
        return new MlpModel(scaling, w1, b1, w2, b2);
    }

    private static double[][] gaussian(Random random, int rows, int columns, double standardDeviation) {
        double[][] values = new double[rows][columns];
        for (double[] row : values) {
            for (int j = 0; j < columns; j++) {
                row[j] = random.nextGaussian() * standardDeviation;
            }
        }
        return values;
    }
}
