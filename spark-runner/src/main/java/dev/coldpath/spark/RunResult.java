package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.table.RunManifest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a finished run did: its pass ({@link RunOutcome}), where it was committed, and what the budgets said.
 *
 * @param dataPath       the committed run's directory; empty when there was nothing to score
 * @param promoted       whether the run became the table's current run
 * @param budgetWarnings budget breaches reported but allowed (budget.on-breach: warn)
 * @param wallTime       the whole run, preflight and commit included
 * @param manifest       the committed run's manifest; empty when there was nothing to score
 */
public record RunResult(String runId, String table, String dataPath, boolean promoted, ModelArtifact model,
                        RunOutcome outcome, List<String> budgetWarnings, Duration wallTime, String applicationId,
                        Optional<RunManifest> manifest) {
    public RunResult {
        requireNonNull(runId, "runId is null");
        requireNonNull(table, "table is null");
        requireNonNull(dataPath, "dataPath is null");
        requireNonNull(model, "model is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(wallTime, "wallTime is null");
        budgetWarnings = List.copyOf(budgetWarnings);
        requireNonNull(manifest, "manifest is null");
    }

    /** Whether the run found nothing new to score (an incremental run with every partition done). */
    public boolean nothingToScore() {
        return dataPath.isEmpty();
    }

    public long rowsRead() {
        return outcome.rowsRead();
    }

    public long rowsWritten() {
        return outcome.rowsScored();
    }

    public long rowsRejected() {
        return outcome.rowsRejected();
    }

    public long batches() {
        return outcome.batches();
    }

    public long sessionsCreated() {
        return outcome.sessionsCreated();
    }

    /** One "executorId@pid@host" entry per session opened during the run. */
    public List<String> sessionOwners() {
        return outcome.sessionOwners();
    }

    public Duration sessionLoadTime() {
        return outcome.sessionLoadTime();
    }

    public RunMetrics metrics() {
        return outcome.metrics();
    }

    /** Tasks that ran on the CPU although inference.device is auto, and why. */
    public List<String> deviceFallbacks() {
        return outcome.deviceFallbacks();
    }

    public double rowsPerSecond() {
        double seconds = wallTime.toNanos() / 1e9;
        return seconds > 0 ? rowsWritten() / seconds : 0;
    }
}
