package dev.coldpath.spark;

import dev.coldpath.core.spec.Budget;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * Cancels a run's Spark jobs when budget.max-wall-time passes (unless the budget only warns): those running then,
 * and any of its job group that starts after (when none ran at that instant, Spark's cancellation of the group finds
 * nothing to cancel, and would not stop the run's next job), until {@link #cancel}.
 */
final class WallClockBudget {
    /** The job property that holds a job's group (SparkContext's, not public). */
    private static final String JOB_GROUP = "spark.jobGroup.id";
    private final ScheduledExecutorService timer;
    private final AtomicBoolean expired = new AtomicBoolean();
    private final SparkContext context;
    private final SparkListener lateJobs;

    private WallClockBudget(ScheduledExecutorService timer, SparkContext context, String jobGroup) {
        this.timer = timer;
        this.context = context;
        this.lateJobs = context == null ? null : new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart job) {
                if (expired.get() && job.properties() != null
                        && jobGroup.equals(job.properties().getProperty(JOB_GROUP))) {
                    context.cancelJob(job.jobId(), "budget.max-wall-time passed");
                }
            }
        };
    }

    static WallClockBudget start(SparkSession spark, String jobGroup, Budget budget) {
        if (budget.maxWallTime().isEmpty() || budget.warnOnly()) {
            return new WallClockBudget(null, null, jobGroup);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coldpath-wall-time-budget");
            t.setDaemon(true);
            return t;
        });
        SparkContext context = spark.sparkContext();
        WallClockBudget b = new WallClockBudget(timer, context, jobGroup);
        context.addSparkListener(b.lateJobs);
        timer.schedule(() -> {
            b.expired.set(true);
            context.cancelJobGroup(jobGroup);
        }, budget.maxWallTime().get().toMillis(), TimeUnit.MILLISECONDS);
        return b;
    }

    boolean expired() {
        return expired.get();
    }

    /** Ends the budget's watch: no job is cancelled after this. */
    void cancel() {
        if (timer != null) {
            timer.shutdownNow();
            context.removeSparkListener(lateJobs);
        }
    }
}
