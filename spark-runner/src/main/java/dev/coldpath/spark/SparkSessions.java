package dev.coldpath.spark;

import dev.coldpath.core.error.ClusterException;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.spec.JobSpec;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession a job runs in. Driver-only. */
public final class SparkSessions {
    /** The master when neither the job nor spark-submit names one: every core of this machine. */
    public static final String DEFAULT_MASTER = "local[*]";

    private SparkSessions() {
    }

    /**
     * A session configured by the job's {@code spark.*} keys. Under spark-submit the master and the rest of
     * spark-submit's settings come from there; otherwise the job runs on embedded local Spark, bound to the
     * loopback interface.
     */
    public static SparkSession create(JobSpec spec) {
        SparkSession.Builder builder = SparkSession.builder().appName("coldpath " + spec.name());
        boolean submitted = System.getProperty("spark.submit.deployMode") != null;
        spec.sparkConf().forEach((key, value) -> {
            if (!(submitted && key.equals("spark.master"))) { // under spark-submit its --master decides
                builder.config(key, value);
            }
        });
        String master = submitted ? System.getProperty("spark.master")
                : spec.sparkConf().getOrDefault("spark.master", System.getProperty("spark.master"));
        if (master == null) {
            master = DEFAULT_MASTER;
            builder.master(master);
        }
        if (master.startsWith("local") && !spec.sparkConf().containsKey("spark.driver.host")) {
            builder.config("spark.driver.host", "127.0.0.1");
            builder.config("spark.driver.bindAddress", "127.0.0.1");
        }
        builder.config("spark.ui.showConsoleProgress", "false");
        try {
            return builder.getOrCreate();
        } catch (Exception e) { // SparkException is checked, thrown through Scala code
            throw startFailure(master, e);
        }
    }

    /**
     * Why Spark did not start, as the user's error (a master URL it cannot parse, a heap too small for it) or an
     * external one.
     */
    private static RuntimeException startFailure(String master, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("Could not parse Master URL")) {
                return new JobSpecException("Invalid spark.master '" + master + "': not a master URL Spark knows"
                        + " (local[N], local[*], spark://HOST:PORT, yarn, k8s://https://HOST:PORT)");
            }
            if (String.valueOf(t.getMessage()).contains("INVALID_DRIVER_MEMORY")) { // a heap Spark refuses to run in
                return new JobSpecException("Cannot start Spark: " + String.valueOf(t.getMessage()).lines()
                        .findFirst().orElse("").replaceFirst("^\\[INVALID_DRIVER_MEMORY\\] ", "") + " (give the JVM"
                        + " more heap: COLDPATH_JAVA_OPTS=-Xmx2g, or spark.driver.memory under spark-submit)");
            }
        }
        return new ClusterException("Cannot start Spark with master '" + master + "': " + e.getMessage()
                .lines().findFirst().orElse("") + " (is the master running and reachable? see the log)", e);
    }
}
