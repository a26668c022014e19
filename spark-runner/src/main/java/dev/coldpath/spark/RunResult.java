package dev.coldpath.spark;

import dev.coldpath.core.model.ModelArtifact;
import java.time.Duration;
import java.util.List;

/**
 * What a finished run did.
 *
 * @param sessionOwners one "executorId@pid@host" entry per session opened during the run
 */
public record RunResult(String outputPath, ModelArtifact model, long rowsScored, long rowsWritten, long batches,
                        long sessionsCreated, List<String> sessionOwners, Duration sessionLoadTime,
                        Duration wallTime, String applicationId) {
    public RunResult {
        sessionOwners = List.copyOf(sessionOwners);
    }

    public double rowsPerSecond() {
        double seconds = wallTime.toNanos() / 1e9;
        return seconds > 0 ? rowsWritten / seconds : 0;
    }
}
