package dev.coldpath.core.compare;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The population stability index of a distribution against a reference (docs/models.md, "Comparison"):
 * {@code PSI = sum over bins of (a - r) * ln(a / r)}, where {@code r} and {@code a} are the reference's and the
 * other distribution's shares of the bin, each raised to {@value #EPSILON} when smaller (an empty bin), without
 * renormalising. Scores use {@value #BINS} bins cut at the reference's deciles; classes use one bin per class.
 * Stateless.
 */
public final class Psi {
    /** Number of score bins. */
    public static final int BINS = 10;
    /** The share an empty bin counts as. */
    public static final double EPSILON = 1e-4;

    private Psi() {
    }

    /**
     * PSI of {@code actual} against {@code reference}, in {@value #BINS} bins whose upper edges are the reference's
     * quantiles {@code k / 10} for k = 1..9 ({@link ValueSketch#quantile}: the value at rank ceil(k n / 10)), bin k
     * holding the values above edge k - 1 and at or below edge k, the last bin everything above edge 9. NaN when
     * either is empty.
     */
    public static double ofScores(ValueSketch reference, ValueSketch actual) {
        if (reference.count() == 0 || actual.count() == 0) {
            return Double.NaN;
        }
        double psi = 0;
        long refBelow = 0;
        long actBelow = 0;
        for (int k = 1; k <= BINS; k++) {
            long refUpTo;
            long actUpTo;
            if (k < BINS) {
                double edge = reference.quantile(k / (double) BINS);
                refUpTo = reference.countAtMost(edge);
                actUpTo = actual.countAtMost(edge);
            } else {
                refUpTo = reference.count();
                actUpTo = actual.count();
            }
            psi += term((double) (refUpTo - refBelow) / reference.count(),
                    (double) (actUpTo - actBelow) / actual.count());
            refBelow = refUpTo;
            actBelow = actUpTo;
        }
        return psi;
    }

    /** PSI of class shares: one bin per class seen in either. NaN when either is empty. */
    public static double ofClasses(Map<String, Long> reference, Map<String, Long> actual) {
        long refTotal = reference.values().stream().mapToLong(Long::longValue).sum();
        long actTotal = actual.values().stream().mapToLong(Long::longValue).sum();
        if (refTotal == 0 || actTotal == 0) {
            return Double.NaN;
        }
        Set<String> classes = new TreeSet<>(reference.keySet());
        classes.addAll(actual.keySet());
        double psi = 0;
        for (String c : classes) {
            psi += term((double) reference.getOrDefault(c, 0L) / refTotal, (double) actual.getOrDefault(c, 0L) / actTotal);
        }
        return psi;
    }

    private static double term(double reference, double actual) {
        double r = Math.max(reference, EPSILON);
        double a = Math.max(actual, EPSILON);
        return (a - r) * Math.log(a / r);
    }
}
