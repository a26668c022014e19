package dev.coldpath.spark;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.SparkSession;

/** Polls Spark's status tracker for a run's job group and reports {@link Progress} until closed. */
final class ProgressPoller implements AutoCloseable {
    private final ScheduledExecutorService timer;

    private ProgressPoller(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    static ProgressPoller start(SparkSession spark, String group, String runId, ScoringCounters counters,
                                Progress.Listener listener, Duration every) {
        if (listener == Progress.Listener.NONE) {
            return new ProgressPoller(null);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coldpath-progress");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        SparkStatusTracker tracker = spark.sparkContext().statusTracker();
        timer.scheduleAtFixedRate(() -> {
            int done = 0;
            int total = 0;
            for (int jobId : tracker.getJobIdsForGroup(group)) {
                SparkJobInfo job = tracker.getJobInfo(jobId).getOrElse(() -> null);
                if (job == null) {
                    continue;
                }
                for (int stageId : job.stageIds()) {
                    SparkStageInfo stage = tracker.getStageInfo(stageId).getOrElse(() -> null);
                    if (stage != null) {
                        done += stage.numCompletedTasks();
                        total += stage.numTasks();
                    }
                }
            }
            listener.update(new Progress(runId, done, total, counters.rowsScored.value(),
                    Duration.ofNanos(System.nanoTime() - start)));
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return new ProgressPoller(timer);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
