package dev.coldpath.cli;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a driver whose {@code coldpath submit} is gone. In client mode spark-submit runs the driver in a child
 * process of {@code coldpath submit}; a submitter killed with -9 cannot stop it, and the driver would go on to
 * commit a run that a scheduler believes failed. So {@code submit} passes its pid in {@link #PID_ENV}, and the
 * driver checks every {@link #EVERY} that the process still runs (pid and start time: a reused pid is another
 * process) and runs {@code onGone} when it does not.
 */
final class SubmitterWatch {
    /** The pid of the {@code coldpath submit} process that started this driver. */
    static final String PID_ENV = "COLDPATH_SUBMITTER_PID";
    static final Duration EVERY = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(SubmitterWatch.class);

    private SubmitterWatch() {
    }

    /**
     * Starts watching the submitter named in {@code environment}, if any and if it runs now; empty otherwise.
     * The returned executor's daemon thread does the checks; shut it down to stop watching.
     */
    static Optional<ScheduledExecutorService> start(Map<String, String> environment, Runnable onGone) {
        String value = environment.get(PID_ENV);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> submitter;
        try {
            submitter = ProcessHandle.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring {}={}: not a process id", PID_ENV, value);
            return Optional.empty();
        }
        if (submitter.isEmpty() || !submitter.get().isAlive()) {
            onGone.run();
            return Optional.empty();
        }
        ProcessHandle parent = submitter.get();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "coldpath-submitter-watch");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            if (!parent.isAlive()) {
                timer.shutdown();
                onGone.run();
            }
        }, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return Optional.of(timer);
    }
}
