package dev.coldpath.core.compare;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a model (a shadow or the canary) compared with the champion over the same rows, as manifests and reports
 * store it. Numbers that cannot be computed (no rows, a constant score) are null.
 *
 * @param binding       the model's name in the job
 * @param rows          rows both models scored
 * @param labels        each class-label output's agreement
 * @param scores        each numeric output's differences
 * @param disagreements the rows that disagree most, most first
 */
public record ComparisonSummary(String binding, long rows, List<Labels> labels, List<Scores> scores,
                                List<Disagreement> disagreements) {
    public ComparisonSummary {
        requireNonNull(binding, "binding is null");
        labels = List.copyOf(labels);
        scores = List.copyOf(scores);
        disagreements = List.copyOf(disagreements);
    }

    /**
     * A class-label output.
     *
     * @param agreement the share of rows where both models gave the same label
     * @param classes   the confusion matrix's classes: the {@value LabelComparison#TOP_CLASSES} most frequent in
     *                  either model, then {@value LabelComparison#OTHER} if there were more
     * @param confusion rows: the champion's label; columns: this model's, in {@code classes}' order
     * @param psi       the PSI of this model's label shares against the champion's
     * @param truncated whether more than {@value LabelComparison#MAX_CLASSES} labels were seen (pooled as other)
     */
    public record Labels(String output, long rows, Double agreement, List<String> classes, List<List<Long>> confusion,
                         Double psi, boolean truncated) {
        public Labels {
            classes = List.copyOf(classes);
            confusion = confusion.stream().map(List::copyOf).toList();
        }
    }

    /**
     * A numeric output.
     *
     * @param meanAbsDiff         the mean of |this model's value - the champion's|
     * @param p99AbsDiff          its 99th percentile: the value at rank ceil(0.99 n) of the sorted differences
     * @param pearson             Pearson's correlation of the two models' values
     * @param psi                 the PSI of this model's values against the champion's ({@link Psi#ofScores})
     * @param exact               whether the percentile, the PSI and the histograms are exact (else within 0.1 %:
     *                            {@link ValueSketch})
     * @param histogram           both models' values in {@value ScoreComparison#HISTOGRAM_BINS} bins of equal width
     *                            from the smallest value of either to the largest (one bin when all are equal)
     * @param differenceHistogram this model's value minus the champion's in {@value ScoreComparison#DIFFERENCE_BINS}
     *                            bins of equal width from -m to m, m the largest absolute difference (one bin when
     *                            every difference is 0)
     */
    public record Scores(String output, long rows, Double meanAbsDiff, Double p99AbsDiff, Double pearson, Double psi,
                         Double meanChampion, Double meanOther, boolean exact, List<PairBin> histogram,
                         List<Bin> differenceHistogram) {
        public Scores {
            histogram = histogram == null ? List.of() : List.copyOf(histogram);
            differenceHistogram = differenceHistogram == null ? List.of() : List.copyOf(differenceHistogram);
        }

        /** Without histograms (as manifests written before coldpath kept them read). */
        public Scores(String output, long rows, Double meanAbsDiff, Double p99AbsDiff, Double pearson, Double psi,
                      Double meanChampion, Double meanOther, boolean exact) {
            this(output, rows, meanAbsDiff, p99AbsDiff, pearson, psi, meanChampion, meanOther, exact, List.of(),
                    List.of());
        }
    }

    /**
     * How many of each model's values fall in one bin: above {@code lower} and at or below {@code upper} (the first
     * bin also holds {@code lower} itself).
     */
    public record PairBin(double lower, double upper, long champion, long other) {
    }

    /** How many values fall in one bin, bounded as {@link PairBin}'s. */
    public record Bin(double lower, double upper, long count) {
    }

    /**
     * One row where the models disagree, by key.
     *
     * @param key          the row's key columns, as {@code name=value} joined by {@code ", "}
     * @param labelsDiffer how many of the label outputs differ
     * @param maxAbsDiff   the largest absolute difference of a numeric output
     * @param champion     the champion's values, by output
     * @param other        this model's values, by output
     */
    public record Disagreement(String key, int labelsDiffer, double maxAbsDiff, Map<String, String> champion,
                               Map<String, String> other) implements Serializable {
        public Disagreement {
            requireNonNull(key, "key is null");
            champion = Collections.unmodifiableMap(new LinkedHashMap<>(champion));
            other = Collections.unmodifiableMap(new LinkedHashMap<>(other));
        }
    }
}
