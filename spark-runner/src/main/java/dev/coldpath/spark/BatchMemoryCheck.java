package dev.coldpath.spark;

import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.plan.ModelBinding;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.score.BindingBatches;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

/**
 * Refuses, in preflight, a batch size whose input tensors cannot fit an executor: every task slot fills a batch
 * into Java arrays and copies it into a direct buffer for ONNX Runtime, so an executor holds about twice the batch's
 * tensor bytes per slot. Without this check a batch size of a billion rows ends in an OutOfMemoryError deep in a
 * task. Driver-only.
 */
final class BatchMemoryCheck {
    /** The share of an executor's heap that batches may take; Spark's own memory fraction is 0.6. */
    static final double HEAP_SHARE = 0.5;

    private BatchMemoryCheck() {
    }

    static void check(ScoringPlan plan, SparkContext spark) {
        SparkConf conf = spark.getConf();
        boolean local = spark.isLocal();
        long heap = local ? Runtime.getRuntime().maxMemory() : conf.getSizeAsBytes("spark.executor.memory", "1g");
        int cpusPerTask = Math.max(1, conf.getInt("spark.task.cpus", 1));
        int slots = Math.max(1, (local ? spark.defaultParallelism() : conf.getInt("spark.executor.cores", 1))
                / cpusPerTask);
        check(plan, heap, slots);
    }

    /**
     * Checks a plan's batches against {@code heapBytes} shared by {@code slots} task slots (or the local runner's
     * workers): every model's input tensors, each feed once (models fed the same tensors share them), at the batch
     * size the models are scored at together (the smallest of theirs).
     */
    static void check(ScoringPlan plan, long heapBytes, int slots) {
        long rowBytes = 0;
        for (ModelBinding binding : BindingBatches.fedBindings(plan)) {
            for (Encoder encoder : binding.encoders()) {
                long values = 1;
                for (long d : encoder.shape()) {
                    values = Math.multiplyExact(values, Math.max(1, d)); // a symbolic dimension counts as 1: a floor
                }
                rowBytes += values * encoder.elementType().byteWidth();
            }
        }
        int rows = plan.bindings().stream().mapToInt(b -> b.inference().batchSize()).min().orElseThrow();
        double needed = 2.0 * rows * rowBytes * slots;
        if (needed > HEAP_SHARE * heapBytes) {
            throw new JobSpecException(String.format(Locale.ROOT, "Invalid inference.batch-size: %d (a batch of %d"
                    + " rows is %s of input tensors, %d bytes a row; %d task slot(s) of an executor hold about %s"
                    + " at once, more than half of its %s heap): lower inference.batch-size (auto fits 8 MiB), or"
                    + " raise spark.executor.memory (COLDPATH_JAVA_OPTS=-Xmx... for local runs)", rows, rows,
                    bytes(rows * (double) rowBytes), rowBytes, slots, bytes(needed), bytes(heapBytes)));
        }
    }

    private static String bytes(double n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int unit = 0;
        while (n >= 1024 && unit < units.length - 1) {
            n /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, unit == 0 ? "%.0f %s" : "%.1f %s", n, units[unit]);
    }
}
