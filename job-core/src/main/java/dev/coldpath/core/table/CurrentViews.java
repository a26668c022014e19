package dev.coldpath.core.table;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.io.FileStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQL that analysts paste to read "the current predictions" of a table without coldpath: a view over exactly
 * the data files of the current run of every period, with the run's lineage columns ({@link RunLineage}):
 * {@code model_version} and {@code run_id} as strings, its {@code period} as a DATE (a TIMESTAMP when the table has
 * hourly periods; NULL for runs without a period) and {@code scored_at} as a TIMESTAMP. Runs in {@code run=R@V/}
 * carry them in their files; for runs of the Hive-style layout ({@code model_version=V/run_id=R/}) the view adds
 * them, {@code scored_at} from the run's manifest. One for DuckDB ({@code CREATE OR REPLACE VIEW}) and one for
 * Spark SQL ({@code CREATE OR REPLACE TEMPORARY VIEW}), written beside the pointer at each change of it
 * ({@code _coldpath/current.duckdb.sql}, {@code _coldpath/current.spark.sql}) and printed by
 * {@code coldpath runs sql}. Runs are immutable, so listing their files once is exact.
 */
public final class CurrentViews {
    /** The engines a view is written for. */
    public enum Engine {
        DUCKDB("current.duckdb.sql"),
        SPARK("current.spark.sql");

        private final String fileName;

        Engine(String fileName) {
            this.fileName = fileName;
        }

        /** The view's file in the table's {@code _coldpath/}. */
        public String fileName() {
            return fileName;
        }
    }

    /**
     * One current run: where it is, what it is, its data files, and, for a run of the Hive-style layout, whose files
     * lack the lineage columns, when it started ({@code legacyScoredAt}; null for a run whose files hold them).
     */
    private record Run(String modelVersion, String runId, String period, List<String> files, String dataPath,
                       String legacyScoredAt) {
        boolean legacy() {
            return RunTable.isLegacyDataPath(dataPath);
        }
    }

    private final String root;
    private final String name;
    private final long sequence;
    private final List<Run> runs;

    private CurrentViews(String root, String name, long sequence, List<Run> runs) {
        this.root = root;
        this.name = name;
        this.sequence = sequence;
        this.runs = List.copyOf(runs);
    }

    /**
     * The views of a pointer's current runs, listing each run's data files (the files Spark reads in a run
     * directory: not starting with "_" or "."). The view is named {@code pointer.viewName()}, else after the table's
     * directory.
     */
    static CurrentViews of(FileStore store, String root, CurrentPointer pointer) {
        requireNonNull(pointer, "pointer is null");
        List<Run> runs = new ArrayList<>();
        for (CurrentPointer.Slot slot : pointer.currentSlots()) {
            String dir = store.resolve(root, slot.dataPath());
            List<String> files = store.list(dir).stream()
                    .filter(e -> !e.directory() && !e.name().startsWith("_") && !e.name().startsWith("."))
                    .map(FileStore.Entry::path).toList();
            String path = slot.dataPath();
            boolean legacy = RunTable.isLegacyDataPath(path);
            String version = legacy ? path.substring(path.indexOf('=') + 1, path.indexOf('/'))
                    : path.substring(path.lastIndexOf('@') + 1);
            String started = null;
            if (legacy) {
                String manifest = store.resolve(dir, RunTable.MANIFEST);
                started = store.read(manifest).map(bytes -> RunManifest.read(bytes, manifest).startedAt()).orElse(null);
            }
            runs.add(new Run(version, slot.runId(), slot.period(), files, slot.dataPath(), started));
        }
        String name = pointer.viewName() != null ? pointer.viewName()
                : root.substring(root.lastIndexOf('/') + 1);
        return new CurrentViews(root, name, pointer.sequence() == null ? 0 : pointer.sequence(), runs);
    }

    /** The view's name. */
    public String name() {
        return name;
    }

