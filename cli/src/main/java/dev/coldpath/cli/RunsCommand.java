package dev.coldpath.cli;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.spec.KeyType;
import dev.coldpath.core.spec.RunPeriod;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.CurrentPointer;
import dev.coldpath.core.table.CurrentViews;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.spark.IcebergRunTable;
import dev.coldpath.spark.LocalScoringJob;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coldpath runs}: the committed runs of a prediction table, and its current run per period. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = {"List, inspect, promote, roll back and clean up the runs of a prediction table.",
            "A run with a logical period (--date, --hour) belongs to that period, and the table keeps one current run"
                + " per period; runs without a period share one more. See docs/tables.md."},
        subcommands = {RunsCommand.List.class, RunsCommand.Show.class, RunsCommand.Promote.class,
            RunsCommand.Rollback.class, RunsCommand.PathOf.class, RunsCommand.Gc.class, RunsCommand.Sql.class})
final class RunsCommand {
    /** What every runs subcommand takes: the table, and storage settings. */
    static class TableArgs {
        @Spec
        picocli.CommandLine.Model.CommandSpec command;

        @Parameters(index = "0", paramLabel = "TABLE", description = "The table's root directory or URI.")
        String table;

        @Mixin
        StorageOptions storage;

        /** Called before the table is opened as a Parquet run table. */
        void beforeOpening() {
        }

        /** The table; a path that holds no table is the user's error (exit 2), named as such. */
        RunTable table() {
            beforeOpening();
            HadoopFileStore store = storage.store();
            RunTable t = new RunTable(store, store.qualify(table));
            if (!t.exists()) {
                throw new JobSpecException(store.exists(t.root())
                        ? t.root() + " is not a prediction table: it holds no runs (run=R@V/) and no"
                                + " _coldpath/ (check the path: a table is what a job's output.path names)"
                        : "Table " + t.root() + " does not exist (check the path, or run a job with output.path "
                                + table + ")");
            }
            return t;
        }

        PrintWriter out() {
            return command.commandLine().getOut();
        }
    }

    /**
     * What the runs subcommands take: TABLE may also name an Iceberg table, <catalog>.<namespace>.<table>, with
     * --warehouse or its catalog's --conf options (docs/iceberg.md).
     */
    static class RunsTableArgs extends TableArgs {
        @Option(names = "--warehouse", paramLabel = "PATH",
                description = "For an Iceberg table named coldpath.<namespace>.<table> instead of a directory: the"
                        + " embedded catalog's warehouse (a job's output.warehouse). Other catalogs take --conf"
                        + " spark.sql.catalog.<catalog>.* options. list, show, path, rollback, promote and gc"
                        + " work on Iceberg tables (docs/iceberg.md).")
        String warehouse;

        /**
         * The Iceberg table TABLE names, when it is one: a dotted name with no '/', given --warehouse or a catalog
         * configured with --conf.
         */
        Optional<IcebergRunTable> iceberg() {
            Map<String, String> conf = storage.sparkConf();
            boolean name = table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*){2,}");
            if (!name || warehouse == null && conf.keySet().stream().noneMatch(k -> k.startsWith("spark.sql.catalog."
                    + table.substring(0, table.indexOf('.')) + "."))) {
                if (warehouse != null) {
                    throw new JobSpecException("--warehouse is for an Iceberg table named"
                            + " <catalog>.<namespace>.<table>, and " + table + " is not such a name");
                }
                return Optional.empty();
            }
            return Optional.of(IcebergRunTable.open(table, Optional.ofNullable(warehouse)
                    .map(w -> storage.store().qualify(w)), conf, storage.configuration()));
        }

