package dev.coldpath.sample;

import java.util.List;

/**
 * A binary classifier that sums its trees' leaf values into a log-odds score; the first tree's leaves include the
 * prior log-odds, so no separate base value is needed. Probability of class 1 is {@code sigmoid(score)}; the label
 * is 1 when the score is positive.
 */
public record BoostedTreesModel(List<RegressionTree> trees) {

    public BoostedTreesModel {
        trees = List.copyOf(trees);
    }

    public double score(float[] row) {
        double score = 0;
        for (RegressionTree tree : trees) {
            score += tree.predict(row);
        }
        return score;
    }

    public double probability(float[] row) {
        return Activations.sigmoid(score(row));
    }

    public int label(float[] row) {
        return score(row) > 0 ? 1 : 0;
    }
}
