package dev.coldpath.core.table;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which runs of a table are current, stored as {@code _coldpath/current.json} (docs/tables.md). A table keeps one
 * current run per logical period ({@link Slot}: a day, an hour, or "no period" for runs that have none), each
 * with the runs that were current before it, newest first, so a rollback needs no recompute.
 *
 * <p>Format 2 holds every slot in {@code periods} and its {@code sequence} (the number of the claim that made
 * it: see {@link RunTable}). Its top-level {@code run_id}, {@code data_path}, {@code updated_at}, {@code reason}
 * and {@code history} repeat the table's latest current run (the slot of the latest period; runs without a
 * period count as the latest), which is all that format 1 held: a reader of format 1 still finds "the current
 * run" where it looked. Format 1 pointers are read as they are ({@code periods} null) and put into slots by
 * {@link #upgrade}. Immutable; every change returns a new pointer.
 *
 * @param formatVersion 2; null in a pointer of format 1
 * @param sequence      the number of the claim this pointer was committed as; null in format 1
 * @param viewName      the name of the SQL views of the current runs; null for the table directory's name
 * @param periods       every slot; null in format 1
 */
public record CurrentPointer(Integer formatVersion, Long sequence, String runId, String dataPath, String updatedAt,
                             String reason, List<Entry> history, String viewName, List<Slot> periods) {
    public static final int FORMAT_VERSION = 2;
    /** How many earlier runs each slot remembers. */
    static final int HISTORY_LIMIT = 50;

    public CurrentPointer {
        history = history == null ? List.of() : List.copyOf(history);
        periods = periods == null ? null : periods.stream().sorted(Slot.ORDER).toList();
    }

    /** A run that is or was current: its id and its directory relative to the table. */
    public record Entry(String runId, String dataPath) {
        public Entry {
            requireNonNull(runId, "runId is null");
            requireNonNull(dataPath, "dataPath is null");
        }
    }

    /**
     * The current run of one period and the runs that were current in it before, newest first.
     *
     * @param period  the period's id ({@code 2026-11-28}, {@code 2026-11-28T13}); null for runs without a period
     * @param runId   the current run; null when the period's last run was rolled back (withdrawn)
     * @param dataPath the current run's directory relative to the table; null when {@code runId} is
     */
    public record Slot(String period, String runId, String dataPath, String updatedAt, String reason,
                       List<Entry> history) {
        /** Periods in time order (an hour after its day), then the slot of runs without a period. */
        static final Comparator<Slot> ORDER = Comparator.comparing(Slot::period,
                Comparator.nullsLast(Comparator.naturalOrder()));

        public Slot {
            if ((runId == null) != (dataPath == null)) {
                throw new IllegalArgumentException("runId and dataPath must both be set or both be null: "
                        + runId + ", " + dataPath);
            }
            history = history == null ? List.of() : List.copyOf(history);
        }

        /** The current run, if the period has one. */
        @JsonIgnore
        public Optional<Entry> current() {
            return runId == null ? Optional.empty() : Optional.of(new Entry(runId, dataPath));
        }

        /** The period as people read it: its id, or "(none)". */
        @JsonIgnore
        public String label() {
            return label(period);
        }

        /** A period as people read it: its id, or "(none)" for runs without a period. */
        public static String label(String period) {
            return period == null ? "(none)" : period;
        }
    }

    /** The pointer of a table that has no current run yet. */
    public static CurrentPointer empty() {
        return new CurrentPointer(FORMAT_VERSION, 0L, null, null, null, null, List.of(), null, List.of());
    }

    /** Every slot, in period order; a pointer of format 1 must be {@link #upgrade}d first. */
    @JsonIgnore
    public List<Slot> slots() {
        if (periods == null) {
            throw new IllegalStateException("a pointer of format 1 has no slots until it is upgraded");
        }
        return periods;
    }

    /** The slot of a period (null: runs without a period), if there is one. */
    public Optional<Slot> slot(String period) {
        return slots().stream().filter(s -> Objects.equals(s.period(), period)).findFirst();
    }

    /** The current run of every period that has one, in period order. */
    @JsonIgnore
    public List<Slot> currentSlots() {
        return slots().stream().filter(s -> s.runId() != null).toList();
    }

    /** The latest period's slot that has a current run: what "the table's current run" means. */
    @JsonIgnore
    public Optional<Slot> latest() {
        List<Slot> current = currentSlots();
        return current.isEmpty() ? Optional.empty() : Optional.of(current.get(current.size() - 1));
    }

    /** Whether the directory {@code dataPath} is the current run of any period. */
    public boolean isCurrent(String dataPath) {
        return slots().stream().anyMatch(s -> dataPath.equals(s.dataPath()));
    }

    /** Points a period at a run; the run that was current in it goes to the top of its history. */
    public CurrentPointer promote(String period, Entry run, String reason, String now) {
        List<Slot> slots = new ArrayList<>();
        for (Slot s : slots()) {
            if (!Objects.equals(s.period(), period)) {
                slots.add(s);
            }
        }
        Optional<Slot> old = slot(period);
        List<Entry> history = new ArrayList<>();
        old.ifPresent(s -> {
            s.current().filter(c -> !c.dataPath().equals(run.dataPath())).ifPresent(history::add);
            history.addAll(s.history());
        });
        history.removeIf(e -> e.dataPath().equals(run.dataPath()));
        slots.add(new Slot(period, run.runId(), run.dataPath(), now, reason, limit(history)));
        return withSlots(slots);
    }

    /**
     * Points a period back at the newest run of its history that {@code exists}; when there is none, the period
     * is withdrawn (it has no current run, and its run stays committed for {@code promote}). Empty when the period
     * has no current run to roll back from.
     */
    public Optional<CurrentPointer> rollBack(String period, Predicate<String> exists, String now) {
        Optional<Slot> slot = slot(period).filter(s -> s.runId() != null);
        if (slot.isEmpty()) {
            return Optional.empty();
        }
        Slot from = slot.get();
        List<Entry> history = new ArrayList<>(from.history());
        Entry to = null;
        while (!history.isEmpty() && to == null) {
            Entry candidate = history.remove(0);
            if (exists.test(candidate.dataPath())) {
                to = candidate;
            }
        }
        String reason = "rolled back from " + from.runId();
        Slot rolled = to == null
                ? new Slot(period, null, null, now, reason, List.of(new Entry(from.runId(), from.dataPath())))
                : new Slot(period, to.runId(), to.dataPath(), now, reason, history);
        List<Slot> slots = new ArrayList<>(slots().stream().filter(s -> !Objects.equals(s.period(), period)).toList());
        slots.add(rolled);
        return Optional.of(withSlots(slots));
    }

    /** The same pointer with its view name set (null: the table directory's name). */
    public CurrentPointer withViewName(String name) {
        return new CurrentPointer(formatVersion, sequence, runId, dataPath, updatedAt, reason, history, name, periods);
    }

    /** The same pointer as claim number {@code number}. */
    CurrentPointer withSequence(long number) {
        return new CurrentPointer(formatVersion, number, runId, dataPath, updatedAt, reason, history, viewName,
                periods);
    }

    /** A pointer of format 2 with these slots, its top-level fields repeating the latest current slot. */
    private CurrentPointer withSlots(List<Slot> slots) {
        CurrentPointer p = new CurrentPointer(FORMAT_VERSION, sequence, null, null, null, null, List.of(), viewName,
                slots);
        return p.latest().map(l -> new CurrentPointer(FORMAT_VERSION, sequence, l.runId(), l.dataPath(),
                l.updatedAt(), l.reason(), l.history(), viewName, slots)).orElse(p);
    }

    /**
     * A pointer of format 1 in slots: its current run and each run of its history go to the slot of the period
     * {@code periodOf} gives for their data path (empty optional: no period; a run that is gone keeps its place
     * only if it was current). The first run of a period becomes its current run, the others its history: in
     * format 1, a run stopped being current when a run of any period was promoted, and in format 2 only a run of
     * its own period replaces it. A pointer of format 2 is returned as it is.
     */
    public CurrentPointer upgrade(Function<String, Optional<Optional<String>>> periodOf) {
        if (periods != null) {
            return this;
        }
        CurrentPointer p = empty().withViewName(viewName);
        List<Entry> all = new ArrayList<>();
        if (runId != null) {
            all.add(new Entry(runId, dataPath));
        }
        all.addAll(history);
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Entry e = all.get(i);
            Optional<Optional<String>> period = periodOf.apply(e.dataPath());
            if (period.isEmpty() && i > 0) {
                continue; // a run of the history that is gone
            }
            String key = period.flatMap(x -> x).orElse(null);
            Optional<Slot> existing = slots.stream().filter(s -> Objects.equals(s.period(), key)).findFirst();
            if (existing.isEmpty()) {
                slots.add(new Slot(key, e.runId(), e.dataPath(), updatedAt, i == 0 ? reason
                        : "was current before (pointer format 1)", List.of()));
            } else {
                Slot s = existing.get();
                List<Entry> h = new ArrayList<>(s.history());
                h.add(e);
                slots.set(slots.indexOf(s), new Slot(s.period(), s.runId(), s.dataPath(), s.updatedAt(), s.reason(),
                        limit(h)));
            }
        }
        return p.withSlots(slots).withSequence(0);
    }

    private static List<Entry> limit(List<Entry> history) {
        return List.copyOf(history.subList(0, Math.min(history.size(), HISTORY_LIMIT)));
    }
}