    /** The SQL for one engine: a comment, then one statement. */
    public String sql(Engine engine) {
        boolean hourly = runs.stream().anyMatch(r -> r.period() != null && r.period().contains("T"));
        List<Run> withData = runs.stream().filter(r -> !r.files().isEmpty()).toList();
        StringBuilder sql = new StringBuilder();
        sql.append("-- The current predictions of ").append(root).append(": the current run of each period (")
                .append(withData.size()).append(engine == Engine.DUCKDB ? " runs), for DuckDB." : " runs), for Spark SQL.")
                .append('\n');
        sql.append("-- Written by coldpath with the table's pointer ").append(sequence)
                .append("; 'coldpath runs sql ").append(root).append("' prints the latest.\n");
        if (engine == Engine.SPARK) {
            sql.append("-- Columns are those Spark's Parquet reader finds (set spark.sql.parquet.mergeSchema=true first"
                    + " if the runs' model versions wrote different columns).\n");
        }
        sql.append(engine == Engine.DUCKDB ? "CREATE OR REPLACE VIEW " + quoteDuck(name)
                : "CREATE OR REPLACE TEMPORARY VIEW " + quoteSpark(name)).append(" AS\n");
        if (withData.isEmpty()) { // no data file at all: the lineage columns and no rows
            sql.append("SELECT CAST(NULL AS STRING) AS model_version, CAST(NULL AS STRING) AS run_id, ")
                    .append(period(null, hourly, engine)).append(" AS period, ").append(scoredAt(null, engine))
                    .append(" AS scored_at WHERE false;\n");
        } else if (engine == Engine.DUCKDB) {
            List<String> selects = new ArrayList<>();
            for (Run run : withData) {
                List<String> files = run.files().stream().map(CurrentViews::duckPath).map(CurrentViews::literal)
                        .toList();
                String from = " FROM read_parquet([" + String.join(", ", files) + "], hive_partitioning = false)";
                selects.add(run.legacy() ? "SELECT *, " + literal(run.modelVersion()) + " AS model_version, "
                        + literal(run.runId()) + " AS run_id, " + period(run.period(), hourly, engine) + " AS period, "
                        + scoredAt(run.legacyScoredAt(), engine) + " AS scored_at" + from : "SELECT *" + from);
            }
            sql.append(String.join("\nUNION ALL BY NAME\n", selects)).append(";\n");
        } else {
            sql.append(spark(withData, hourly));
        }
        return sql.toString();
    }

    /**
     * One scan of every current file of the {@code run=R@V/} layout, whose files hold the lineage columns, and one of
     * every current file of the Hive-style layout, which gets them from each row's {@code _metadata.file_path}; each a
     * Hadoop glob {@code root/{a,b,...}} naming its files, the two joined by position (Spark SQL has no UNION BY NAME).
     */
    private String spark(List<Run> withData, boolean hourly) {
        List<Run> legacy = withData.stream().filter(Run::legacy).toList();
        List<Run> current = withData.stream().filter(r -> !r.legacy()).toList();
        List<String> scans = new ArrayList<>();
        if (!current.isEmpty()) {
            scans.add("SELECT * FROM parquet." + quoteSpark(glob(current)) + "\n");
        }
        if (!legacy.isEmpty()) {
            scans.add(sparkLegacy(legacy, hourly));
        }
        return String.join("UNION ALL\n", scans).stripTrailing() + ";\n";
    }

