package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.compare.ComparisonSummary;
import dev.coldpath.core.metrics.RunMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * What a score pass did, as the executors counted it: rows scored and rejected, batches, sessions, per-stage
 * metrics, and when it started and ended.
 *
 * @param sessionsCreated the sessions this pass opened that scored its rows: each counts when any task that used
 *                        it finished, so one whose executor was lost before that scored no committed row and does
 *                        not count
 * @param sessionOwners   one "executorId@pid@host" entry per session counted, sorted
 * @param deviceFallbacks tasks that ran on the CPU although inference.device is auto, and why; sorted, distinct
 * @param inference       the batch sizes and session settings the tasks ran with, distinct (one, unless executors
 *                        differ)
 * @param comparisons     each model that is not the champion against it (docs/models.md); empty with one model
 */
public record RunOutcome(long rowsScored, long rowsRejected, long batches, long sessionsCreated,
                         List<String> sessionOwners, Duration sessionLoadTime, RunMetrics metrics,
                         List<String> deviceFallbacks, List<ResolvedInference> inference, Instant started,
                         Instant ended, List<ComparisonSummary> comparisons) {
    public RunOutcome {
        requireNonNull(sessionLoadTime, "sessionLoadTime is null");
        requireNonNull(metrics, "metrics is null");
        requireNonNull(started, "started is null");
        requireNonNull(ended, "ended is null");
        sessionOwners = List.copyOf(sessionOwners);
        deviceFallbacks = List.copyOf(deviceFallbacks);
        inference = List.copyOf(inference);
        comparisons = List.copyOf(comparisons);
        if (rowsScored < 0 || rowsRejected < 0) {
            throw new IllegalArgumentException("row counts must be >= 0: " + rowsScored + ", " + rowsRejected);
        }
    }

    /** A pass that read nothing: an incremental run with every partition already scored. */
    static RunOutcome none(Instant at) {
        return new RunOutcome(0, 0, 0, 0, List.of(), Duration.ZERO, new RunMetrics(), List.of(), List.of(), at, at,
                List.of());
    }

    /** The pass as the job's accumulators counted it. */
    static RunOutcome of(ScoringCounters counters, Instant started, Instant ended,
                         List<ComparisonSummary> comparisons) {
        List<SessionsAccumulator.Opened> sessions = counters.sessions.value().stream()
                .sorted(Comparator.comparing(SessionsAccumulator.Opened::owner)
                        .thenComparingLong(SessionsAccumulator.Opened::serial)).toList();
        return new RunOutcome(counters.rowsScored.value(), counters.rowsRejected.value(), counters.batches.value(),
                sessions.size(), sessions.stream().map(SessionsAccumulator.Opened::owner).toList(),
                Duration.ofNanos(sessions.stream().mapToLong(SessionsAccumulator.Opened::loadNanos).sum()),
                counters.metrics.value(), List.copyOf(new TreeSet<>(counters.deviceFallbacks.value())),
                counters.inference.value().stream().distinct().sorted(ResolvedInference.ORDER).toList(), started,
                ended, comparisons);
    }

    public long rowsRead() {
        return rowsScored + rowsRejected;
    }

    public Duration wallTime() {
        return Duration.between(started, ended);
    }
}
