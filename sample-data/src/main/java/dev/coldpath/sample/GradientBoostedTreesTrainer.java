package dev.coldpath.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Trains a {@link BoostedTreesModel} by gradient boosting on the logistic loss (Friedman's two-class
 * gradient boosting): each tree is a least-squares fit to the residuals {@code y - p}, grown greedily to
 * {@code maxDepth}, and each leaf takes a shrunken Newton step {@code learningRate * sum(y - p) / sum(p (1 - p))}.
 *
 * <p>Splits are searched on the float32 feature values; a threshold is the float32 midpoint of two neighbouring
 * distinct values (or the lower one when the midpoint rounds up to the upper), so {@code x <= threshold} splits
 * the training rows exactly as the exported model does. Ties go to the first feature and lowest threshold:
 * training is deterministic.
 */
public record GradientBoostedTreesTrainer(int treeCount, int maxDepth, double learningRate, int minRowsPerLeaf) {

    public GradientBoostedTreesTrainer {
        if (treeCount <= 0) {
            throw new IllegalArgumentException("treeCount must be > 0: " + treeCount);
        }
        if (maxDepth <= 0) {
            throw new IllegalArgumentException("maxDepth must be > 0: " + maxDepth);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0: " + learningRate);
        }
        if (minRowsPerLeaf <= 0) {
            throw new IllegalArgumentException("minRowsPerLeaf must be > 0: " + minRowsPerLeaf);
        }
    }

    /** {@code targets} must be 0 or 1, with both present. */
    public BoostedTreesModel train(float[][] features, int[] targets) {
        int n = features.length;
        double positives = Arrays.stream(targets).sum();
        double prior = StrictMath.log(positives / (n - positives));
        double[] score = new double[n];
        Arrays.fill(score, prior);
        List<RegressionTree> trees = new ArrayList<>();
        for (int t = 0; t < treeCount; t++) {
            double[] residual = new double[n];
            double[] hessian = new double[n];
            for (int i = 0; i < n; i++) {
                double p = Activations.sigmoid(score[i]);
                residual[i] = targets[i] - p;
                hessian[i] = p * (1 - p);
            }
            TreeGrowth growth = new TreeGrowth(features, residual, hessian);
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            growth.grow(all, 0);
            RegressionTree tree = growth.tree();
            for (int i = 0; i < n; i++) {
                score[i] += tree.predict(features[i]);
            }
            trees.add(tree);
        }
        trees.set(0, trees.get(0).withLeavesShiftedBy(prior));
        return new BoostedTreesModel(trees);
    }

    /** Grows one tree in pre-order, collecting its nodes. */
    private final class TreeGrowth {
        private final float[][] x;
        private final double[] residual;
        private final double[] hessian;
        private final List<int[]> links = new ArrayList<>(); // {feature, trueChild, falseChild}
        private final List<float[]> values = new ArrayList<>(); // {threshold, leafValue}

        TreeGrowth(float[][] x, double[] residual, double[] hessian) {
            this.x = x;
            this.residual = residual;
            this.hessian = hessian;
        }

        int grow(int[] rows, int depth) {
            int node = links.size();
            links.add(null);
            values.add(null);
            Split split = depth < maxDepth ? bestSplit(rows) : null;
            if (split == null) {
                links.set(node, new int[] {-1, 0, 0});
                values.set(node, new float[] {0f, leafValue(rows)});
                return node;
            }
            int[] left = Arrays.stream(rows).filter(i -> x[i][split.feature] <= split.threshold).toArray();
            int[] right = Arrays.stream(rows).filter(i -> x[i][split.feature] > split.threshold).toArray();
            int trueChild = grow(left, depth + 1);
            int falseChild = grow(right, depth + 1);
            links.set(node, new int[] {split.feature, trueChild, falseChild});
            values.set(node, new float[] {split.threshold, 0f});
            return node;
        }

        private float leafValue(int[] rows) {
            double sumResidual = 0;
            double sumHessian = 0;
            for (int i : rows) {
                sumResidual += residual[i];
                sumHessian += hessian[i];
            }
            return (float) (learningRate * sumResidual / Math.max(sumHessian, 1e-6));
        }

        private Split bestSplit(int[] rows) {
            int n = rows.length;
            if (n < 2 * minRowsPerLeaf) {
                return null;
            }
            double total = 0;
            for (int i : rows) {
                total += residual[i];
            }
            double parentScore = total * total / n;
            Split best = null;
            double bestGain = 1e-12;
            for (int feature = 0; feature < x[0].length; feature++) {
                final int f = feature;
                int[] sorted = Arrays.stream(rows).boxed()
                        .sorted((a, b) -> {
                            int byValue = Float.compare(x[a][f], x[b][f]);
                            return byValue != 0 ? byValue : Integer.compare(a, b);
                        })
                        .mapToInt(Integer::intValue)
                        .toArray();
                double leftSum = 0;
                for (int k = 0; k < n - 1; k++) {
                    leftSum += residual[sorted[k]];
                    float lower = x[sorted[k]][f];
                    float upper = x[sorted[k + 1]][f];
                    int leftCount = k + 1;
                    if (lower == upper || leftCount < minRowsPerLeaf || n - leftCount < minRowsPerLeaf) {
                        continue;
                    }
                    double rightSum = total - leftSum;
                    double gain = leftSum * leftSum / leftCount + rightSum * rightSum / (n - leftCount) - parentScore;
                    if (gain > bestGain) {
                        bestGain = gain;
                        best = new Split(f, threshold(lower, upper));
                    }
                }
            }
            return best;
        }

        RegressionTree tree() {
            int count = links.size();
            int[] feature = new int[count];
            float[] threshold = new float[count];
            int[] trueChild = new int[count];
            int[] falseChild = new int[count];
            float[] leafValue = new float[count];
            for (int node = 0; node < count; node++) {
                feature[node] = links.get(node)[0];
                trueChild[node] = links.get(node)[1];
                falseChild[node] = links.get(node)[2];
                threshold[node] = values.get(node)[0];
                leafValue[node] = values.get(node)[1];
            }
            return new RegressionTree(feature, threshold, trueChild, falseChild, leafValue);
        }
    }

    private record Split(int feature, float threshold) {}

    /** The float32 midpoint of {@code lower < upper}, kept strictly below {@code upper}. */
    static float threshold(float lower, float upper) {
        float midpoint = (float) (((double) lower + upper) / 2);
        return midpoint < upper ? midpoint : lower;
    }
}
