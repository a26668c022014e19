package dev.coldpath.bench;

import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.spark.RunResult;
import dev.coldpath.spark.SparkScoringJob;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * The child JVM of {@link RssBench}: one coldpath run on local[2], then {@code rss.key=value} lines on stdout,
 * the last being its own peak RSS (VmHWM). Arguments: model input table batchSize features.
 */
public final class RssChild {
    private RssChild() {
    }

    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        Path input = Path.of(args[1]);
        Path table = Path.of(args[2]);
        int batch = Integer.parseInt(args[3]);
        int features = Integer.parseInt(args[4]);
        SparkSession spark = ThroughputBench.localSpark();
        spark.sparkContext().setLogLevel("WARN");
        RunResult result;
        long start = System.nanoTime();
        try {
            result = new SparkScoringJob(spark).run(JobSpec.from(JobConfig.of(
                    ThroughputBench.job(model, input, table, features, batch), "bench-rss")));
        } finally {
            spark.stop();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("rss.rows_written=" + result.rowsWritten());
        System.out.println("rss.sessions=" + result.sessionsCreated());
        System.out.println(String.format(Locale.ROOT, "rss.seconds=%.1f", seconds));
        System.out.println(String.format(Locale.ROOT, "rss.rows_per_second=%.0f", result.rowsWritten() / seconds));
        System.out.println("rss.heap_used_mb=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                / (1 << 20));
        System.out.println("rss.heap_pool_peaks_sum_mb=" + heapPeak / (1 << 20));
        System.out.println("rss.heap_committed_mb="
                + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / (1 << 20));
        System.out.println("rss.vmhwm_kb=" + Machine.procKilobytes(Path.of("/proc/self/status"), "VmHWM:"));
        System.exit(0);
    }
}