    /** The scan of current runs of the Hive-style layout, their lineage added from their files' paths. */
    private String sparkLegacy(List<Run> withData, boolean hourly) {
        StringBuilder sql = new StringBuilder("SELECT *,\n");
        sql.append("  regexp_extract(_metadata.file_path, 'model_version=([^/]+)/run_id=[^/]+/[^/]+$', 1) AS"
                + " model_version,\n");
        sql.append("  regexp_extract(_metadata.file_path, 'run_id=([^/]+)/[^/]+$', 1) AS run_id,\n");
        if (withData.stream().allMatch(r -> r.period() == null)) {
            sql.append("  ").append(period(null, hourly, Engine.SPARK)).append(" AS period,\n");
        } else {
            sql.append("  CASE regexp_extract(_metadata.file_path, '(model_version=[^/]+/run_id=[^/]+)/[^/]+$', 1)\n");
            for (Run run : withData) {
                sql.append("    WHEN ").append(literal(run.dataPath())).append(" THEN ")
                        .append(period(run.period(), hourly, Engine.SPARK)).append('\n');
            }
            sql.append("  END AS period,\n");
        }
        sql.append("  CASE regexp_extract(_metadata.file_path, '(model_version=[^/]+/run_id=[^/]+)/[^/]+$', 1)\n");
        for (Run run : withData) {
            sql.append("    WHEN ").append(literal(run.dataPath())).append(" THEN ")
                    .append(scoredAt(run.legacyScoredAt(), Engine.SPARK)).append('\n');
        }
        sql.append("  END AS scored_at\n");
        sql.append("FROM parquet.").append(quoteSpark(glob(withData))).append('\n');
        return sql.toString();
    }

    /** A Hadoop glob {@code root/{a,b,...}} naming every data file of the runs. */
    private String glob(List<Run> withData) {
        List<String> files = new ArrayList<>();
        withData.forEach(r -> r.files().forEach(f -> files.add(globEscape(relative(r, f)))));
        return globEscape(root) + "/" + (files.size() == 1 ? files.get(0) : "{" + String.join(",", files) + "}");
    }

    /** A file of a run relative to the table's root. */
    private static String relative(Run run, String file) {
        int at = file.lastIndexOf("/" + run.dataPath() + "/");
        return at < 0 ? file : file.substring(at + 1);
    }

    /** A path with Hadoop's glob characters escaped. */
    private static String globEscape(String path) {
        return path.replaceAll("([\\\\{}\\[\\]*?,])", "\\\\$1");
    }

    /** A path as DuckDB opens it: local paths without their scheme, S3 through DuckDB's s3://. */
    private static String duckPath(String path) {
        if (path.startsWith("file://")) {
            return path.substring("file://".length());
        }
        if (path.startsWith("file:")) {
            return path.substring("file:".length());
        }
        if (path.startsWith("s3a://") || path.startsWith("s3n://")) {
            return "s3://" + path.substring("s3a://".length());
        }
        return path;
    }

    /**
     * A run's period as the files of the {@code run=R@V/} layout hold it: a DATE, or for hours the hour's start in
     * UTC as a timestamp (DuckDB's TIMESTAMPTZ, which it reads those files' timestamps as).
     */
    private static String period(String period, boolean hourly, Engine engine) {
        String timestamp = engine == Engine.DUCKDB ? "TIMESTAMPTZ" : "TIMESTAMP";
        if (period == null) {
            return hourly ? "CAST(NULL AS " + timestamp + ")" : "CAST(NULL AS DATE)";
        }
        int t = period.indexOf('T');
        if (!hourly) {
            return "DATE " + literal(period);
        }
        String day = t < 0 ? period : period.substring(0, t);
        String hour = t < 0 ? "00" : period.substring(t + 1);
        return "CAST(" + literal(String.format(Locale.ROOT, "%sT%s:00:00Z", day, hour)) + " AS " + timestamp + ")";
    }

    /** A run's start time as the timestamp both engines read from the files of the {@code run=R@V/} layout. */
    private static String scoredAt(String instant, Engine engine) {
        String timestamp = engine == Engine.DUCKDB ? "TIMESTAMPTZ" : "TIMESTAMP";
        return "CAST(" + (instant == null ? "NULL" : literal(instant)) + " AS " + timestamp + ")";
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String quoteDuck(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String quoteSpark(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }
}
