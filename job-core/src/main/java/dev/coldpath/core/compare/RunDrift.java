package dev.coldpath.core.compare;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A run's published prediction distributions against the table's previous run (its current run of the same period,
 * or the table's current run for runs without a period): per output both publish, the PSI ({@link Psi}) and, for a
 * label output, the change of each class's share; for a score output, both means.
 *
 * @param previousRun   the previous run's id
 * @param previousPath  its data directory
 * @param previousRows  the previous run's rows read (at most {@code sampleLimit})
 * @param rows          this run's rows read (likewise)
 * @param sampleLimit   the most rows read of each run: the first rows of their files in name order
 * @param outputs       one entry per output both runs publish, one value per row
 */
public record RunDrift(String previousRun, String previousPath, long previousRows, long rows, long sampleLimit,
                       List<Output> outputs) {
    /** The most rows read of each run to measure drift. */
    public static final long SAMPLE_ROWS = 100_000;
    /** Classes whose share change is kept, largest change first. */
    public static final int TOP_CLASSES = 20;

    public RunDrift {
        requireNonNull(previousRun, "previousRun is null");
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    /**
     * One output's drift.
     *
     * @param kind        {@code label} or {@code score}
     * @param psi         this run's distribution against the previous run's (null when either has no value)
     * @param shareChange for a label: this run's share minus the previous run's, per class (the {@value
     *                    #TOP_CLASSES} largest changes)
     * @param meanPrevious for a score: the previous run's mean
     * @param mean         for a score: this run's mean
     * @param histogram    for a score: both runs' values in {@value ScoreComparison#HISTOGRAM_BINS} bins of equal
     *                     width from the smallest value of either to the largest, as a comparison's ({@link
     *                     ComparisonSummary.Scores#histogram}); empty for a label and in manifests written before
     */
    public record Output(String output, String kind, Double psi, Map<String, Double> shareChange, Double meanPrevious,
                         Double mean, List<Bin> histogram) {
        public Output {
            requireNonNull(output, "output is null");
            shareChange = shareChange == null ? Map.of() : Collections.unmodifiableMap(
                    new LinkedHashMap<>(shareChange));
            histogram = histogram == null ? List.of() : List.copyOf(histogram);
        }

        /** Without a histogram. */
        public Output(String output, String kind, Double psi, Map<String, Double> shareChange, Double meanPrevious,
                      Double mean) {
            this(output, kind, psi, shareChange, meanPrevious, mean, List.of());
        }
    }

    /** How many of each run's values fall in one bin, bounded as {@link ComparisonSummary.PairBin}'s. */
    public record Bin(double lower, double upper, long previous, long current) {
    }

    /** One run's distribution of one output: label counts, or a sketch of the scores and their sum. */
    public static final class Distribution {
        private final boolean score;
        private final Map<String, Long> counts = new HashMap<>();
        private final ValueSketch sketch = new ValueSketch();
        private double sum;

        public Distribution(boolean score) {
            this.score = score;
        }

        public void addLabel(String label) {
            counts.merge(String.valueOf(label), 1L, Long::sum);
        }

        /** A score; NaN and infinities are left out. */
        public void addScore(double value) {
            if (Double.isFinite(value)) {
                sketch.add(value);
                sum += value;
            }
        }
    }

    /** The drift of one output from the previous run's distribution to this run's. */
    public static Output output(String name, Distribution previous, Distribution current) {
        if (previous.score) {
            long n0 = previous.sketch.count();
            long n1 = current.sketch.count();
            Double psi = n0 == 0 || n1 == 0 ? null : Psi.ofScores(previous.sketch, current.sketch);
            return new Output(name, "score", psi, null, n0 == 0 ? null : previous.sum / n0,
                    n1 == 0 ? null : current.sum / n1, histogram(previous.sketch, current.sketch));
        }
        long n0 = previous.counts.values().stream().mapToLong(Long::longValue).sum();
        long n1 = current.counts.values().stream().mapToLong(Long::longValue).sum();
        if (n0 == 0 || n1 == 0) {
            return new Output(name, "label", null, null, null, null);
        }
        TreeSet<String> classes = new TreeSet<>(previous.counts.keySet());
        classes.addAll(current.counts.keySet());
        List<Map.Entry<String, Double>> changes = new ArrayList<>();
        for (String k : classes) {
            changes.add(Map.entry(k, current.counts.getOrDefault(k, 0L) / (double) n1
                    - previous.counts.getOrDefault(k, 0L) / (double) n0));
        }
        changes.sort(Comparator.comparingDouble((Map.Entry<String, Double> e) -> -Math.abs(e.getValue()))
                .thenComparing(Map.Entry::getKey));
        Map<String, Double> top = new LinkedHashMap<>();
        changes.stream().limit(TOP_CLASSES).forEach(e -> top.put(e.getKey(), e.getValue()));
        return new Output(name, "label", Psi.ofClasses(previous.counts, current.counts), top, null, null);
    }

    private static List<Bin> histogram(ValueSketch previous, ValueSketch current) {
        if (previous.count() == 0 || current.count() == 0) {
            return List.of();
        }
        double[] edges = ScoreComparison.edges(Math.min(previous.min(), current.min()),
                Math.max(previous.max(), current.max()), ScoreComparison.HISTOGRAM_BINS);
        long[] p = previous.countsIn(edges);
        long[] c = current.countsIn(edges);
        List<Bin> bins = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            bins.add(new Bin(edges[i], edges[i + 1], p[i], c[i]));
        }
        return bins;
    }
}
