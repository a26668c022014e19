package dev.coldpath.sample;

/**
 * Per-feature standardisation {@code (x - mean) / scale}, with the population standard deviation as scale
 * (1 for a constant feature). The exported graphs apply it with Sub and Div nodes.
 */
public record FeatureScaling(double[] mean, double[] scale) {

    public FeatureScaling {
        if (mean.length != scale.length) {
            throw new IllegalArgumentException("mean and scale differ in length: " + mean.length + " != "
                    + scale.length);
        }
    }

    public static FeatureScaling fit(float[][] rows) {
        int features = rows[0].length;
        double[] mean = new double[features];
        double[] scale = new double[features];
        for (float[] row : rows) {
            for (int j = 0; j < features; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < features; j++) {
            mean[j] /= rows.length;
        }
        for (float[] row : rows) {
            for (int j = 0; j < features; j++) {
                double d = row[j] - mean[j];
                scale[j] += d * d;
            }
        }
        for (int j = 0; j < features; j++) {
            double sd = Math.sqrt(scale[j] / rows.length);
            scale[j] = sd > 0 ? sd : 1.0;
        }
        return new FeatureScaling(mean, scale);
    }

    public double[] apply(float[] row) {
        double[] scaled = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            scaled[j] = (row[j] - mean[j]) / scale[j];
        }
        return scaled;
    }

    public double[][] apply(float[][] rows) {
        double[][] scaled = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            scaled[i] = apply(rows[i]);
        }
        return scaled;
    }
}
