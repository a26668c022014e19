package dev.coldpath.spark;

import dev.coldpath.core.error.ClusterException;
import dev.coldpath.core.error.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test hook, off unless the JVM's system property {@value #PROPERTY} names a file: a run that has written its rows
 * then creates that file and waits, before its commit, until the file is deleted (at most {@link #LIMIT}), so that a
 * test can kill the driver with -9 between the write and the commit (docs/operations.md, what a killed run leaves).
 */
final class CommitPause {
    /** The system property that turns the pause on. */
    static final String PROPERTY = "coldpath.test.pause-before-commit";
    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(CommitPause.class);

    private CommitPause() {
    }

    /** Waits before run {@code runId}'s commit while the file {@value #PROPERTY} names exists, if it names one. */
    static void hold(String runId) {
        String file = System.getProperty(PROPERTY);
        if (file != null && !file.isBlank()) {
            hold(runId, Path.of(file));
        }
    }

    /**
     * Creates {@code marker}, holding the run id, and waits while it exists. An interrupt ends the run uncommitted (a
     * {@link ClusterException}: the driver is being stopped), with the thread's interrupt status kept.
     */
    static void hold(String runId, Path marker) {
        try {
            // written aside and renamed, so that whoever sees the marker reads the run id in it, not an empty file
            Path written = Files.writeString(marker.resolveSibling(marker.getFileName() + ".tmp"), runId);
            Files.move(written, marker, StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("Run {} written; pausing before its commit while {} exists ({})", runId, marker, PROPERTY);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (Files.exists(marker) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot create " + marker + ", the file " + PROPERTY + " names: "
                    + e.getMessage() + " (check that its directory exists and is writable)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Run " + runId + " was interrupted while it paused before its commit ("
                    + PROPERTY + "); nothing was committed", e);
        }
    }
}
