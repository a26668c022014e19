package dev.coldpath.core.batch;

import dev.coldpath.core.encode.RowRejectedException;

/** Told of each row of a chunk that could not join the batch, in chunk order; may throw to fail the task. */
@FunctionalInterface
public interface RejectedRows {
    void rejected(int sourceRow, RowRejectedException reason);
}
