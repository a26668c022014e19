package dev.coldpath.core.table;

/**
 * A run being written: its data goes to {@code path}, under the table's {@code _staging} directory, which no
 * reader looks at. It becomes visible only through {@link RunTable#commit}.
 */
public record StagedRun(String runId, String modelVersion, String path) {
}
