package dev.coldpath.spark;

import dev.coldpath.core.spec.Budget;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.SparkSession;

/** Cancels a run's Spark jobs when budget.max-wall-time passes (unless the budget only warns). */
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
            spark.sparkContext().cancelJobGroup(jobGroup);
        }, budget.maxWallTime().get().toMillis(), TimeUnit.MILLISECONDS);
        return b;
    }

    boolean expired() {
        return expired.get();
    }

    void cancel() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
