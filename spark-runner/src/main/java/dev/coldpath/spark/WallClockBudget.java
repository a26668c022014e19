package dev.coldpath.spark;

import dev.coldpath.core.spec.Budget;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.SparkSession;

/**
 * Cancels a run's Spark jobs when budget.max-wall-time passes (unless the budget only warns): those of its job group
 * running then, and any the group submits after ({@code cancelJobGroupAndFutureJobs}: when none ran at that instant,
 * a plain cancellation of the group finds nothing to cancel and would not stop the run's next job). A run's group is
 * its own (run id and a UUID), so nothing else is refused.
 */
final class WallClockBudget {
    private final ScheduledExecutorService timer;
    private final AtomicBoolean expired = new AtomicBoolean();

    private WallClockBudget(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    static WallClockBudget start(SparkSession spark, String jobGroup, Budget budget) {
        if (budget.maxWallTime().isEmpty() || budget.warnOnly()) {
            return new WallClockBudget(null);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coldpath-wall-time-budget");
            t.setDaemon(true);
            return t;
        });
        WallClockBudget b = new WallClockBudget(timer);
        timer.schedule(() -> {
            b.expired.set(true);
            spark.sparkContext().cancelJobGroupAndFutureJobs(jobGroup, "budget.max-wall-time passed");
        }, budget.maxWallTime().get().toMillis(), TimeUnit.MILLISECONDS);
        return b;
    }

    boolean expired() {
        return expired.get();
    }

    /** Ends the budget's watch: if it has not passed yet, it cancels nothing. */
    void cancel() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
