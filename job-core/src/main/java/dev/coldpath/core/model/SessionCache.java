package dev.coldpath.core.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Open sessions keyed by model hash and session settings, so that every task slot of an executor shares one
 * session per model. Thread safe. Bounded: beyond {@code capacity} the least recently used sessions that no
 * task holds are closed. A session is loaded at most once per key, under the cache's lock, so concurrent
 * first tasks wait for one load instead of loading twice.
 */
public final class SessionCache {
    /** What identifies a session. */
    public record Key(String sha256, SessionSettings settings) {
        public Key {
            requireNonNull(sha256, "sha256 is null");
            requireNonNull(settings, "settings is null");
        }
    }

    /** A held session; closing the lease releases it (the session stays cached). */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private final boolean created;
        private final long loadNanos;
        private boolean released;

        private Lease(Entry entry, boolean created, long loadNanos) {
            this.entry = entry;
            this.created = created;
            this.loadNanos = loadNanos;
        }

        public OnnxModel model() {
            return entry.model;
        }

        /** Whether this acquisition opened the session (rather than reusing a cached one). */
        public boolean created() {
            return created;
        }

        /**
         * How long this acquisition's loader took (whatever it does: fetching bytes, verifying, opening the
         * session); 0 when the session was reused.
         */
        public long loadNanos() {
            return loadNanos;
        }

        @Override
        public void close() {
            synchronized (SessionCache.this) {
                if (!released) {
                    released = true;
                    entry.holders--;
                    evictIdleBeyondCapacity();
                }
            }
        }
    }

    private static final class Entry {
        final OnnxModel model;
        int holders;

        Entry(OnnxModel model) {
            this.model = model;
        }
    }

    private int capacity;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(8, 0.75f, true);
    private final AtomicLong sessionsCreated = new AtomicLong();

    public SessionCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /** How many sessions the cache keeps. */
    public synchronized int capacity() {
        return capacity;
    }

    /** Sets how many sessions the cache keeps; beyond it, idle sessions close, least recently used first. */
    public synchronized void capacity(int sessions) {
        if (sessions < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + sessions);
        }
        capacity = sessions;
        evictIdleBeyondCapacity();
    }

    /** Returns the cached session for {@code key}, opening it with {@code loader} the first time. */
    public synchronized Lease acquire(Key key, Supplier<OnnxModel> loader) {
        Entry entry = entries.get(key);
        long loadNanos = 0;
        if (entry == null) {
            long start = System.nanoTime();
            entry = new Entry(requireNonNull(loader.get(), "loader returned null"));
            loadNanos = Math.max(1, System.nanoTime() - start);
            entries.put(key, entry);
            sessionsCreated.incrementAndGet();
        }
        entry.holders++;
        evictIdleBeyondCapacity();
        return new Lease(entry, loadNanos > 0, loadNanos);
    }

    /** Sessions opened by this cache since it was made or last reset. */
    public long sessionsCreated() {
        return sessionsCreated.get();
    }

    public synchronized int size() {
        return entries.size();
    }

    /** Closes every session no task holds and zeroes the counter. For tests and executor shutdown. */
    public synchronized void reset() {
        List<OnnxModel> idle = new ArrayList<>();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.holders == 0) {
                idle.add(e.model);
                it.remove();
            }
        }
        idle.forEach(OnnxModel::close);
        sessionsCreated.set(0);
    }

    private void evictIdleBeyondCapacity() {
        Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > capacity && it.hasNext()) {
            Entry e = it.next().getValue();
            if (e.holders == 0) {
                it.remove();
                e.model.close();
            }
        }
    }
}
