package dev.coldpath.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.spark.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON a scheduler reads after a run: what ran, where it went, how many rows, and the metrics. */
final class MetricsFile {
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private MetricsFile() {
    }

    /** Writes one run as an object, several (a backfill) as a list; replaces the file atomically. */
    static void write(Path file, List<RunResult> results) {
        Object body = results.size() == 1 ? describe(results.get(0)) : results.stream().map(MetricsFile::describe)
                .toList();
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".metrics", ".tmp");
            JSON.writeValue(temp.toFile(), body);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StorageException("Cannot write metrics file " + file + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Object> describe(RunResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", r.runId());
        m.put("table", r.table());
        m.put("data_path", r.dataPath());
        m.put("promoted", r.promoted());
        m.put("model", Map.of("name", r.model().name(), "version", r.model().version(), "sha256",
                r.model().sha256()));
        m.put("rows", Map.of("read", r.rowsRead(), "written", r.rowsWritten(), "rejected", r.rowsRejected()));
        m.put("wall_ms", r.wallTime().toMillis());
        m.put("sessions", Map.of("created", r.sessionsCreated(), "owners", r.sessionOwners()));
        m.put("spark_application_id", r.applicationId());
        m.put("budget_warnings", r.budgetWarnings());
        m.put("metrics", r.metrics().toMap(r.wallTime().toNanos() / 1e9));
        return m;
    }
}
