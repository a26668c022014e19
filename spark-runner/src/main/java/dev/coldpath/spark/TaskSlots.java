package dev.coldpath.spark;

import java.io.Serializable;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;

/**
 * A job's task slots, read on the driver, and the one rule for a task's intra-op threads when
 * {@code inference.threads} is auto, which {@link Coldpath#score} and {@code coldpath_predict} share so that they
 * share a session. Serializable: tasks carry it.
 *
 * @param job      the job's slots: Spark's default parallelism in tasks of {@code spark.task.cpus}
 * @param executor an executor's slots when {@code spark.executor.cores} is set, else 0 (no bound)
 */
record TaskSlots(int job, int executor) implements Serializable {
    static TaskSlots of(SparkContext sc) {
        SparkConf conf = sc.getConf();
        int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
        int executorSlots = conf.contains("spark.executor.cores")
                ? Math.max(1, conf.getInt("spark.executor.cores", 1) / taskCpus) : 0;
        return new TaskSlots(Math.max(1, sc.defaultParallelism() / taskCpus), executorSlots);
    }

    /**
     * The slots each task of a stage of {@code partitions} may use: the job's slots over the partitions, at most an
     * executor's; 1 when there are as many partitions as slots or more.
     */
    int perTask(int partitions) {
        if (partitions <= 0 || partitions >= job) {
            return 1;
        }
        int perTask = job / partitions;
        return Math.max(1, executor > 0 ? Math.min(perTask, executor) : perTask);
    }

    /**
     * A task's intra-op threads when inference.threads is auto: its cpus times {@code slotsPerTask}, at most this
     * JVM's processors when above its cpus; 1 outside a task.
     */
    static int autoThreads(TaskContext task, int slotsPerTask) {
        int threads = Math.max(1, task == null ? 1 : task.cpus()) * slotsPerTask;
        return slotsPerTask > 1 ? Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors()))
                : threads;
    }
}
