package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A rejected input row as the partition function emits it among the accepted rows: the input row, whole, then the
 * reason ({@link ScoredRows#REASON_COLUMN}), which is the quarantine's row layout. The sink splits these off
 * ({@link ScoredRows#accepted}); Spark's writer never sees one.
 */
final class RejectedRow extends JoinedRow {
    private final String reason;

    RejectedRow(InternalRow input, String reason) {
        super(requireNonNull(input, "input is null"), new GenericInternalRow(new Object[] {
                UTF8String.fromString(requireNonNull(reason, "reason is null"))}));
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
