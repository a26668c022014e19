package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.util.AccumulatorV2;

/**
 * The sessions a run opened, each counted once however many tasks report it. Every task that scores with a session
 * its run opened reports that session, not only the task that opened it: Spark merges the updates of finished tasks
 * only, so an executor lost mid-job takes the opening task's report with it, while any other task of that executor
 * that finished before still counts the session. Thread safe (Spark's heartbeat reads a task's copy while the task
 * adds to it).
 */
final class SessionsAccumulator extends AccumulatorV2<SessionsAccumulator.Opened, Set<SessionsAccumulator.Opened>> {
    /**
     * One session: the executor JVM that opened it ("executorId@pid@host", and the GPU when on one), its number
     * among the sessions that JVM opened, and how long it took to open.
     */
    record Opened(String owner, long serial, long loadNanos) implements Serializable {
        Opened {
            requireNonNull(owner, "owner is null");
        }
    }

    private Set<Opened> sessions = new HashSet<>();

    /** Spark's heartbeater may read a task's copy before its fields are deserialised: null means "none yet". */
    private synchronized Set<Opened> sessions() {
        if (sessions == null) {
            sessions = new HashSet<>();
        }
        return sessions;
    }

    @Override
    public synchronized boolean isZero() {
        return sessions().isEmpty();
    }

    @Override
    public synchronized AccumulatorV2<Opened, Set<Opened>> copy() {
        SessionsAccumulator copy = new SessionsAccumulator();
        copy.sessions.addAll(sessions());
        return copy;
    }

    @Override
    public synchronized void reset() {
        sessions = new HashSet<>();
    }

    @Override
    public synchronized void add(Opened session) {
        sessions().add(session);
    }

    @Override
    public synchronized void merge(AccumulatorV2<Opened, Set<Opened>> other) {
        sessions().addAll(other.value());
    }

    @Override
    public synchronized Set<Opened> value() {
        return Set.copyOf(sessions());
    }
}
