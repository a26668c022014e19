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

    /** Exact: value to count; null once bucketed. */
    private TreeMap<Double, Long> exact = new TreeMap<>();
    /** Bucketed: counts by bucket index ({@link #indexOf}) of the positive values and of the negative ones. */
    private final DenseCounts positive = new DenseCounts();
    private final DenseCounts negative = new DenseCounts();
    private long zeros;
    private long count;

    public void add(double value) {
        if (!Double.isFinite(value)) {
            return;
        }
        count++;
        if (exact == null) {
            addBucketed(value, 1);
            return;
        }
        exact.merge(normalise(value), 1L, Long::sum);
        if (exact.size() > EXACT_LIMIT) {
            toBuckets();
        }
    }

    /** Adds another sketch's values to this one. */
    public ValueSketch merge(ValueSketch other) {
        if (other.exact == null && exact != null) {
            toBuckets();
        }
        if (other.exact != null) {
            for (Map.Entry<Double, Long> e : other.exact.entrySet()) {
                if (exact == null) {
                    addBucketed(e.getKey(), e.getValue());
                } else {
                    exact.merge(e.getKey(), e.getValue(), Long::sum);
                }
            }
        } else {
            positive.addAll(other.positive);
            negative.addAll(other.negative);
            zeros += other.zeros;
        }
        count += other.count;
        if (exact != null && exact.size() > EXACT_LIMIT) {
            toBuckets();
        }
        return this;
    }

    public long count() {
        return count;
    }

    /** Whether quantiles and bin counts are exact (at most {@value #EXACT_LIMIT} distinct values were seen). */
    public boolean exact() {
        return exact != null;
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
        TreeMap<Double, Long> counts = sorted();
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
        for (long c : sorted().headMap(edge, true).values()) {
            n += c;
        }
        return n;
    }

    /** The smallest value (a bucket's bound once bucketed); NaN when empty. */
    public double min() {
        return count == 0 ? Double.NaN : sorted().firstKey();
    }

    /** The largest value (a bucket's bound once bucketed); NaN when empty. */
    public double max() {
        return count == 0 ? Double.NaN : sorted().lastKey();
    }

    /**
     * How many values fall in each bin between ascending {@code edges}: bin i holds the values above edge i and at or
     * below edge i + 1; the first bin also holds everything at or below edge 1, the last everything above its lower
     * edge. So every value is in exactly one of the {@code edges.length - 1} bins.
     */
    public long[] countsIn(double[] edges) {
        if (edges.length < 2) {
            throw new IllegalArgumentException("edges must hold at least two values: " + edges.length);
        }
        int bins = edges.length - 1;
        long[] out = new long[bins];
        int bin = 0; // values come in ascending order
        for (Map.Entry<Double, Long> e : sorted().entrySet()) {
            double v = e.getKey();
            while (bin < bins - 1 && v > edges[bin + 1]) {
                bin++;
            }
            out[bin] += e.getValue();
        }
        return out;
    }

    private void toBuckets() {
        TreeMap<Double, Long> values = exact;
        exact = null;
        values.forEach(this::addBucketed);
    }

    private void addBucketed(double value, long n) {
        if (value == 0) {
            zeros += n;
        } else if (value > 0) {
            positive.add(indexOf(value), n);
        } else {
            negative.add(indexOf(value), n);
        }
    }

    /** The values and their counts in value order: exact, or each bucket's upper bound ({@link #bucketOf}). */
    private TreeMap<Double, Long> sorted() {
        if (exact != null) {
            return exact;
        }
        TreeMap<Double, Long> buckets = new TreeMap<>();
        positive.forEach((index, n) -> buckets.merge(Math.pow(GAMMA, index), n, Long::sum));
        negative.forEach((index, n) -> buckets.merge(-Math.pow(GAMMA, index), n, Long::sum));
        if (zeros > 0) {
            buckets.merge(0.0, zeros, Long::sum);
        }
        return buckets;
    }

    /** A nonzero value's bucket: ceil(log_gamma v) for v > 0, floor(log_gamma |v|) for v < 0. */
    private static int indexOf(double value) {
        double log = Math.log(Math.abs(value)) / LOG_GAMMA;
        return (int) (value > 0 ? Math.ceil(log) : Math.floor(log));
    }

    private static double normalise(double value) {
        return value == 0 ? 0.0 : value; // -0.0 and 0.0 are one value
    }

    /** The upper bound of {@code value}'s bucket: gamma^ceil(log_gamma v) for v > 0, mirrored for v < 0. */
    static double bucketOf(double value) {
        if (value == 0) {
            return 0.0;
        }
        double bound = Math.pow(GAMMA, indexOf(value));
        return value > 0 ? bound : -bound; // a negative value's upper bound is nearer zero
    }

    /**
     * Counts by bucket index in one array that grows to the indexes seen (DDSketch's dense store): an add is an
     * array increment, where a sorted map of boxed values cost a tree walk and two allocations per row.
     */
    private static final class DenseCounts implements Serializable {
        private long[] counts = new long[0];
        private int offset;

        void add(int index, long n) {
            if (counts.length == 0) {
                counts = new long[64];
                offset = index - 32;
            } else if (index < offset || index >= offset + counts.length) {
                grow(index);
            }
            counts[index - offset] += n;
        }

        void addAll(DenseCounts other) {
            for (int i = 0; i < other.counts.length; i++) {
                if (other.counts[i] != 0) {
                    add(other.offset + i, other.counts[i]);
                }
            }
        }

        void forEach(IndexCount action) {
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != 0) {
                    action.accept(offset + i, counts[i]);
                }
            }
        }

        private void grow(int index) {
            int low = Math.min(offset, index);
            int high = Math.max(offset + counts.length - 1, index);
            int size = Math.max(2 * counts.length, high - low + 1 + 64);
            int newOffset = index < offset ? high - size + 1 : low;
            long[] grown = new long[size];
            System.arraycopy(counts, 0, grown, offset - newOffset, counts.length);
            counts = grown;
            offset = newOffset;
        }
    }

    private interface IndexCount {
        void accept(int index, long count);
    }
}
