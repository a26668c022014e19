package dev.coldpath.core.table;

import java.util.List;
import java.util.Map;

/**
 * What a committed run did, stored as {@code _manifest.json} in the run's directory (docs/tables.md describes
 * every field). Written before the run becomes visible, so every visible run has one.
 */
public record RunManifest(
        int formatVersion,
        String runId,
        String coldpathVersion,
        String dataPath,
        Model model,
        Input input,
        Rows rows,
        String startedAt,
        String endedAt,
        long wallMs,
        Map<String, Object> job,
        Spark spark,
        Sessions sessions,
        List<OutputColumn> outputColumns,
        Map<String, Object> metrics) {
    public static final int FORMAT_VERSION = 1;

    public RunManifest {
        job = job == null ? Map.of() : Map.copyOf(job);
        outputColumns = outputColumns == null ? List.of() : List.copyOf(outputColumns);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }

    /** The model's identity: registry name and version ("" for a plain file), the exact bytes' sha256. */
    public record Model(String name, String version, String sha256, String location, long sizeBytes,
                        Map<String, String> metadata) {
    }

    /** What was read: the input path, the partitions read (for incremental runs) and every data file. */
    public record Input(String path, List<String> partitions, List<InputFile> files, long totalBytes) {
    }

    public record InputFile(String path, long sizeBytes, String modifiedAt) {
    }

    public record Rows(long read, long written, long rejected) {
    }

    public record Spark(String applicationId, String master) {
    }

    public record Sessions(long created, List<String> owners, long loadMs) {
    }

    public record OutputColumn(String name, String type) {
    }
}
