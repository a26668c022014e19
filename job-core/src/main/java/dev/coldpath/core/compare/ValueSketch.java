package dev.coldpath.core.compare;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The distribution of one score, mergeable: every distinct value and its count while there are at most
 * {@value #EXACT_LIMIT} of them (quantiles and bin counts are then exact), after that counts in logarithmic buckets
 * of relative width {@value #RELATIVE_ACCURACY} on each side of zero (DDSketch's scheme: a value's bucket is
 * {@code ceil(log_gamma |v|)}, gamma = (1 + a) / (1 - a)), so a quantile is within 0.1 % of the true one. NaN and
 * infinities are not added. Serializable; not thread safe.
 */
public final class ValueSketch implements Serializable {
    /** Distinct values kept exactly before the sketch turns to buckets. */
    public static final int EXACT_LIMIT = 10_000;
    /** The relative accuracy of a bucketed quantile. */
    public static final double RELATIVE_ACCURACY = 0.001;
    private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    private static final double LOG_GAMMA = Math.log(GAMMA);

    /** Exact: value to count. Bucketed: the representative value of each bucket (its upper bound) to count. */
    private TreeMap<Double, Long> counts = new TreeMap<>();
    private boolean bucketed;
    private long count;

    public void add(double value) {
        if (!Double.isFinite(value)) {
            return;
        }
        count++;
        counts.merge(bucketed ? bucketOf(value) : normalise(value), 1L, Long::sum);
        if (!bucketed && counts.size() > EXACT_LIMIT) {
            toBuckets();
        }
    }

    /** Adds another sketch's values to this one. */
    public ValueSketch merge(ValueSketch other) {
        if (other.bucketed && !bucketed) {
            toBuckets();
        }
        for (Map.Entry<Double, Long> e : other.counts.entrySet()) {
            counts.merge(bucketed && !other.bucketed ? bucketOf(e.getKey()) : e.getKey(), e.getValue(), Long::sum);
        }
        count += other.count;
        if (!bucketed && counts.size() > EXACT_LIMIT) {
            toBuckets();
        }
        return this;
    }

    public long count() {
        return count;
    }

    /** Whether quantiles and bin counts are exact (at most {@value #EXACT_LIMIT} distinct values were seen). */
    public boolean exact() {
        return !bucketed;
    }

    /**
     * The value at rank {@code ceil(q * count)} (1-based) of the sorted values: the smallest value with at least
     * {@code q} of the values at or below it (a bucket's upper bound once bucketed). NaN when empty.
     */
    public double quantile(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count - 1e-9));
        long seen = 0;
        for (Map.Entry<Double, Long> e : counts.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return e.getKey();
            }
        }
        return counts.lastKey();
    }

    /** How many values are at or below {@code edge} (exact for an edge that {@link #quantile} returned). */
    public long countAtMost(double edge) {
        long n = 0;
        for (long c : counts.headMap(edge, true).values()) {
            n += c;
        }
        return n;
    }

    private void toBuckets() {
        TreeMap<Double, Long> buckets = new TreeMap<>();
        counts.forEach((v, c) -> buckets.merge(bucketOf(v), c, Long::sum));
        counts = buckets;
        bucketed = true;
    }

    private static double normalise(double value) {
        return value == 0 ? 0.0 : value; // -0.0 and 0.0 are one value
    }

    /** The upper bound of {@code value}'s bucket: gamma^ceil(log_gamma v) for v > 0, mirrored for v < 0. */
    static double bucketOf(double value) {
        if (value == 0) {
            return 0.0;
        }
        double magnitude = Math.abs(value);
        if (value > 0) {
            return Math.pow(GAMMA, Math.ceil(Math.log(magnitude) / LOG_GAMMA));
        }
        return -Math.pow(GAMMA, Math.floor(Math.log(magnitude) / LOG_GAMMA)); // its upper bound is nearer zero
    }
}
