package dev.coldpath.cli;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.report.RunReport;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.CurrentPointer;
import dev.coldpath.core.table.RunTable;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coldpath report}: (re)writes a committed run's HTML report from its manifest. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write a run's HTML report (_report.html, beside its _manifest.json) from the run's manifest,"
                + " and print its path. Every run writes one when it commits; this regenerates it, e.g. for runs"
                + " made by an older coldpath, or after an upgrade that improved the report.",
            "The report is one self-contained file: open it in any browser, offline."},
        footer = {"%nExample:", "  coldpath report s3a://bucket/predictions/wine 2026-11-28 \\",
            "    --conf spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9000"})
final class ReportCommand extends RunsCommand.TableArgs implements Callable<Integer> {
    @Parameters(index = "1", arity = "0..1", paramLabel = "RUN",
            description = "The run id (default: the table's current run, else its newest run); VERSION/RUN names"
                    + " one model version's run of an id that several versions ran.")
    String run;

    @Override
    public Integer call() {
        RunTable t = table();
        CommittedRun r = run != null ? t.run(run).orElseThrow(() -> new JobSpecException("Table " + t.root()
                + " has no committed run '" + run + "' (runs: " + ids(t.runs()) + ")")) : defaultRun(t);
        String path = RunReport.write(storage.store(), r.path(), r.manifest());
        out().println(path);
        out().flush();
        return 0;
    }

    private static CommittedRun defaultRun(RunTable t) {
        List<CommittedRun> runs = t.runs();
        if (runs.isEmpty()) {
            throw new JobSpecException("Table " + t.root() + " has no committed runs: nothing to report on"
                    + " (check the path, or run a job that writes to it)");
        }
        return t.current().map(CurrentPointer::dataPath).flatMap(current -> runs.stream()
                .filter(r -> r.path().endsWith("/" + current)).findFirst()).orElse(runs.get(runs.size() - 1));
    }

    private static List<String> ids(List<CommittedRun> runs) {
        return runs.stream().map(CommittedRun::runId).toList();
    }
}
