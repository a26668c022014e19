package dev.coldpath.spark;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/** One local[2] SparkSession per test JVM, bound to loopback; started on first use. */
final class LocalSpark {
    private static SparkSession spark;

    private LocalSpark() {
    }

    static synchronized SparkSession get() {
        if (spark == null) {
            spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("coldpath-tests")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    // Small files each become their own partition, so tests can ask for many partitions.
                    .config("spark.sql.files.maxPartitionBytes", "16k")
                    .getOrCreate();
        }
        return spark;
    }

    /**
     * Waits until no task runs (a failed job's other tasks may still be finishing and leasing sessions), then
     * empties the per-JVM session cache, so a test sees only its own sessions.
     */
    static void resetSessionsWhenIdle() {
        SparkSession s = get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && (s.sparkContext().statusTracker().getActiveStageIds().length > 0
                || Arrays.stream(s.sparkContext().statusTracker().getExecutorInfos())
                        .anyMatch(e -> e.numRunningTasks() > 0))) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ExecutorSessions.cache().reset();
    }
}
