package dev.coldpath.core.compare;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The comparison of one model (a shadow or the canary) with the champion, over the rows both scored: per
 * class-label output a {@link LabelComparison}, per numeric output a {@link ScoreComparison}, and the
 * {@value #TOP_ROWS} rows that disagree most (most label outputs differing, then the largest absolute difference
 * of a numeric output, then by key). Engines feed it row by row in each task ({@link #row}) and merge the tasks'
 * on the driver ({@link #merge}); serializable; not thread safe.
 */
public final class BindingComparison implements Serializable {
    /** Rows of the most disagreement kept. */
    public static final int TOP_ROWS = 20;

    private final String binding;
    private final List<String> labelOutputs;
    private final List<String> scoreOutputs;
    private final LabelComparison[] labels;
    private final ScoreComparison[] scores;
    private final TreeSet<ComparisonSummary.Disagreement> worst = new TreeSet<>(new MostFirst());
    private long rows;

    /**
     * @param labelOutputs the outputs compared as class labels, in the order {@link #row} takes their values
     * @param scoreOutputs the outputs compared as numbers, likewise
     */
    public BindingComparison(String binding, List<String> labelOutputs, List<String> scoreOutputs) {
        this.binding = requireNonNull(binding, "binding is null");
        this.labelOutputs = List.copyOf(labelOutputs);
        this.scoreOutputs = List.copyOf(scoreOutputs);
        labels = new LabelComparison[labelOutputs.size()];
        scores = new ScoreComparison[scoreOutputs.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = new LabelComparison();
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] = new ScoreComparison();
        }
    }

    /** An empty comparison of the same model and outputs, to merge others into. */
    public BindingComparison emptyLike() {
        return new BindingComparison(binding, labelOutputs, scoreOutputs);
    }

    /**
     * One row both models scored: their labels and scores, in the constructor's output order. The key is asked for
     * only when the row is among the most disagreeing so far.
     */
    public void row(Supplier<String> key, String[] championLabels, String[] otherLabels, double[] championScores,
                    double[] otherScores) {
        rows++;
        int differ = 0;
        for (int i = 0; i < labels.length; i++) {
            labels[i].add(championLabels[i], otherLabels[i]);
            differ += Objects.equals(championLabels[i], otherLabels[i]) ? 0 : 1;
        }
        double maxDiff = 0;
        for (int i = 0; i < scores.length; i++) {
            scores[i].add(championScores[i], otherScores[i]);
            double d = Math.abs(otherScores[i] - championScores[i]);
            if (Double.isFinite(d)) {
                maxDiff = Math.max(maxDiff, d);
            }
        }
        if (differ == 0 && maxDiff == 0) {
            return;
        }
        if (worst.size() == TOP_ROWS) {
            ComparisonSummary.Disagreement last = worst.last();
            if (differ < last.labelsDiffer() || differ == last.labelsDiffer() && maxDiff < last.maxAbsDiff()) {
                return; // cannot enter: skip making its key
            }
        }
        offer(new ComparisonSummary.Disagreement(key.get(), differ, maxDiff,
                values(championLabels, championScores), values(otherLabels, otherScores)));
    }

    private Map<String, String> values(String[] rowLabels, double[] rowScores) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            out.put(labelOutputs.get(i), rowLabels[i]);
        }
        for (int i = 0; i < scores.length; i++) {
            out.put(scoreOutputs.get(i), Double.toString(rowScores[i]));
        }
        return out;
    }

    private void offer(ComparisonSummary.Disagreement d) {
        worst.add(d);
        if (worst.size() > TOP_ROWS) {
            worst.pollLast();
        }
    }

    /** Adds another task's comparison of the same model and outputs. */
    public BindingComparison merge(BindingComparison other) {
        if (!binding.equals(other.binding) || !labelOutputs.equals(other.labelOutputs)
                || !scoreOutputs.equals(other.scoreOutputs)) {
            throw new IllegalArgumentException("cannot merge the comparison of " + other.binding + " "
                    + other.labelOutputs + other.scoreOutputs + " into " + binding + " " + labelOutputs + scoreOutputs);
        }
        rows += other.rows;
        for (int i = 0; i < labels.length; i++) {
            labels[i].merge(other.labels[i]);
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i].merge(other.scores[i]);
        }
        other.worst.forEach(this::offer);
        return this;
    }

    public ComparisonSummary summary() {
        List<ComparisonSummary.Labels> labelSummaries = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            labelSummaries.add(labels[i].summary(labelOutputs.get(i)));
        }
        List<ComparisonSummary.Scores> scoreSummaries = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            scoreSummaries.add(scores[i].summary(scoreOutputs.get(i)));
        }
        return new ComparisonSummary(binding, rows, labelSummaries, scoreSummaries, new ArrayList<>(worst));
    }

    /** Most label outputs differing first, then the largest difference, then by key (and values, for equal keys). */
    private static final class MostFirst implements Comparator<ComparisonSummary.Disagreement>, Serializable {
        @Override
        public int compare(ComparisonSummary.Disagreement a, ComparisonSummary.Disagreement b) {
            int c = Integer.compare(b.labelsDiffer(), a.labelsDiffer());
            if (c == 0) {
                c = Double.compare(b.maxAbsDiff(), a.maxAbsDiff());
            }
            if (c == 0) {
                c = a.key().compareTo(b.key());
            }
            return c != 0 ? c : a.other().toString().compareTo(b.other().toString());
        }
    }

    /** A row's key as comparisons show it: {@code name=value} for each key column, joined by {@code ", "}. */
    public static String key(List<String> columns, Object... values) {
        StringJoiner out = new StringJoiner(", ");
        for (int i = 0; i < columns.size(); i++) {
            out.add(columns.get(i) + "=" + values[i]);
        }
        return out.toString();
    }
}
