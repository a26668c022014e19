package dev.coldpath.connectors;

import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.table.StagedRun;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs staged and committed into a real table without Spark: a staged run holds one small data file that names
 * its staging directory, so a test can tell whose data a run directory holds.
 */
final class TableFixture {
    static final String DATA_FILE = "part-00000.txt";

    private TableFixture() {
    }

    /** Stages run {@code runId} of {@code version} with its one data file. */
    static StagedRun stage(HadoopFileStore store, RunTable table, String runId, String version) {
        StagedRun staged = table.stage(runId, version);
        store.writeAtomically(store.resolve(staged.path(), DATA_FILE), staged.path().getBytes(StandardCharsets.UTF_8));
        return staged;
    }

    /** A manifest for a staged run that started and ended at these times, with these job keys. */
    static RunManifest manifest(StagedRun staged, Instant started, Instant ended, String... job) {
        Map<String, Object> keys = new LinkedHashMap<>();
        for (int i = 0; i < job.length; i += 2) {
            keys.put(job[i], job[i + 1]);
        }
        return new RunManifest(RunManifest.FORMAT_VERSION, staged.runId(), "test",
                staged.dataPath(), null,
                new RunManifest.Rows(1, 1, 0), started.toString(), ended.toString(), 1, keys, null, null, List.of(),
                null, null);
    }

    /** A manifest for a run that started a second ago and ends now. */
    static RunManifest manifest(StagedRun staged, String... job) {
        Instant now = Instant.now();
        return manifest(staged, now.minusSeconds(1), now, job);
    }

    /** Which staging directory the data of a committed run directory came from. */
    static String origin(HadoopFileStore store, String runDirectory) {
        return new String(store.read(store.resolve(runDirectory, DATA_FILE)).orElseThrow(), StandardCharsets.UTF_8);
    }

    /** Runs the tasks at once, each in its own thread; returns, in order, what each returned or threw. */
    static List<Object> together(List<? extends Callable<?>> tasks) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(tasks.size());
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Callable<?> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            List<Object> outcomes = new ArrayList<>();
            for (Future<?> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (ExecutionException e) {
                    outcomes.add(e.getCause());
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs the tasks at once and fails with the first task's failure, if any. */
    static void allTogether(List<? extends Callable<?>> tasks) throws Exception {
        for (Object outcome : together(tasks)) {
            if (outcome instanceof Exception e) {
                throw e;
            } else if (outcome instanceof Error e) {
                throw e;
            }
        }
    }
}
