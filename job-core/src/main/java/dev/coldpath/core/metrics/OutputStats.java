package dev.coldpath.core.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The distribution of one prediction column: for numbers, count, min, max, mean and a uniform sample from
 * which the report draws a histogram; for class labels, the count of each label (at most
 * {@value #MAX_CLASSES}). Mergeable; not thread safe.
 */
public final class OutputStats implements Serializable {
    /** How a column is summarised. */
    public enum Kind { NUMERIC, CLASSES }

    static final int SAMPLE = 4096;
    static final int MAX_CLASSES = 1000;
    static final int BINS = 20;

    private final Kind kind;
    private long count;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private final List<Double> sample = new ArrayList<>();
    private final TreeMap<String, Long> classes = new TreeMap<>();
    private boolean classesTruncated;
    private long nextReplacement;
    private transient SplittableRandom random;

    private SplittableRandom random() {
        if (random == null) {
            random = new SplittableRandom(42 + count);
        }
        return random;
    }

    OutputStats(Kind kind) {
        this.kind = kind;
    }

    public void add(double value) {
        if (Double.isNaN(value)) {
            return;
        }
        count++;
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum += value;
        if (sample.size() < SAMPLE) {
            sample.add(value);
        } else if (count >= nextReplacement) {
            // Reservoir sampling that skips ahead instead of drawing a random number for every value: the gap to
            // the next kept value is geometric with p = SAMPLE / count.
            sample.set(random().nextInt(SAMPLE), value);
            double p = (double) SAMPLE / count;
            nextReplacement = count + 1 + (long) Math.floor(Math.log(1 - random().nextDouble()) / Math.log1p(-p));
        }
    }

    public void addClass(String label) {
        count++;
        if (classes.containsKey(label) || classes.size() < MAX_CLASSES) {
            classes.merge(label, 1L, Long::sum);
        } else {
            classesTruncated = true;
        }
    }

    OutputStats copy() {
        OutputStats copy = new OutputStats(kind);
        copy.merge(this);
        return copy;
    }

    /** Merges another column's statistics into this one; samples are combined in proportion to counts. */
    OutputStats merge(OutputStats other) {
        long before = count;
        count += other.count;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        sum += other.sum;
        if (sample.size() + other.sample.size() <= SAMPLE) {
            sample.addAll(other.sample);
        } else {
            double share = (double) other.count / Math.max(1, before + other.count);
            List<Double> mine = new ArrayList<>(sample);
            sample.clear();
            for (int i = 0; i < SAMPLE; i++) {
                List<Double> from = (random().nextDouble() < share && !other.sample.isEmpty()) || mine.isEmpty()
                        ? other.sample : mine;
                sample.add(from.get(random().nextInt(from.size())));
            }
        }
        other.classes.forEach((k, v) -> classes.merge(k, v, Long::sum));
        classesTruncated |= other.classesTruncated;
        return this;
    }

    /** The distribution as manifests store it. */
    public OutputSummary summary() {
        if (kind == Kind.CLASSES) {
            return new OutputSummary.Classes(count, classes, classesTruncated);
        }
        if (count == 0) {
            return new OutputSummary.Numeric(0L, null, null, null, List.of());
        }
        List<OutputSummary.Bin> bins = new ArrayList<>();
        double width = (max - min) / BINS;
        long[] counts = new long[BINS];
        for (double v : sample) {
            int bin = width == 0 ? 0 : (int) Math.min(BINS - 1, Math.floor((v - min) / width));
            counts[bin]++;
        }
        // Scale the sample's counts to the column's row count.
        double scale = sample.isEmpty() ? 0 : (double) count / sample.size();
        for (int i = 0; i < BINS; i++) {
            bins.add(new OutputSummary.Bin(RunMetrics.round(min + i * width), RunMetrics.round(min + (i + 1) * width),
                    Math.round(counts[i] * scale)));
        }
        return new OutputSummary.Numeric(count, RunMetrics.round(min), RunMetrics.round(max),
                RunMetrics.round(sum / count), bins);
    }
}
