package dev.coldpath.core.metrics;

import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.decode.TensorValues;
import java.io.Serializable;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a run measured: per-stage batch latencies (HdrHistogram, microseconds), rows per second of wall time,
 * prediction distributions, session load times. One instance per task, merged on the driver. Not thread safe;
 * serializable, so an engine can ship task instances to the driver.
 */
public final class RunMetrics implements Serializable {
    private static final long MAX_MICROS = 3_600_000_000L;

    private final EnumMap<Stage, Histogram> stages = new EnumMap<>(Stage.class);
    private final TreeMap<Long, Long> rowsBySecond = new TreeMap<>();
    private final Map<String, OutputStats> outputs = new LinkedHashMap<>();
    private final List<Double> sessionLoadMs = new ArrayList<>();
    private long batches;
    private long rows;
    private long textRows;
    private long tokens;
    private long truncatedRows;
    private long paddedTokens;

    /** A stage's histogram, made on first use so that empty metrics stay small on the wire. */
    private Histogram histogram(Stage stage) {
        return stages.computeIfAbsent(stage, s -> new Histogram(MAX_MICROS, 2));
    }

    public void record(Stage stage, long nanos) {
        histogram(stage).recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
    }

    /** A batch of {@code rows} finished {@code secondsSinceStart} seconds after the run started. */
    public void batchDone(int rowCount, long secondsSinceStart) {
        batches++;
        rows += rowCount;
        rowsBySecond.merge(Math.max(0, secondsSinceStart), (long) rowCount, Long::sum);
    }

    /**
     * A batch of {@code rows} texts, {@code tokens} tokens in all, {@code padded} positions once padded to its longest
     * text, {@code truncated} texts cut at their maximum length.
     */
    public void textBatch(int rowCount, long tokenCount, long padded, int truncated) {
        textRows += rowCount;
        tokens += tokenCount;
        paddedTokens += padded;
        truncatedRows += truncated;
    }

    /** Token positions fed to a text model, padding included. */
    public long paddedTokens() {
        return paddedTokens;
    }

    /** Texts tokenized (rows of a text model's batches). */
    public long textRows() {
        return textRows;
    }

    /** Tokens fed to a text model, padding left out. */
    public long tokens() {
        return tokens;
    }

    /** Texts truncated at their maximum length. */
    public long truncatedRows() {
        return truncatedRows;
    }

    public void sessionLoaded(long nanos) {
        sessionLoadMs.add(nanos / 1e6);
    }

    /** The statistics of one output column, created on first use. */
    public OutputStats output(String column, OutputStats.Kind kind) {
        return outputs.computeIfAbsent(column, c -> new OutputStats(kind));
    }

    /** Adds a batch's predictions to the distributions: numbers as numeric, labels and text as classes. */
    public void observe(List<Prediction> predictions) {
        for (Prediction prediction : predictions) {
            if (!(prediction instanceof TensorValues column) || column.innerRank() != 0) {
                continue; // arrays and maps are not summarised
            }
            Object values = column.values();
            if (column.type().isFloatingPoint()) {
                OutputStats stats = output(column.column(), OutputStats.Kind.NUMERIC);
                for (int i = 0; i < column.rows(); i++) {
                    stats.add(column.type().doubleAt(values, i));
                }
            } else {
                OutputStats stats = output(column.column(), OutputStats.Kind.CLASSES);
                for (int i = 0; i < column.rows(); i++) {
                    stats.addClass(String.valueOf(Array.get(values, i)));
                }
            }
        }
    }

    public long batches() {
        return batches;
    }

    public long rows() {
        return rows;
    }

    /** The stage's batch latencies in microseconds (empty if none were recorded). */
    public Histogram stage(Stage stage) {
        return stages.getOrDefault(stage, new Histogram(MAX_MICROS, 2));
    }

    /** Whether the stage was timed at all: an {@link Stage#optional()} one is, in some runs only. */
    public boolean timed(Stage stage) {
        return stages.containsKey(stage);
    }