        /** Refuses an Iceberg table, for the commands that do not take one yet. */
        @Override
        void beforeOpening() {
            Optional<IcebergRunTable> iceberg = iceberg();
            if (iceberg.isPresent()) {
                iceberg.get().close();
                throw new JobSpecException("'" + command.qualifiedName() + "' does not work on Iceberg tables yet"
                        + " (docs/iceberg.md): use list, show, path, rollback, promote or gc");
            }
        }
    }

    /** A period named on the command line: {@code --date D} and optionally {@code --hour H}. */
    static final class PeriodOptions {
        @Option(names = "--date", paramLabel = "YYYY-MM-DD",
                description = "The period's date (default: the latest period that has a current run).")
        String date;

        @Option(names = "--hour", paramLabel = "HH", description = "The period's hour, for hourly runs (needs --date).")
        String hour;

        Optional<String> period() {
            if (date == null) {
                if (hour != null) {
                    throw new JobSpecException("Invalid --hour " + hour + ": give --date too");
                }
                return Optional.empty();
            }
            return Optional.of(RunPeriod.of(date, hour).id());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the committed runs by period (runs without a period last), oldest first in each;"
                    + " '*' marks each period's current run.")
    static final class List extends RunsTableArgs implements Callable<Integer> {
        @Override
        public Integer call() {
            Optional<IcebergRunTable> iceberg = iceberg();
            if (iceberg.isPresent()) {
                try (IcebergRunTable opened = iceberg.get()) {
                    java.util.List<String[]> rows = new ArrayList<>();
                    rows.add(new String[] {" ", "RUN", "MODEL VERSION", "ROWS", "COMMITTED", "MODEL", "SNAPSHOT"});
                    for (IcebergRunTable.Run r : opened.runs()) {
                        rows.add(new String[] {r.current() ? "*" : " ", r.runId() + (r.tagged() ? "" : " (replaced)"),
                            r.modelVersion(), String.format(Locale.ROOT, "%,d", r.rows()),
                            Instant.ofEpochMilli(r.committedAtMillis()).toString(), r.modelName() + " "
                            + r.modelSha256().substring(0, Math.min(12, r.modelSha256().length())),
                            String.valueOf(r.snapshotId())});
                    }
                    print(out(), rows, 3);
                    return 0;
                }
            }
            RunTable t = table();
            CurrentPointer pointer = t.current().orElseGet(CurrentPointer::empty);
            java.util.List<CommittedRun> runs = new ArrayList<>(t.runs());
            runs.sort(Comparator.comparing((CommittedRun r) -> r.manifest().period().orElse(null),
                    Comparator.nullsLast(Comparator.naturalOrder()))); // stable: oldest first within a period
            java.util.List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {" ", "RUN", "MODEL VERSION", "ROWS", "ENDED", "MODEL", "PERIOD"});
            for (CommittedRun r : runs) {
                RunManifest m = r.manifest();
                rows.add(new String[] {pointer.isCurrent(relative(r)) ? "*" : " ", r.runId(), r.modelVersion(),
                    String.format(Locale.ROOT, "%,d", m.rows().written()), m.endedAt(),
                    m.model().name() + " " + m.model().sha256().substring(0, 12),
                    CurrentPointer.Slot.label(m.period().orElse(null))});
            }
            print(out(), rows, 3);
            return 0;
        }
    }

    /** Prints rows as aligned columns, the column {@code rightAligned} to the right, the last one unpadded. */
    static void print(PrintWriter out, java.util.List<String[]> rows, int rightAligned) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String cell = row[c];
                if (c == columns - 1) {
                    line.append(cell);
                } else if (c == rightAligned) {
                    line.append(" ".repeat(width[c] - cell.length())).append(cell).append("  ");
                } else {
                    line.append(cell).append(" ".repeat(width[c] - cell.length())).append(c == 0 ? " " : "  ");
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print what a run did (default: the current run of the latest period): its model, input,"
                    + " rows, times and whether it is current; --json prints its manifest as written.")
    static final class Show extends RunsTableArgs implements Callable<Integer> {
        @Parameters(index = "1", arity = "0..1", paramLabel = "RUN",
                description = "The run id (VERSION/RUN for one model version's run of an id several versions ran);"
                        + " default: the current run of the latest period.")
        String run;

        @Option(names = "--json", description = "Print the run's _manifest.json as it is.")
        boolean json;

        @Override
        public Integer call() {
            Optional<IcebergRunTable> iceberg = iceberg();
            if (iceberg.isPresent()) {
                try (IcebergRunTable opened = iceberg.get()) {
                    return showIceberg(opened);
                }
            }
            RunTable t = table();
            CommittedRun r = run != null
                    ? t.run(run).orElseThrow(() -> new JobSpecException("Table " + t.root() + " has no committed run '"
                            + run + "' (list them with 'coldpath runs list " + table + "')"))
                    : t.currentDataPath().flatMap(path -> t.runs().stream().filter(c -> c.path().equals(path))
                            .findFirst()).orElseThrow(() -> new JobSpecException("Table " + t.root() + " has no"
                            + " current run: name one (list them with 'coldpath runs list " + table + "')"));
            if (json) {
                out().println(new String(storage.store().read(r.path() + "/" + RunTable.MANIFEST).orElseThrow(),
                        StandardCharsets.UTF_8));
            } else {
                summary(t, r).forEach(out()::println);
            }
            out().flush();
            return 0;
        }

        private int showIceberg(IcebergRunTable t) {
            IcebergRunTable.Run r = (run != null ? t.run(run) : t.current()).orElseThrow(() -> new JobSpecException(
                    run != null ? "Table " + table + " has no committed run '" + run + "' (list them with 'coldpath"
                            + " runs list " + table + "')" : "Table " + table + " has no current run"));
            if (json) {
                out().println(new String(storage.store().read(r.manifest()).orElseThrow(() -> new JobSpecException(
                        "Run " + r.runId() + "'s manifest " + r.manifest() + " is missing")), StandardCharsets.UTF_8));
            } else {
                out().println(line("run", r.runId() + ", " + (r.current() ? "current" : "not current")));
                out().println(line("snapshot", r.snapshotId() + " (tag run-" + r.runId() + "), committed "
                        + Instant.ofEpochMilli(r.committedAtMillis())));
                out().println(line("model", r.modelName() + " (model version " + r.modelVersion() + ", sha256 "
                        + shortSha(r.modelSha256()) + ")"));
                out().println(line("rows", String.format(Locale.ROOT, "%,d in the table at this snapshot", r.rows())));
                out().println(line("query", t.query(r)));
                out().println(line("manifest", r.manifest()));
            }
            out().flush();
            return 0;
        }

        private java.util.List<String> summary(RunTable t, CommittedRun r) {
            RunManifest m = r.manifest();
            CurrentPointer pointer = t.current().orElseGet(CurrentPointer::empty);
            String period = m.period().orElse(null);
            String status = pointer.isCurrent(RunTable.relative(r))
                    ? "current run of " + where(period, "the table")
                    : pointer.slot(period).map(CurrentPointer.Slot::runId)
                            .map(id -> "not current (the current run of " + where(period, "the table") + " is " + id
                                    + ")").orElse("not current (" + where(period, "the table") + " has no current run)");
            java.util.List<String> lines = new ArrayList<>();
            lines.add(line("run", t.referenceOf(r) + ", " + status));
            lines.add(line("period", CurrentPointer.Slot.label(period)));
            lines.add(line("data", r.path()));
            for (RunManifest.ModelRun model : m.models()) {
                lines.add(line("model", model.name() + (model.version() == null || model.version().isEmpty() ? ""
                        : "@" + model.version()) + " (model version " + r.modelVersion() + ", sha256 "
                        + shortSha(model.sha256()) + ") from " + model.location()));
                lines.add(line("outputs", String.join(", ", model.outputColumns().stream()
                        .map(c -> c.name() + " " + c.type()).toList())));
            }
            if (m.input() != null) {
                lines.add(line("input", m.input().path() + ": " + m.input().files().size() + " files, "
                        + String.format(Locale.ROOT, "%,d", m.input().totalBytes()) + " bytes"
                        + (m.input().partitions().isEmpty() ? "" : ", partitions " + String.join(", ",
                        m.input().partitions()))));
            }
            if (m.rows() != null) {
                lines.add(line("rows", String.format(Locale.ROOT, "%,d read, %,d written, %,d rejected",
                        m.rows().read(), m.rows().written(), m.rows().rejected())));
            }
            if (m.drift() != null) {
                lines.add(line("drift", JobRunner.drift(m.drift())));
            }
            lines.add(line("time", m.startedAt() + " to " + m.endedAt()
                    + String.format(Locale.ROOT, " (%.1f s)", m.wallMs() / 1000.0)));
            if (m.runner() != null) {
                lines.add(line("runner", m.runner().name() + " (" + m.runner().reason() + ")"));
            }
            if (m.spark() != null && (m.runner() == null || !m.runner().name().equals(LocalScoringJob.NAME))) {
                lines.add(line("spark", m.spark().applicationId() + " on " + m.spark().master()));
            }
            if (m.sessions() != null) {
                lines.add(line("sessions", m.sessions().created() + " opened, by "
                        + String.join(", ", m.sessions().owners())));
            }
            lines.add(line("manifest", "format " + m.formatVersion() + ", written by coldpath " + m.coldpathVersion()
                    + "; 'coldpath runs show " + table + " " + t.referenceOf(r) + " --json' prints it"));
            return lines;
        }

        private static String line(String label, String value) {
            return String.format(Locale.ROOT, "%-9s %s", label, value);
        }

        private static String shortSha(String sha256) {
            return sha256 == null ? "?" : sha256.substring(0, Math.min(12, sha256.length()));
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Make a committed run the current run of its period.")
    static final class Promote extends RunsTableArgs implements Callable<Integer> {
        @Parameters(index = "1", paramLabel = "RUN",
                description = "The run id (VERSION/RUN for one model version's run of an id several versions ran).")
        String run;

        @Override
        public Integer call() {
            Optional<IcebergRunTable> iceberg = iceberg();
            if (iceberg.isPresent()) {
                try (IcebergRunTable opened = iceberg.get()) {
                    IcebergRunTable.Run r = opened.promote(run);
                    out().println("current run of " + table + " is now " + r.runId() + " (snapshot " + r.snapshotId()
                            + ")");
                    out().flush();
                    return 0;
                }
            }
            RunTable t = table();
            CommittedRun promoted = t.run(run).orElse(null);
            CurrentPointer p = t.promote(run, "promoted by hand");
            String period = promoted == null ? null : promoted.manifest().period().orElse(null);
            out().println("current run of " + where(period, table) + " is now " + p.slot(period)
                    .map(CurrentPointer.Slot::runId).orElse(run));
            out().flush();
            return 0;
        }
    }

    /** How a message names a period of a table: "period 2026-11-28 of T", or "T" for runs without a period. */
    static String where(String period, String table) {
        return period == null ? table : "period " + period + " of " + table;
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"Point a period back at the run that was current in it before (a rerun's previous model"
                    + " version, say), without recomputing.",
                "A period whose current run is its first is withdrawn: it has no current run until one of its runs is"
                    + " promoted (its run stays committed). A rollback that would leave the table with no current"
                    + " run is refused."})
    static final class Rollback extends RunsTableArgs implements Callable<Integer> {
        @Mixin
        PeriodOptions period;

        @Override
        public Integer call() {
            Optional<IcebergRunTable> iceberg = iceberg();
            if (iceberg.isPresent()) {
                try (IcebergRunTable opened = iceberg.get()) {
                    if (period.period().isPresent()) {
                        throw new JobSpecException("An Iceberg table has one current snapshot, not one per period: roll"
                                + " it back without --date");
                    }
                    IcebergRunTable.RolledBack r = opened.rollback();
                    out().println("current run of " + table + " is now " + r.to().runId() + " (snapshot "
                            + r.to().snapshotId() + "; rolled back from " + r.from().runId() + ", snapshot "
                            + r.from().snapshotId() + ")");
                    out().flush();
                    return 0;
                }
            }
            RunTable.RolledBack r = table().rollback(period.period());
            String latest = r.pointer().runId();
            if (r.to().isPresent()) {
                out().println("current run of " + where(r.period(), table) + " is now " + r.to().get().runId()
                        + " (rolled back from " + r.from().runId() + ", " + r.from().dataPath() + ")");
            } else {
                out().println((r.period() == null ? "the runs without a period of " + table + " have"
                        : "period " + r.period() + " of " + table + " has") + " no current run now (rolled back from "
                        + r.from().runId() + "; 'coldpath runs promote " + table + " " + r.from().runId()
                        + "' restores it); the latest current run is now " + latest);
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true,
            description = "Print the data directory of the current run of the latest period (or of --date), for"
                    + " scripts and analysts (e.g. read_parquet('$(coldpath runs path T)/*.parquet') in DuckDB).")
    static final class PathOf extends RunsTableArgs implements Callable<Integer> {
        @Mixin
        PeriodOptions period;

        @Override
        public Integer call() {
            Optional<IcebergRunTable> iceberg = iceberg();
            if (iceberg.isPresent()) {
                try (IcebergRunTable t = iceberg.get()) {
                    IcebergRunTable.Run r = t.current().orElseThrow(() -> new JobSpecException("Table " + table
                            + " has no current run"));
                    out().println(r.snapshotId());
                    out().println(t.query(r));
                    out().flush();
                    return 0;
                }
            }
            Optional<String> which = period.period();
            Optional<String> path = table().currentDataPath(which);
            if (path.isEmpty()) {
                throw new JobSpecException((which.isPresent() ? "Period " + which.get() + " of table " : "Table ")
                        + table + " has no current run: promote one with 'coldpath runs promote'");
            }
            out().println(path.get());
            out().flush();
            return 0;
        }
    }

    @Command(name = "gc", mixinStandardHelpOptions = true,
            description = {"Delete old runs, period by period: each period keeps its current run and N others (first"
                    + " the run a rollback would go back to, then the newest). A period's current run is never"
                    + " deleted.",
                "Also deletes staging directories older than a day, or --staging-older-than (runs that died before"
                        + " committing).",
                "On an Iceberg table: expires the deleted runs' snapshots and tags (Iceberg's expire_snapshots, which"
                        + " deletes the data files no kept snapshot references), keeping the current run and N others,"
                        + " and expires staged snapshots of runs killed before their commit and deletes orphan data"
                        + " files (in no snapshot), both when older than --staging-older-than."})
    static final class Gc extends RunsTableArgs implements Callable<Integer> {
        @Option(names = "--keep", required = true, paramLabel = "N",
                description = "How many runs besides the current one each period keeps (at least 1).")
        int keep;

        @Option(names = "--dry-run", description = "Print what would be deleted, and delete nothing.")
        boolean dryRun;

        @Option(names = "--staging-older-than", paramLabel = "AGE", defaultValue = "1d",
                description = "Delete staging directories older than this (90s, 30m, 2h, 1d; default 1d). Lower it"
                        + " only when no run into the table is running: a younger one may belong to a run still"
                        + " writing.")
        String stagingAge;

        @Override
        public Integer call() {
            Duration age = KeyType.DURATION.parse("--staging-older-than", stagingAge);
            Optional<IcebergRunTable> iceberg = iceberg();
            if (iceberg.isPresent()) {
                try (IcebergRunTable opened = iceberg.get()) {
                    return gcIceberg(opened, age);
                }
            }
            RunTable t = table();
            RunTable.GcResult plan = t.gc(keep, true, age);
            Map<String, String> names = new LinkedHashMap<>();
            for (CommittedRun r : plan.runs()) {
                names.put(r.path(), t.referenceOf(r) + r.manifest().period().map(p -> " (" + p + ")").orElse(""));
            }
            RunTable.GcResult done = dryRun ? plan : t.gc(keep, false, age);
            String verb = dryRun ? "would delete" : "deleted";
            if (done.runs().isEmpty() && done.staging().isEmpty()) {
                out().println("nothing to delete");
            }
            if (!done.runs().isEmpty()) {
                out().println(verb + " runs: " + String.join(", ", done.runs().stream()
                        .map(r -> names.getOrDefault(r.path(), relative(r))).toList()));
            }
            if (!done.staging().isEmpty()) {
                out().println(verb + " staging directories older than " + stagingAge + ": "
                        + String.join(", ", done.staging()));
            }
            out().flush();
            return 0;
        }

        private int gcIceberg(IcebergRunTable t, Duration age) {
            IcebergRunTable.GcResult done = t.gc(keep, dryRun, age);
            String verb = dryRun ? "would delete" : "deleted";
            if (done.runs().isEmpty() && done.staged().isEmpty() && done.orphans().isEmpty()
                    && done.branches().isEmpty()) {
                out().println("nothing to delete");
            }
            if (!done.branches().isEmpty()) {
                out().println(verb + " branches older than " + stagingAge + " of reruns killed while they removed"
                        + " an earlier attempt's rows: " + String.join(", ", done.branches()));
            }
            if (!done.runs().isEmpty()) {
                out().println(verb + " runs: " + String.join(", ", done.runs().stream().map(r -> r.runId()
                        + (r.tagged() ? "" : " (replaced)") + " (snapshot " + r.snapshotId() + ")").toList()));
            }
            if (!done.staged().isEmpty()) {
                out().println(verb + " staged snapshots older than " + stagingAge + " (runs that died before"
                        + " committing): " + String.join(", ", done.staged().stream().map(String::valueOf)
                        .toList()));
            }
            if (!done.orphans().isEmpty()) {
                out().println(verb + " " + done.orphans().size() + " orphan files older than " + stagingAge
                        + " (in no snapshot: runs killed before their staged commit): "
                        + String.join(", ", done.orphans()));
            }
            if (!dryRun && done.files() > 0) {
                out().println("deleted " + done.files() + " files no kept snapshot references");
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "sql", mixinStandardHelpOptions = true,
            description = {"Print the SQL view of the table's current predictions: the current run of every period,"
                    + " with model_version and run_id (strings) and period (a DATE, or a TIMESTAMP for hourly runs).",
                "The same SQL is in the table's _coldpath/current.duckdb.sql and _coldpath/current.spark.sql, rewritten"
                    + " whenever the current runs change; paste it into DuckDB or Spark SQL, no JVM of coldpath's"
                    + " needed. The view is named after the table's directory, or output.view-name."},
            footer = {"%nExample:", "  duckdb -c \"$(coldpath runs sql /data/predictions/wine) SELECT period, count(*)"
                    + " FROM wine GROUP BY ALL\""})
    static final class Sql extends RunsTableArgs implements Callable<Integer> {
        @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "duckdb",
                description = "duckdb (default): CREATE OR REPLACE VIEW; spark: CREATE OR REPLACE TEMPORARY VIEW.")
        String engine;

        @Override
        public Integer call() {
            CurrentViews.Engine which = switch (engine.strip().toLowerCase(Locale.ROOT)) {
                case "duckdb" -> CurrentViews.Engine.DUCKDB;
                case "spark" -> CurrentViews.Engine.SPARK;
                default -> throw new JobSpecException("Invalid --engine " + engine + " (must be duckdb or spark)");
            };
            out().print(table().views().sql(which));
            out().flush();
            return 0;
        }
    }

    private static String relative(CommittedRun r) {
        return RunTable.relative(r);
    }

    private RunsCommand() {
    }
}
