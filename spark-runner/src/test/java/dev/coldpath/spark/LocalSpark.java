package dev.coldpath.spark;

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
}