    public void merge(RunMetrics other) {
        other.stages.forEach((stage, h) -> histogram(stage).add(h));
        other.rowsBySecond.forEach((s, n) -> rowsBySecond.merge(s, n, Long::sum));
        other.outputs.forEach((name, stats) -> outputs.merge(name, stats.copy(), OutputStats::merge));
        sessionLoadMs.addAll(other.sessionLoadMs);
        batches += other.batches;
        rows += other.rows;
        textRows += other.textRows;
        tokens += other.tokens;
        truncatedRows += other.truncatedRows;
        paddedTokens += other.paddedTokens;
    }

    public RunMetrics copy() {
        RunMetrics copy = new RunMetrics();
        copy.merge(this);
        return copy;
    }

    public boolean isEmpty() {
        return batches == 0 && sessionLoadMs.isEmpty();
    }

    /** The stage's 99th percentile in milliseconds. */
    public double p99Millis(Stage stage) {
        return stage(stage).getValueAtPercentile(99) / 1000.0;
    }

    /** Rows finished per second of {@code wallSeconds}, rounded to a thousandth; 0 without wall time. */
    public double rowsPerSecond(double wallSeconds) {
        return wallSeconds > 0 ? round(rows / wallSeconds) : 0.0;
    }

    /** The stage's batch latencies as manifests store them. */
    public StageSummary stageSummary(Stage stage) {
        Histogram h = stage(stage);
        double totalMicros = 0;
        for (var v : h.recordedValues()) {
            totalMicros += (double) v.getValueIteratedTo() * v.getCountAddedInThisIterationStep();
        }
        return new StageSummary(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)),
                ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), round(totalMicros / 1000.0), logBins(h, 20));
    }

    /** Rows finished in each second, counted from the first finished batch: engine start-up is not throughput. */
    public List<ThroughputPoint> throughput() {
        List<ThroughputPoint> points = new ArrayList<>();
        if (!rowsBySecond.isEmpty()) {
            long first = rowsBySecond.firstKey();
            for (long s = first; s <= rowsBySecond.lastKey(); s++) {
                points.add(new ThroughputPoint(s - first, rowsBySecond.getOrDefault(s, 0L)));
            }
        }
        return points;
    }

    /** The distribution of each scalar prediction column, in the order the columns were first seen. */
    public Map<String, OutputSummary> outputSummaries() {
        Map<String, OutputSummary> out = new LinkedHashMap<>();
        outputs.forEach((name, stats) -> out.put(name, stats.summary()));
        return out;
    }

    /** How long each ONNX Runtime session took to open, in milliseconds. */
    public List<Double> sessionLoadMs() {
        return sessionLoadMs.stream().map(RunMetrics::round).toList();
    }

    /** Log-spaced bins from the smallest to the largest value, which suits latencies. */
    private static List<LatencyBin> logBins(Histogram h, int n) {
        List<LatencyBin> bins = new ArrayList<>();
        if (h.getTotalCount() == 0) {
            return bins;
        }
        double lo = Math.max(1, h.getMinValue());
        double hi = Math.max(lo * 1.0001, h.getMaxValue());
        double logStep = Math.log(hi / lo) / n;
        long[] counts = new long[n];
        for (var v : h.recordedValues()) {
            double value = Math.max(lo, v.getValueIteratedTo());
            int bin = (int) Math.min(n - 1, Math.floor(Math.log(value / lo) / logStep));
            counts[bin] += v.getCountAddedInThisIterationStep();
        }
        for (int i = 0; i < n; i++) {
            bins.add(new LatencyBin(round(lo * Math.exp(logStep * i) / 1000.0),
                    round(lo * Math.exp(logStep * (i + 1)) / 1000.0), counts[i]));
        }
        return bins;
    }

    private static double ms(long micros) {
        return round(micros / 1000.0);
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
