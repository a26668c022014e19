package dev.coldpath.cli;

import dev.coldpath.core.compare.ComparisonSummary;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.table.TableJson;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coldpath compare}: two committed runs of a table, joined by key, compared as a run compares its models. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare the predictions of two committed runs of a table (same or different models), joined"
                + " on key columns: label agreement, confusion matrix, PSI, mean and p99 absolute difference, Pearson"
                + " correlation of each output both publish, and the 20 rows that disagree most. RUN_A plays the"
                + " champion. The runs' Parquet files are read on this machine, without Spark. See docs/models.md."})
final class CompareCommand extends RunsCommand.TableArgs implements Callable<Integer> {
    @Parameters(index = "1", paramLabel = "RUN_A",
            description = "The reference run: its id, or VERSION/RUN (as 'coldpath runs show' takes it).")
    String runA;

    @Parameters(index = "2", paramLabel = "RUN_B", description = "The run compared with RUN_A, named likewise.")
    String runB;

    @Option(names = "--key", split = ",", paramLabel = "COLUMN",
            description = "The columns that identify a row in both runs (default: every column both runs publish that"
                    + " is neither a model output, a lineage column nor served_by, i.e. their kept columns).")
    List<String> key;

    @Option(names = "--json", description = "Print the comparison as JSON instead of text.")
    boolean json;

    @Option(names = "--output", paramLabel = "FILE", description = "Also write the comparison as JSON to FILE.")
    String output;

    @Override
    public Integer call() {
        RunTable t = table();
        CommittedRun a = lookup(t, runA);
        CommittedRun b = lookup(t, runB);
        RunPairComparison.Result result = new RunPairComparison(storage.configuration()).compare(t.root(), t.referenceOf(a), a,
                t.referenceOf(b), b, key == null ? List.of() : key);
        byte[] bytes = TableJson.write(result);
        if (output != null) {
            storage.store().writeAtomically(storage.store().qualify(output), bytes);
        }
        PrintWriter out = out();
        if (json) {
            out.println(new String(bytes, StandardCharsets.UTF_8));
        } else {
            print(result, out);
        }
        out.flush();
        return 0;
    }

    private CommittedRun lookup(RunTable t, String reference) {
        return t.run(reference).orElseThrow(() -> new JobSpecException("Table " + t.root() + " has no committed run '"
                + reference + "' (list them with 'coldpath runs list " + table + "')"));
    }

    /** The text form: the join, then per output the run summary's figures, the confusion matrix, the worst rows. */
    static void print(RunPairComparison.Result r, PrintWriter out) {
        ComparisonSummary c = r.comparison();
        out.printf(Locale.ROOT, "coldpath: compare %s vs %s on %s: %,d rows joined (%,d only in %s, %,d only in %s)%n",
                r.runB(), r.runA(), String.join(", ", r.key()), c.rows(), r.onlyA(), r.runA(), r.onlyB(), r.runB());
        for (ComparisonSummary.Labels l : c.labels()) {
            out.printf(Locale.ROOT, "  label     %s: agreement %s, PSI %s%s%n", l.output(),
                    JobRunner.percent(l.agreement()), JobRunner.number(l.psi()), l.truncated() ? " (classes pooled)" : "");
            int width = Math.max(8, l.classes().stream().mapToInt(String::length).max().orElse(0) + 1);
            StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-" + width + "s", "A\\B"));
            l.classes().forEach(k -> header.append(String.format(Locale.ROOT, " %" + width + "s", k)));
            out.println(header);
            for (int i = 0; i < l.classes().size(); i++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-" + width + "s",
                        l.classes().get(i)));
                l.confusion().get(i).forEach(n -> line.append(String.format(Locale.ROOT, " %" + width + "d", n)));
                out.println(line);
            }
        }
        for (ComparisonSummary.Scores s : c.scores()) {
            out.printf(Locale.ROOT, "  score     %s: mean abs diff %s, p99 abs diff %s, Pearson %s, PSI %s%s%n",
                    s.output(), JobRunner.number(s.meanAbsDiff()), JobRunner.number(s.p99AbsDiff()),
                    JobRunner.number(s.pearson()), JobRunner.number(s.psi()), s.exact() ? "" : " (approximate)");
        }
        if (!r.skipped().isEmpty()) {
            out.printf(Locale.ROOT, "  skipped   %s (not one value per row)%n", String.join(", ", r.skipped()));
        }
        for (ComparisonSummary.Disagreement d : c.disagreements()) {
            out.printf(Locale.ROOT, "  differs   %s: %s -> %s%n", d.key(), d.champion(), d.other());
        }
    }
}
