package dev.coldpath.cli;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.CurrentPointer;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coldpath runs}: the committed runs of a prediction table, and its current pointer. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "List, inspect, promote, roll back and clean up the runs of a prediction table.",
        subcommands = {RunsCommand.List.class, RunsCommand.Show.class, RunsCommand.Promote.class,
            RunsCommand.Rollback.class, RunsCommand.PathOf.class, RunsCommand.Gc.class})
final class RunsCommand {
    /** What every runs subcommand takes: the table, and storage settings. */
    static class TableArgs {
        @Spec
        picocli.CommandLine.Model.CommandSpec command;

        @Parameters(index = "0", paramLabel = "TABLE", description = "The table's root directory or URI.")
        String table;

        @Mixin
        StorageOptions storage;

        RunTable table() {
            HadoopFileStore store = storage.store();
            return new RunTable(store, store.qualify(table));
        }

        PrintWriter out() {
            return command.commandLine().getOut();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the committed runs, oldest first; '*' marks the current one.")
    static final class List extends TableArgs implements Callable<Integer> {
        @Override
        public Integer call() {
            RunTable t = table();
            String current = t.current().map(CurrentPointer::runId).orElse("");
            java.util.List<CommittedRun> runs = t.runs(); // List is the subcommand below
            PrintWriter out = out();
            out.printf(Locale.ROOT, "  %-24s %-20s %12s  %-24s %s%n", "RUN", "MODEL VERSION", "ROWS", "ENDED", "MODEL");
            for (CommittedRun r : runs) {
                RunManifest m = r.manifest();
                out.printf(Locale.ROOT, "%s %-24s %-20s %,12d  %-24s %s%n", r.runId().equals(current) ? "*" : " ",
                        r.runId(), r.modelVersion(), m.rows().written(), m.endedAt(),
                        m.model().name() + " " + m.model().sha256().substring(0, 12));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a run's manifest (JSON).")
    static final class Show extends TableArgs implements Callable<Integer> {
        @Parameters(index = "1", paramLabel = "RUN", description = "The run id.")
        String run;

        @Override
        public Integer call() throws Exception {
            RunTable t = table();
            CommittedRun r = t.run(run).orElseThrow(() -> new JobSpecException("Table "
                    + t.root() + " has no committed run '" + run + "'"));
            out().println(new String(storage.store().read(r.path() + "/" + RunTable.MANIFEST).orElseThrow(),
                    StandardCharsets.UTF_8));
            out().flush();
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Make a committed run the table's current run.")
    static final class Promote extends TableArgs implements Callable<Integer> {
        @Parameters(index = "1", paramLabel = "RUN", description = "The run id.")
        String run;

        @Override
        public Integer call() {
            CurrentPointer p = table().promote(run, "promoted by hand");
            out().println("current run of " + table + " is now " + p.runId());
            out().flush();
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Point the table back at the run that was current before, without recomputing.")
    static final class Rollback extends TableArgs implements Callable<Integer> {
        @Override
        public Integer call() {
            CurrentPointer p = table().rollback();
            out().println("current run of " + table + " is now " + p.runId() + " (" + p.reason() + ")");
            out().flush();
            return 0;
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true,
            description = "Print the data directory of the current run, for scripts and analysts"
                    + " (e.g. read_parquet('$(coldpath runs path T)/*.parquet') in DuckDB).")
    static final class PathOf extends TableArgs implements Callable<Integer> {
        @Override
        public Integer call() {
            Optional<String> path = table().currentDataPath();
            if (path.isEmpty()) {
                throw new JobSpecException("Table " + table + " has no current run yet:"
                        + " promote one with 'coldpath runs promote'");
            }
            out().println(path.get());
            out().flush();
            return 0;
        }
    }

    @Command(name = "gc", mixinStandardHelpOptions = true,
            description = "Delete the oldest runs beyond the newest N; never the current run or the one before it.")
    static final class Gc extends TableArgs implements Callable<Integer> {
        @Option(names = "--keep", required = true, paramLabel = "N", description = "How many runs to keep.")
        int keep;

        @Override
        public Integer call() {
            java.util.List<String> deleted = table().gc(keep);
            out().println(deleted.isEmpty() ? "nothing to delete" : "deleted runs: " + String.join(", ", deleted));
            out().flush();
            return 0;
        }
    }

    private RunsCommand() {
    }
}
