package dev.coldpath.spark;

import dev.coldpath.connectors.ParquetSource;
import dev.coldpath.core.ColdpathVersion;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.StagedRun;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a run's manifest from what the driver planned and what the executors counted. */
final class RunManifests {
    private RunManifests() {
    }

    static RunManifest of(SparkScoringJob.Prepared prepared, String runId, StagedRun staged,
                          ScoringCounters counters, Instant started, Instant ended, String applicationId,
                          String master, List<String> budgetWarnings, String quarantinePath) {
        ModelArtifact model = prepared.plan().binding().model();
        ParquetSource source = prepared.source();
        long rows = counters.rowsScored.value();
        long rejected = counters.rowsRejected.value();
        Duration wall = Duration.between(started, ended);
        Map<String, Object> metrics = new LinkedHashMap<>(counters.metrics.value().toMap(wall.toNanos() / 1e9));
        if (!budgetWarnings.isEmpty()) {
            metrics.put("budget_warnings", budgetWarnings);
        }
        List<String> fallbacks = List.copyOf(new java.util.TreeSet<>(counters.deviceFallbacks.value()));
        if (!fallbacks.isEmpty()) {
            metrics.put("device_fallbacks", fallbacks);
        }
        if (quarantinePath != null) {
            metrics.put("quarantine_path", quarantinePath);
        }
        return new RunManifest(
                RunManifest.FORMAT_VERSION,
                runId,
                ColdpathVersion.get(),
                "model_version=" + staged.modelVersion() + "/run_id=" + runId,
                new RunManifest.Model(model.name(), model.version(), model.sha256(), model.location(),
                        model.sizeBytes(), model.metadata()),
                new RunManifest.Input(source.path(), source.partitions(),
                        source.files().stream().map(f -> new RunManifest.InputFile(f.path(), f.sizeBytes(),
                                Instant.ofEpochMilli(f.modificationTime()).toString())).toList(),
                        source.files().stream().mapToLong(ParquetSource.InputFile::sizeBytes).sum()),
                new RunManifest.Rows(rows + rejected, rows, rejected),
                started.toString(),
                ended.toString(),
                wall.toMillis(),
                prepared.spec().redacted(),
                new RunManifest.Spark(applicationId, master),
                new RunManifest.Sessions(counters.sessionsCreated.value(), counters.sessionOwners.value(),
                        Duration.ofNanos(counters.sessionLoadNanos.value()).toMillis()),
                prepared.plan().binding().decoders().stream()
                        .map(o -> new RunManifest.OutputColumn(o.column(), o.type().toString())).toList(),
                metrics);
    }
}
