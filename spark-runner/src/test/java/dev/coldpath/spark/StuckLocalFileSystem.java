package dev.coldpath.spark;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Local disk where a local runner worker's open of a file whose path contains {@value #STUCK}'s value does not
 * return, interrupted or not, until {@link #release} (as a read from a hung mount, or a native call that ignores
 * interrupts), and a worker's open of a file whose path contains {@value #FAIL}'s value fails as a reset connection
 * does once the other is stuck. Other threads' opens (the footer the run plans with) are local disk's. Set as
 * {@code spark.hadoop.fs.file.impl} of a job, with {@code fs.file.impl.disable.cache}; {@link #reset} before each run.
 */
public final class StuckLocalFileSystem extends LocalFileSystem {
    static final String STUCK = "coldpath.test.stuck-open";
    static final String FAIL = "coldpath.test.fail-open";
    /** The longest a stuck open waits for {@link #release}, so that a test that fails leaves no thread for good. */
    private static final long LONGEST_SECONDS = 60;
    private static volatile CountDownLatch stuck = new CountDownLatch(1);
    private static volatile CountDownLatch released = new CountDownLatch(1);

    static void reset() {
        stuck = new CountDownLatch(1);
        released = new CountDownLatch(1);
    }

    /** Lets the stuck open return. */
    static void release() {
        released.countDown();
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        if (Thread.currentThread().getName().startsWith("coldpath-local-worker")) {
            if (matches(f, STUCK)) {
                stuck.countDown();
                awaitIgnoringInterrupts(released);
            } else if (matches(f, FAIL)) {
                awaitIgnoringInterrupts(stuck);
                throw new IOException("Connection reset (test)");
            }
        }
        return super.open(f, bufferSize);
    }

    private boolean matches(Path f, String key) {
        String part = getConf().get(key);
        return part != null && f.toString().contains(part);
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LONGEST_SECONDS);
        try {
            while (true) {
                try {
                    if (latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                            || System.nanoTime() >= deadline) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
