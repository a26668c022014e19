package dev.coldpath.core.table;

/**
 * A run being written: its data goes to {@code path}, under the table's {@code _staging} directory, which no
 * reader looks at. It becomes visible only through {@link RunTable#commit}, at {@code dataPath} relative to the
 * table.
 */
public record StagedRun(String runId, String modelVersion, String path, String dataPath) {
    /**
     * Whether its data files carry the lineage columns ({@link RunLineage}): yes, except in a table of the Hive-style
     * layout of an earlier coldpath ({@code model_version=V/run_id=R/}), whose readers take those columns from the
     * directory names.
     */
    public boolean lineageColumns() {
        return !RunTable.isLegacyDataPath(dataPath);
    }
}
