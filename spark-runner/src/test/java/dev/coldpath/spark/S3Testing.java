package dev.coldpath.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSession;

/** Points the shared test SparkSession at a test S3 server. */
final class S3Testing {
    private S3Testing() {
    }

    /**
     * Sets the server's s3a keys on the driver's Hadoop configuration and, as {@code spark.hadoop.*}, on the
     * configuration executors copy theirs from (in local mode, the driver's SparkEnv): what spark-submit does
     * with {@code --conf spark.hadoop.*} for a session that already exists.
     */
    static void configure(SparkSession spark, S3ProxyServer server) {
        server.configure(spark.sparkContext().hadoopConfiguration());
        server.sparkConf().forEach((k, v) -> SparkEnv.get().conf().set(k, v));
    }
}
