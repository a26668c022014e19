package dev.coldpath.core.table;

/** A run that is visible in its table: its id, its data directory, and its manifest. */
public record CommittedRun(String runId, String modelVersion, String path, RunManifest manifest) {
}
