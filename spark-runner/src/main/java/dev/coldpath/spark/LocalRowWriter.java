package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.StorageException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage of a local runner worker's pipeline: its accepted rows written to its part file on a thread of its
 * own, so that Parquet encoding and compression overlap the next batches' scoring. Rows are copied and handed over in
 * blocks through a bounded queue: when writing falls behind, the scoring thread waits (back-pressure), and no more
 * than {@value #QUEUED_BLOCKS} blocks of {@value #BLOCK_ROWS} rows wait at a time. The writing thread hands written
 * blocks back, and an {@link UnsafeRow} is copied into the row of a handed-back block rather than into a new one: a
 * run allocates its blocks' rows once, not once per row (some 75 bytes a row, 0.75 GB over 10 M rows, of which a
 * collector's young generation filled the faster). The writing thread creates the
 * file too, so that the scoring thread starts on its rows meanwhile (on the local file system, Hadoop sets a new
 * file's permissions by running {@code chmod}, tens of milliseconds on a loaded machine). Used by one scoring
 * thread; {@link #finish} or {@link #abort} ends it.
 */
final class LocalRowWriter {
    static final int BLOCK_ROWS = 1024;
    static final int QUEUED_BLOCKS = 4;
    private static final InternalRow[] END = new InternalRow[0];
    private static final Logger LOG = LoggerFactory.getLogger(LocalRowWriter.class);

    private final Supplier<TaskParquetFile> opener;
    /** Set by the writing thread once it created the file; read by the scoring thread after joining it. */
    private TaskParquetFile file;
    private final InternalRow suffix;
    private final AtomicBoolean stop;
    private final AtomicLong rowsDone;
    private final BlockingQueue<InternalRow[]> queue = new ArrayBlockingQueue<>(QUEUED_BLOCKS);
    /** Blocks the writing thread is done with, for the scoring thread to fill again (more are dropped). */
    private final BlockingQueue<InternalRow[]> written = new ArrayBlockingQueue<>(QUEUED_BLOCKS + 2);
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean aborted;
    /** Set by the writing thread once it removed its file after an abort; read by the scoring thread after joining. */
    private boolean fileAborted;
    private InternalRow[] block = new InternalRow[BLOCK_ROWS];
    private int filled;

    /**
     * @param suffix   the constant columns written after each row (the lineage), or null
     * @param stop     set when this writer fails, and read to give up waiting when the run stops
     * @param rowsDone counts the rows written, for progress
     */
    LocalRowWriter(TaskParquetFile file, InternalRow suffix, AtomicBoolean stop, AtomicLong rowsDone, String name) {
        this(() -> requireNonNull(file, "file is null"), suffix, stop, rowsDone, name);
    }

    /** A writer whose thread opens its file with {@code opener}; a failure to open it is the writer's failure. */
    LocalRowWriter(Supplier<TaskParquetFile> opener, InternalRow suffix, AtomicBoolean stop, AtomicLong rowsDone,
                   String name) {
        this.opener = requireNonNull(opener, "opener is null");
        this.suffix = suffix;
        this.stop = requireNonNull(stop, "stop is null");
        this.rowsDone = requireNonNull(rowsDone, "rowsDone is null");
        this.thread = new Thread(this::drain, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Takes a copy of {@code row}, which the caller may reuse. */
    void write(InternalRow row) {
        block[filled] = copy(row, block[filled]);
        if (++filled == BLOCK_ROWS) {
            hand(block);
            InternalRow[] again = written.poll();
            block = again != null ? again : new InternalRow[BLOCK_ROWS];
            filled = 0;
        }
    }

    /** {@code row} copied into {@code old}, a row of a written block (or null), when both are unsafe rows alike. */
    private static InternalRow copy(InternalRow row, InternalRow old) {
        if (row instanceof UnsafeRow unsafe && old instanceof UnsafeRow reused
                && reused.numFields() == unsafe.numFields()) {
            reused.copyFrom(unsafe);
            return reused;
        }
        return row.copy();
    }

    /** Writes what is left, waits for the file to be written and commits it. */
    void finish() {
        if (filled > 0) {
            hand(Arrays.copyOf(block, filled));
        }
        hand(END);
        join();
        if (failure != null) {
            throw rethrown(failure);
        }
        file.commit();
    }

    /**
     * Stops writing and removes the file, if it was made, before returning: waits for the writing thread even when
     * this thread is interrupted (a stopped run), keeping its interrupt, so that no file is made after the abort.
     */
    void abort() {
        // seen by the writing thread within its poll's 100 ms; not interrupted, as Hadoop's code under it (creating a
        // file runs chmod and joins its threads) logs an interrupt's stack trace to the console, and an interrupted
        // NIO channel closes the file under its writer
        aborted = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (file != null && !fileAborted) { // the writing thread ended before it saw the abort
            file.abort();
        }
    }

    /**
     * The writing thread's own failure (its file could not be created or written), as {@link #finish} throws it, if
     * it failed: what stopped a run that the scoring thread then saw only as stopped.
     */
    Optional<RuntimeException> failure() {
        return failure == null ? Optional.empty() : Optional.of(rethrown(failure));
    }

    private void hand(InternalRow[] rows) {
        try {
            while (!queue.offer(rows, 100, TimeUnit.MILLISECONDS)) {
                if (failure != null) {
                    throw rethrown(failure);
                }
                if (stop.get()) {
                    throw new CancellationException("the run was stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
    }

    /** The writing thread's own failure, thrown as itself: an {@link Error} stays one (the caller maps it). */
    private static RuntimeException rethrown(Throwable failure) {
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure instanceof IOException io) { // thrown undeclared by the file system, as creating the file
            return new StorageException("Cannot write a part file of the run: " + io.getMessage()
                    + " (check the output location, then run again)", io);
        }
        return failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
    }

    private void join() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
    }

    private void drain() {
        JoinedRow joined = new JoinedRow();
        try {
            file = opener.get();
            while (!aborted) {
                InternalRow[] rows = queue.poll(100, TimeUnit.MILLISECONDS);
                if (rows == END) {
                    return;
                }
                if (rows != null && !aborted) {
                    for (InternalRow row : rows) {
                        file.write(suffix == null ? row : joined.apply(row, suffix));
                    }
                    rowsDone.addAndGet(rows.length);
                    if (rows.length == BLOCK_ROWS) {
                        written.offer(rows);
                    }
                }
            }
        } catch (InterruptedException e) {
            // aborted
        } catch (Throwable e) { // Hadoop's and Scala's code may throw checked exceptions undeclared
            failure = e;
            stop.set(true);
        } finally {
            if (aborted && file != null) { // made, perhaps, while or after the abort was asked: this thread removes it
                fileAborted = true;
                removeAborted();
            }
        }
    }

    /**
     * Removes the aborted file, not interrupted (the abort's interrupt would close the file's channel under it); its
     * failure is logged, as the run's own error is already on its way.
     */
    private void removeAborted() {
        Thread.interrupted();
        try {
            file.abort();
        } catch (Throwable e) { // Hadoop's code may throw checked exceptions undeclared
            LOG.warn("Cannot remove the aborted part file of {}: {}", thread.getName(), e.toString(), e);
        }
    }
}
