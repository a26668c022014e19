package dev.coldpath.spark;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.JobExecutionStatus;

/**
 * Waits, after a job group failed or was cancelled, until none of its tasks still runs. Spark returns from a
 * failed job at once, while its other tasks ("zombies") may still be writing; a staged run must not be
 * aborted under them, or their files reappear after the abort. After a successful job, the same wait lets the
 * losing copies of speculated tasks stop before the run commits. Driver-only.
 *
 * <p>Uses the public status tracker. It is fed by the listener bus, which lags the scheduler: a job counts as
 * settled only once the tracker no longer reports it running (every task start was seen before that), and
 * then only when none of its stages has an active task.
 */
final class TaskDrain {
    private static final long POLL_MILLIS = 50;

    private TaskDrain() {
    }

    /**
     * Cancels what still runs in {@code group} and waits up to {@code timeout} for its tasks to stop. Returns
     * whether they did; false means some task may still write, and the caller should say so.
     */
    static boolean cancelAndAwait(SparkContext spark, String group, Duration timeout) {
        if (anyRunning(spark.statusTracker(), group)) {
            spark.cancelJobGroup(group);
        }
        return await(spark, group, timeout);
    }

    /**
     * Waits up to {@code timeout} until no task of {@code group} runs, cancelling nothing: after a successful job,
     * for the attempts Spark asked to stop because another attempt of their task won. Returns whether they did.
     */
    static boolean await(SparkContext spark, String group, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (settled(spark.statusTracker(), group)) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static boolean anyRunning(SparkStatusTracker tracker, String group) {
        for (int jobId : tracker.getJobIdsForGroup(group)) {
            SparkJobInfo job = tracker.getJobInfo(jobId).getOrElse(() -> null);
            if (job != null && job.status() == JobExecutionStatus.RUNNING) {
                return true;
            }
        }
        return false;
    }

    /** No job of the group runs, and no stage of them has an active task. */
    static boolean settled(SparkStatusTracker tracker, String group) {
        for (int jobId : tracker.getJobIdsForGroup(group)) {
            SparkJobInfo job = tracker.getJobInfo(jobId).getOrElse(() -> null);
            if (job == null) {
                continue; // dropped from the tracker's history: long finished
            }
            if (job.status() == JobExecutionStatus.RUNNING || job.status() == JobExecutionStatus.UNKNOWN) {
                return false;
            }
            for (int stageId : job.stageIds()) {
                SparkStageInfo stage = tracker.getStageInfo(stageId).getOrElse(() -> null);
                if (stage != null && stage.numActiveTasks() > 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
