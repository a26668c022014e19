package dev.coldpath.core.table;

import java.util.List;

/**
 * The table's current run, stored as {@code _coldpath/current.json} and replaced atomically. {@code history}
 * holds the runs that were current before, newest first, so a rollback needs no recompute.
 */
public record CurrentPointer(String runId, String dataPath, String updatedAt, String reason, List<Entry> history) {
    public CurrentPointer {
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** A run that was current. */
    public record Entry(String runId, String dataPath) {
    }
}
