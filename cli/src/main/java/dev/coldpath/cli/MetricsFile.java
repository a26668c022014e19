package dev.coldpath.cli;

import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.TableJson;
import dev.coldpath.spark.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The JSON a scheduler reads after a run: a projection of the run's manifest (its model bindings, rows,
 * sessions and metrics) with where the run went, written by the manifests' own mapper.
 */
final class MetricsFile {
    private MetricsFile() {
    }

    /**
     * One run of the file (docs/operations.md). {@code model} is the first binding's identity, as before the
     * {@code models} list; a run that found nothing to score has no bindings and empty metrics.
     */
    record Run(String runId, String table, String dataPath, boolean promoted, ModelId model, RunManifest.Rows rows,
               long wallMs, Sessions sessions, String sparkApplicationId, List<String> budgetWarnings,
               RunManifest.Metrics metrics, List<RunManifest.ModelRun> models) {
    }

    record ModelId(String name, String version, String sha256) {
    }

    record Sessions(long created, List<String> owners) {
    }

    /** Writes one run as an object, several (a backfill) as a list; replaces the file atomically. */
    static void write(Path file, List<RunResult> results) {
        Object body = results.size() == 1 ? describe(results.get(0)) : results.stream().map(MetricsFile::describe)
                .toList();
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".metrics", ".tmp");
            Files.write(temp, TableJson.write(body));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StorageException("Cannot write metrics file " + file + ": " + e.getMessage(), e);
        }
    }

    static Run describe(RunResult r) {
        RunManifest.Metrics metrics = r.manifest().map(RunManifest::metrics).orElseGet(() -> RunManifest.Metrics.of(
                new RunMetrics(), r.wallTime().toNanos() / 1e9, r.budgetWarnings(), r.deviceFallbacks(), null));
        return new Run(r.runId(), r.table(), r.dataPath(), r.promoted(),
                new ModelId(r.model().name(), r.model().version(), r.model().sha256()),
                r.manifest().map(RunManifest::rows).orElseGet(() -> new RunManifest.Rows(r.rowsRead(),
                        r.rowsWritten(), r.rowsRejected())),
                r.wallTime().toMillis(), new Sessions(r.sessionsCreated(), r.sessionOwners()), r.applicationId(),
                r.budgetWarnings(), metrics, r.manifest().map(RunManifest::models).orElse(List.of()));
    }
}
