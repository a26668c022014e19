package dev.coldpath.sample;

/**
 * A binary regression tree as parallel node arrays, node 0 the root, in the layout of ONNX tree ensembles.
 * A node with {@code feature[n] < 0} is a leaf worth {@code leafValue[n]}; any other node sends a row to
 * {@code trueChild[n]} when {@code row[feature[n]] <= threshold[n]} (ONNX mode BRANCH_LEQ), else to
 * {@code falseChild[n]}. Thresholds and leaf values are float32, as the exported model stores them, so a walk
 * here takes the same branches as ONNX Runtime.
 */
public record RegressionTree(int[] feature, float[] threshold, int[] trueChild, int[] falseChild, float[] leafValue) {

    public RegressionTree {
        int n = feature.length;
        if (threshold.length != n || trueChild.length != n || falseChild.length != n || leafValue.length != n) {
            throw new IllegalArgumentException("node arrays differ in length");
        }
    }

    public int nodeCount() {
        return feature.length;
    }

    public boolean isLeaf(int node) {
        return feature[node] < 0;
    }

    public float predict(float[] row) {
        int node = 0;
        while (!isLeaf(node)) {
            node = row[feature[node]] <= threshold[node] ? trueChild[node] : falseChild[node];
        }
        return leafValue[node];
    }

    /** A copy with {@code offset} added to every leaf, rounded to float32. */
    public RegressionTree withLeavesShiftedBy(double offset) {
        float[] shifted = leafValue.clone();
        for (int node = 0; node < shifted.length; node++) {
            if (isLeaf(node)) {
                shifted[node] = (float) (leafValue[node] + offset);
            }
        }
        return new RegressionTree(feature, threshold, trueChild, falseChild, shifted);
    }

    public int depth() {
        return depth(0);
    }

    private int depth(int node) {
        return isLeaf(node) ? 0 : 1 + Math.max(depth(trueChild[node]), depth(falseChild[node]));
    }
}
