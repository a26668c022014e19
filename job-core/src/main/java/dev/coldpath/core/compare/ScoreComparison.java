package dev.coldpath.core.compare;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How one numeric output of a model differs from the champion's over the same rows: the mean and the 99th
 * percentile of the absolute difference, Pearson's correlation (co-moments merged by Chan et al.'s parallel
 * formulas), the PSI of the two score distributions, and for the report a histogram of both models' values and one
 * of the signed differences (from a fourth sketch, of other - champion). Rows where either value is NaN or infinite
 * are left out.
 * Mergeable, so each task keeps its own and the driver merges them; serializable; not thread safe.
 */
public final class ScoreComparison implements Serializable {
    /** Bins of the two models' values in {@link ComparisonSummary.Scores#histogram}. */
    public static final int HISTOGRAM_BINS = 20;
    /** Bins of the differences, an odd number so that one is centred on 0. */
    public static final int DIFFERENCE_BINS = 21;

    private long n;
    private double meanChampion;
    private double meanOther;
    private double m2Champion;
    private double m2Other;
    private double coMoment;
    private double sumAbsDiff;
    private final ValueSketch absDiff = new ValueSketch();
    private final ValueSketch diff = new ValueSketch();
    private final ValueSketch champion = new ValueSketch();
    private final ValueSketch other = new ValueSketch();

    /** One row: the champion's value and the other model's. */
    public void add(double championValue, double otherValue) {
        if (!Double.isFinite(championValue) || !Double.isFinite(otherValue)) {
            return;
        }
        n++;
        double dx = championValue - meanChampion;
        meanChampion += dx / n;
        double dy = otherValue - meanOther;
        meanOther += dy / n;
        m2Champion += dx * (championValue - meanChampion);
        m2Other += dy * (otherValue - meanOther);
        coMoment += dx * (otherValue - meanOther);
        double d = otherValue - championValue;
        sumAbsDiff += Math.abs(d);
        absDiff.add(Math.abs(d));
        diff.add(d);
        champion.add(championValue);
        other.add(otherValue);
    }

    public ScoreComparison merge(ScoreComparison b) {
        if (b.n == 0) {
            return this;
        }
        long total = n + b.n;
        double dx = b.meanChampion - meanChampion;
        double dy = b.meanOther - meanOther;
        double weight = (double) n * b.n / total;
        meanChampion += dx * b.n / total;
        meanOther += dy * b.n / total;
        m2Champion += b.m2Champion + dx * dx * weight;
        m2Other += b.m2Other + dy * dy * weight;
        coMoment += b.coMoment + dx * dy * weight;
        n = total;
        sumAbsDiff += b.sumAbsDiff;
        absDiff.merge(b.absDiff);
        diff.merge(b.diff);
        champion.merge(b.champion);
        other.merge(b.other);
        return this;
    }

    /** The statistics; a value that cannot be computed (no rows, a constant score) is null. */
    public ComparisonSummary.Scores summary(String output) {
        Double pearson = m2Champion > 0 && m2Other > 0 ? coMoment / Math.sqrt(m2Champion * m2Other) : null;
        return new ComparisonSummary.Scores(output, n, n == 0 ? null : sumAbsDiff / n,
                n == 0 ? null : absDiff.quantile(0.99), pearson, n == 0 ? null : Psi.ofScores(champion, other),
                n == 0 ? null : meanChampion, n == 0 ? null : meanOther, absDiff.exact() && champion.exact()
                && other.exact() && diff.exact(), histogram(), differenceHistogram());
    }

    private List<ComparisonSummary.PairBin> histogram() {
        if (n == 0) {
            return List.of();
        }
        double[] edges = edges(Math.min(champion.min(), other.min()), Math.max(champion.max(), other.max()),
                HISTOGRAM_BINS);
        long[] c = champion.countsIn(edges);
        long[] o = other.countsIn(edges);
        List<ComparisonSummary.PairBin> bins = new ArrayList<>();
        for (int i = 0; i < c.length; i++) {
            bins.add(new ComparisonSummary.PairBin(edges[i], edges[i + 1], c[i], o[i]));
        }
        return bins;
    }

    private List<ComparisonSummary.Bin> differenceHistogram() {
        if (n == 0) {
            return List.of();
        }
        double m = Math.max(Math.abs(diff.min()), Math.abs(diff.max()));
        double[] edges = edges(m == 0 ? 0.0 : -m, m, DIFFERENCE_BINS); // no -0.0
        long[] counts = diff.countsIn(edges);
        List<ComparisonSummary.Bin> bins = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            bins.add(new ComparisonSummary.Bin(edges[i], edges[i + 1], counts[i]));
        }
        return bins;
    }

    /** {@code bins + 1} edges of equal spacing from lo to hi (exactly hi last); two when lo = hi (one bin). */
    static double[] edges(double lo, double hi, int bins) {
        if (!(hi > lo)) {
            return new double[] {lo, hi};
        }
        double[] edges = new double[bins + 1];
        for (int i = 0; i < bins; i++) {
            edges[i] = lo + (hi - lo) * i / bins;
        }
        edges[bins] = hi;
        return edges;
    }
}
