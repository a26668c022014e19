package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.table.RunManifest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a finished run did.
 *
 * @param dataPath      the committed run's directory; empty when there was nothing to score
 * @param promoted      whether the run became the table's current run
 * @param budgetWarnings budget breaches reported but allowed (budget.on-breach: warn)
 * @param deviceFallbacks tasks that ran on the CPU although inference.device is auto, and why
 * @param sessionOwners one "executorId@pid@host" entry per session opened during the run
 * @param manifest      the committed run's manifest; empty when there was nothing to score
 */
public record RunResult(String runId, String table, String dataPath, boolean promoted, ModelArtifact model,
                        long rowsRead, long rowsWritten, long rowsRejected, long batches, long sessionsCreated,
                        List<String> sessionOwners, Duration sessionLoadTime, Duration wallTime,
                        String applicationId, RunMetrics metrics, List<String> budgetWarnings,
                        List<String> deviceFallbacks, Optional<RunManifest> manifest) {
    public RunResult {
        sessionOwners = List.copyOf(sessionOwners);
        budgetWarnings = List.copyOf(budgetWarnings);
        deviceFallbacks = List.copyOf(deviceFallbacks);
        requireNonNull(manifest, "manifest is null");
    }

    /** Whether the run found nothing new to score (an incremental run with every partition done). */
    public boolean nothingToScore() {
        return dataPath.isEmpty();
    }

    public double rowsPerSecond() {
        double seconds = wallTime.toNanos() / 1e9;
        return seconds > 0 ? rowsWritten / seconds : 0;
    }
}
