import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;

/** What both probes share: a loopback local[2] session, and steps that print OK or FAILED and count failures. */
final class ProbeSteps {
    private int failed;

    static SparkSession.Builder localSession(String name) {
        return SparkSession.builder().master("local[2]").appName(name)
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false");
    }

    /** Runs one step; a failure is printed (with its stack trace when {@code trace}) and counted, not thrown. */
    void step(String what, Callable<String> action, boolean trace) {
        try {
            System.out.println("OK     " + what + " -> " + action.call());
        } catch (Throwable e) {
            failed++;
            System.out.println("FAILED " + what + " -> " + e);
            if (trace) {
                e.printStackTrace(System.out);
            }
        }
    }

    /** Stops Spark, prints the count and exits with it. */
    void finish(SparkSession spark) {
        spark.stop();
        System.out.println(failed + " failed");
        System.exit(failed);
    }
}
