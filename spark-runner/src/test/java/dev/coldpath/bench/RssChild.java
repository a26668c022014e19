package dev.coldpath.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.spark.LocalScoringJob;
import dev.coldpath.spark.Progress;
import dev.coldpath.spark.RunResult;
import dev.coldpath.spark.SparkScoringJob;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.spark.sql.SparkSession;

/**
 * The child JVM of {@link RssBench}: one coldpath run on local[2], then {@code rss.key=value} lines on stdout,
 * the last being its own peak RSS (VmHWM). Arguments: model input table batchSize features [coldpath|copy|local];
 * copy runs plain Spark's read and write of the same columns instead, for comparison; local the local runner.
 */
public final class RssChild {
    private RssChild() {
    }

    /** The JVM's native memory by category, as {@code jcmd PID VM.native_memory summary} prints it. */
    private static String nativeMemorySummary() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            return "native memory tracking unavailable: " + e.getMessage();
        }
    }

    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        Path input = Path.of(args[1]);
        Path table = Path.of(args[2]);
        int batch = Integer.parseInt(args[3]);
        int features = Integer.parseInt(args[4]);
        String variant = args.length > 5 ? args[5] : "coldpath";
        boolean copy = variant.equals("copy");
        boolean local = variant.equals("local"); // the local runner: no SparkSession at all
        SparkSession spark = local ? null : ThroughputBench.localSpark();
        if (spark != null) {
            spark.sparkContext().setLogLevel("WARN");
        }
        long start = System.nanoTime();
        LiveHeap live = LiveHeap.watch();
        RssPeak peak = RssPeak.watch();
        String nativeMemory;
        long rows;
        long sessions = 0;
        try {
            if (copy) {
                ThroughputBench.copyQuery(spark, input, BenchModels.TINY, features).write().parquet(table.toString());
                rows = spark.read().parquet(table.toString()).count();
            } else {
                JobSpec spec = JobSpec.from(JobConfig.of(ThroughputBench.job(model, input, table, features, batch),
                        "bench-rss"));
                RunResult result = local
                        ? new LocalScoringJob(spec, Progress.Listener.NONE, Duration.ofSeconds(1)).run(spec,
                                "runner: local")
                        : new SparkScoringJob(spark).run(spec);
                rows = result.rowsWritten();
                sessions = result.sessionsCreated();
            }
            nativeMemory = nativeMemorySummary();
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("rss.variant=" + variant);
        System.out.println("rss.rows_written=" + rows);
        System.out.println("rss.sessions=" + sessions);
        System.out.println("rss.live_heap_peak_mb=" + live.peakAfterGc() / (1 << 20));
        System.out.println(String.format(Locale.ROOT, "rss.seconds=%.1f", seconds));
        System.out.println(String.format(Locale.ROOT, "rss.rows_per_second=%.0f", rows / seconds));
        System.out.println(String.format(Locale.ROOT, "rss.cpu_seconds=%.1f", // the whole child's, start-up included
                ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class).getProcessCpuTime() / 1e9));
        System.out.println("rss.heap_used_mb=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                / (1 << 20));
        System.out.println("rss.heap_pool_peaks_sum_mb=" + heapPeak / (1 << 20));
        System.out.println("rss.heap_committed_mb="
                + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / (1 << 20));
        for (BufferPoolMXBean pool
                : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            System.out.println("rss.buffer_pool_" + pool.getName().replaceAll("\\W", "_") + "_mb="
                    + pool.getMemoryUsed() / (1 << 20) + " (" + pool.getCount() + " buffers)");
        }
        System.out.println("rss.vmrss_kb=" + Machine.procKilobytes(Path.of("/proc/self/status"), "VmRSS:"));
        nativeMemory.lines().filter(l -> l.startsWith("-") || l.startsWith("Total"))
                .forEach(l -> System.out.println("rss.nmt " + l.trim()));
        peak.atPeak().forEach((key, kb) -> System.out.println("rss.peak." + key + "=" + kb));
        System.out.println("rss.vmhwm_kb=" + Machine.procKilobytes(Path.of("/proc/self/status"), "VmHWM:"));
        System.exit(0);
    }
}
