package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's nightly job, from registration to rollback, through the CLI only. */
class NightlyFlowTest {
    @TempDir
    Path tmp;

    @Test
    void registerScoreTwoNightsRollBackAndReadTheCurrentPath() throws Exception {
        String registry = tmp.resolve("registry").toString();
        String table = tmp.resolve("predictions").toString();
        Path landing = tmp.resolve("landing");
        CliHarness.spark().read().parquet(CliHarness.data("wine"))
                .write().parquet(landing.resolve("date=2026-11-27").toString());
        CliHarness.spark().read().parquet(CliHarness.data("wine")).where("id < 100")
                .write().parquet(landing.resolve("date=2026-11-28").toString());
        Path job = tmp.resolve("nightly.yaml");
        Files.writeString(job, String.join("\n",
                "model: wine@latest",
                "registry: " + registry,
                "input: {path: '" + landing + "/date={date}'}",
                "output: {path: " + table + "}",
                ""));

        assertThat(CliHarness.run("models", "register", CliHarness.model("wine_mlp"), "--name", "wine", "--version",
                "1.0.0", "--registry", registry).exitCode()).isZero();
        CliHarness.Outcome night1 = CliHarness.run("run", job.toString(), "--date", "2026-11-27");
        CliHarness.Outcome night2 = CliHarness.run("run", job.toString(), "--date", "2026-11-28");
        assertThat(night1.exitCode()).as(night1.err()).isZero();
        assertThat(night2.exitCode()).as(night2.err()).isZero();
        assertThat(night1.out()).contains("run 2026-11-27 scored 178 rows with wine@1.0.0");
        assertThat(night2.out()).contains("run 2026-11-28 scored 100 rows with wine@1.0.0");

        CliHarness.Outcome list = CliHarness.run("runs", "list", table);
        assertThat(list.out()).contains("* 2026-11-28").contains("* 2026-11-27").contains("1.0.0"); // one per period
        assertThat(CliHarness.run("runs", "path", table).out().strip()).endsWith("run=2026-11-28@1.0.0");

        CliHarness.Outcome rollback = CliHarness.run("runs", "rollback", table);
        assertThat(rollback.exitCode()).isZero();
        assertThat(rollback.out()).contains("period 2026-11-28 of " + table + " has no current run now")
                .contains("is now 2026-11-27");
        String current = CliHarness.run("runs", "path", table).out().strip();
        assertThat(current).endsWith("run=2026-11-27@1.0.0");
        assertThat(CliHarness.spark().read().parquet(current).count()).isEqualTo(178);

        CliHarness.Outcome notYet = CliHarness.run("run", job.toString(), "--date", "2026-11-29");
        assertThat(notYet.exitCode()).isEqualTo(3);
        assertThat(notYet.err()).contains("date=2026-11-29 does not exist (yet)");

        CliHarness.Outcome show = CliHarness.run("runs", "show", table, "2026-11-27", "--json");
        assertThat(show.out()).contains("\"run_id\" : \"2026-11-27\"").contains("\"version\" : \"1.0.0\"");
    }

    /**
     * The same nightly job on an Iceberg table, one partition per night (overwrite-partitions by run_id): a registered
     * model, two nights, list, rollback, path, a rerun that replaces, gc, promote, then a backfill of two earlier
     * nights that adds their partitions.
     */
    @Test
    void scoreTwoNightsListRollBackRerunAndBackfillOnAnIcebergTable() throws Exception {
        String warehouse = CliHarness.icebergWarehouse();
        String table = "coldpath.nightly_cli.wine";
        String registry = tmp.resolve("registry").toString();
        ok(CliHarness.run("models", "register", CliHarness.model("wine_mlp"), "--name", "wine", "--registry",
                registry, "--version", "1.0.0"));
        Path job = tmp.resolve("nightly.yaml");
        Files.writeString(job, String.join("\n",
                "model: wine@latest",
                "registry: " + registry,
                "input: {path: '" + CliHarness.data("wine") + "'}",
                "output: {format: iceberg, table: " + table + ", warehouse: '" + warehouse + "',"
                        + " mode: overwrite-partitions, partition-by: run_id}",
                ""));
        assertThat(CliHarness.run("run", job.toString(), "--date", "2026-11-27").exitCode()).isZero();
        CliHarness.Outcome night2 = CliHarness.run("run", job.toString(), "--date", "2026-11-28");
        assertThat(night2.exitCode()).as(night2.err()).isZero();

        CliHarness.Outcome list = CliHarness.run("runs", "list", table, "--warehouse", warehouse);
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("(?m)^  2026-11-27 .* 178 ").containsPattern("(?m)^\\* 2026-11-28 ");
        CliHarness.Outcome path = CliHarness.run("runs", "path", table, "--warehouse", warehouse);
        assertThat(path.out()).contains("SELECT * FROM " + table + " VERSION AS OF 'run-2026-11-28'");

        CliHarness.Outcome rollback = CliHarness.run("runs", "rollback", table, "--warehouse", warehouse);
        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(rollback.out()).contains("current run of " + table + " is now 2026-11-27");
        assertThat(CliHarness.run("runs", "show", table, "--warehouse", warehouse).out())
                .contains("run       2026-11-27, current");
        CliHarness.spark().sql("REFRESH TABLE " + table);
        assertThat(CliHarness.spark().sql("SELECT DISTINCT run_id FROM " + table).collectAsList().toString())
                .isEqualTo("[[2026-11-27]]");

        CliHarness.Outcome rerun = CliHarness.run("run", job.toString(), "--date", "2026-11-28");
        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        String relisted = CliHarness.run("runs", "list", table, "--warehouse", warehouse).out();
        assertThat(relisted).contains("2026-11-28 (replaced)").containsPattern("(?m)^\\* 2026-11-28 ");
        assertThat(CliHarness.run("runs", "show", table, "2026-11-28", "--json", "--warehouse", warehouse).out())
                .contains("\"run_id\" : \"2026-11-28\"");
        CliHarness.Outcome gc = CliHarness.run("runs", "gc", table, "--keep", "1", "--warehouse", warehouse);
        assertThat(gc.exitCode()).as(gc.err()).isZero();
        assertThat(gc.out()).as("the rerun is current, the 27th is what a rollback goes back to")
                .containsPattern("deleted runs: 2026-11-28 \\(replaced\\) \\(snapshot \\d+\\)\\n")
                .containsPattern("deleted \\d+ files no kept snapshot references");
        assertThat(CliHarness.run("runs", "list", table, "--warehouse", warehouse).out())
                .doesNotContain("(replaced)").contains("  2026-11-27 ").containsPattern("(?m)^\\* 2026-11-28 ");
        CliHarness.Outcome promote = CliHarness.run("runs", "promote", table, "2026-11-27", "--warehouse", warehouse);
        assertThat(promote.exitCode()).as(promote.err()).isZero();
        assertThat(promote.out()).contains("current run of " + table + " is now 2026-11-27 (snapshot ");
        assertThat(CliHarness.run("runs", "path", table, "--warehouse", warehouse).out())
                .contains("VERSION AS OF 'run-2026-11-27'");
        assertThat(CliHarness.run("runs", "sql", table, "--warehouse", warehouse).err())
                .contains("'coldpath runs sql' does not work on Iceberg tables yet");

        ok(CliHarness.run("run", job.toString(), "--from", "2026-11-24", "--to", "2026-11-25"));
        assertThat(CliHarness.run("runs", "list", table, "--warehouse", warehouse).out())
                .containsPattern("(?m)^  2026-11-24 .* 356 ").containsPattern("(?m)^\\* 2026-11-25 .* 534 ");
        CliHarness.spark().sql("REFRESH TABLE " + table);
        assertThat(CliHarness.spark().sql("SELECT run_id, count(*), count(DISTINCT id), min(model_version)"
                + " FROM " + table + " GROUP BY run_id ORDER BY run_id").collectAsList().toString())
                .as("each night's partition once, the backfilled ones beside the promoted one")
                .isEqualTo("[[2026-11-24,178,178,1.0.0], [2026-11-25,178,178,1.0.0], [2026-11-27,178,178,1.0.0]]");
    }

    /**
     * Issue 14's nightly table: two nights, then a backfill of three earlier days, a rerun of one night with a new
     * model version, a candidate run of another night, rollbacks and gc. Every period keeps its current run
     * throughout, and "the current run" is the latest night's, not the last committed.
     */
    @Test
    void backfillAfterNightsRerunWithANewVersionRollbackOfOneDateAndGcKeepEveryPeriodsCurrentRun() throws Exception {
        String registry = tmp.resolve("registry").toString();
        String table = tmp.resolve("predictions").toString();
        Path landing = tmp.resolve("landing");
        Map<String, Integer> rows = new LinkedHashMap<>();
        for (int day = 24; day <= 28; day++) { // each day its own row count: 24 rows on the 24th, ...
            rows.put("2026-11-" + day, day);
            CliHarness.spark().read().parquet(CliHarness.data("wine")).where("id < " + day)
                    .write().parquet(landing.resolve("date=2026-11-" + day).toString());
        }
        Path job = tmp.resolve("nightly.yaml");
        Files.writeString(job, String.join("\n", "model: wine@latest", "registry: " + registry,
                "input: {path: '" + landing + "/date={date}'}", "output: {path: " + table + "}", ""));
        String[] register = {"models", "register", CliHarness.model("wine_mlp"), "--name", "wine", "--registry",
            registry, "--version"};
        assertThat(CliHarness.run(concat(register, "1.0.0")).exitCode()).isZero();

        ok(CliHarness.run("run", job.toString(), "--date", "2026-11-27"));
        ok(CliHarness.run("run", job.toString(), "--date", "2026-11-28"));
        ok(CliHarness.run("run", job.toString(), "--from", "2026-11-24", "--to", "2026-11-26"));

        assertThat(path(table)).as("the latest night, not the last backfilled day")
                .endsWith("run=2026-11-28@1.0.0");
        assertEveryPeriodHasItsCurrentRun(table, rows);
        List<String> listed = ok(CliHarness.run("runs", "list", table)).out().lines().skip(1).toList();
        assertThat(listed).extracting(l -> l.split(" +")[1]).as("grouped by period")
                .containsExactly("2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28");
        assertThat(listed).allMatch(l -> l.startsWith("* "));

        // A new model version reruns the 27th: the 1.0.0 run of the 27th stays, for rollback.
        assertThat(CliHarness.run(concat(register, "1.1.0")).exitCode()).isZero();
        ok(CliHarness.run("run", job.toString(), "--date", "2026-11-27"));
        assertThat(path(table, "--date", "2026-11-27")).endsWith("run=2026-11-27@1.1.0");
        assertThat(ok(CliHarness.run("runs", "list", table)).out())
                .contains("  2026-11-27  1.0.0 ", "* 2026-11-27  1.1.0 ");

        CliHarness.Outcome rollback = ok(CliHarness.run("runs", "rollback", table, "--date", "2026-11-27"));
        assertThat(rollback.out()).contains("current run of period 2026-11-27 of " + table + " is now 2026-11-27"
                + " (rolled back from 2026-11-27, run=2026-11-27@1.1.0)");
        assertThat(path(table, "--date", "2026-11-27")).endsWith("run=2026-11-27@1.0.0");
        assertThat(path(table)).endsWith("run=2026-11-28@1.0.0");
        assertEveryPeriodHasItsCurrentRun(table, rows);

        // The 28th: a rerun with 1.1.0, then a candidate run of the same night; rollback goes back within the 28th.
        ok(CliHarness.run("run", job.toString(), "--date", "2026-11-28"));
        ok(CliHarness.run("run", job.toString(), "--date", "2026-11-28", "--run-id", "2026-11-28-candidate"));
        assertThat(path(table)).endsWith("run=2026-11-28-candidate@1.1.0");
        assertThat(ok(CliHarness.run("runs", "rollback", table)).out()).contains("current run of period 2026-11-28"
                + " of " + table + " is now 2026-11-28 (rolled back from 2026-11-28-candidate");
        assertThat(path(table)).endsWith("run=2026-11-28@1.1.0");
        ok(CliHarness.run("runs", "promote", table, "2026-11-28-candidate"));

        // gc keeps each period's current run and one other (the run a rollback would go back to first).
        CliHarness.Outcome dry = ok(CliHarness.run("runs", "gc", table, "--keep", "1", "--dry-run"));
        assertThat(dry.out().strip()).isEqualTo("would delete runs: 1.0.0/2026-11-28 (2026-11-28)");
        assertThat(ok(CliHarness.run("runs", "list", table)).out().lines().skip(1)).hasSize(8);

        CliHarness.Outcome gc = ok(CliHarness.run("runs", "gc", table, "--keep", "1"));
        assertThat(gc.out().strip()).isEqualTo("deleted runs: 1.0.0/2026-11-28 (2026-11-28)");
        assertThat(ok(CliHarness.run("runs", "list", table)).out().lines().skip(1))
                .extracting(l -> l.split(" +")[1] + " " + l.split(" +")[2] + (l.startsWith("*") ? " *" : ""))
                .containsExactly("2026-11-24 1.0.0 *", "2026-11-25 1.0.0 *", "2026-11-26 1.0.0 *",
                        "2026-11-27 1.0.0 *", "2026-11-27 1.1.0", "2026-11-28 1.1.0",
                        "2026-11-28-candidate 1.1.0 *");
        assertThat(ok(CliHarness.run("runs", "gc", table, "--keep", "1")).out().strip()).isEqualTo("nothing to delete");
        assertEveryPeriodHasItsCurrentRun(table, rows);
    }

    private static CliHarness.Outcome ok(CliHarness.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        return outcome;
    }

    private static String path(String table, String... period) {
        return ok(CliHarness.run(concat(new String[] {"runs", "path", table}, period))).out().strip();
    }

    /** Each period's current run holds that day's rows. */
    private static void assertEveryPeriodHasItsCurrentRun(String table, Map<String, Integer> rows) {
        rows.forEach((day, count) -> assertThat(CliHarness.spark().read().parquet(path(table, "--date", day)).count())
                .as("the current run of %s", day).isEqualTo(count.longValue()));
    }

    @Test
    void backfillWithSkipMissingStepsOverADayWithoutInputAndListsIt() throws Exception {
        Path landing = tmp.resolve("landing");
        for (String day : new String[] {"2026-11-24", "2026-11-26"}) {
            CliHarness.spark().read().parquet(CliHarness.data("wine")).write()
                    .parquet(landing.resolve("date=" + day).toString());
        }
        String table = tmp.resolve("predictions").toString();

        CliHarness.Outcome backfill = CliHarness.run("score", "--model", CliHarness.model("wine_mlp"), "--input",
                landing + "/date={date}", "--output", table, "--from", "2026-11-24", "--to", "2026-11-27",
                "--skip-missing");

        assertThat(backfill.exitCode()).as(backfill.err()).isZero();
        assertThat(backfill.out()).contains("run 2026-11-24 scored 178 rows", "run 2026-11-26 scored 178 rows",
                "coldpath: skipped 2026-11-25: ", "date=2026-11-25 does not exist (yet)",
                "coldpath: backfill scored 2 of 4 periods; skipped (input missing): 2026-11-25, 2026-11-27");
        String secondDay = backfill.out().substring(backfill.out().indexOf("run 2026-11-26 scored"));
        assertThat(secondDay).as("the second day's summary, on the local runner (runner: auto)").contains(
                "sessions  reused: the local runner found the model's session open in this JVM, from an earlier run",
                "runner    local (runner: auto");
        assertThat(CliHarness.run("runs", "list", table).out()).contains("2026-11-24", "2026-11-26")
                .doesNotContain("2026-11-25");
        CliHarness.Outcome local = CliHarness.run("score", "--model", CliHarness.model("wine_mlp"), "--input",
                landing + "/date={date}", "--output", tmp.resolve("local").toString(), "--from", "2026-11-23",
                "--to", "2026-11-24", "--skip-missing", "--runner", "local");
        assertThat(local.exitCode()).as(local.err()).isZero();
        assertThat(local.out()).as("runner: local as asked, though the first period is missing")
                .contains("run 2026-11-24 scored 178 rows", "runner    local (runner: local)");
    }

    @Test
    void backfillMakesOneRunPerDayAndStopsAtTheFirstMissingInput() throws Exception {
        Path landing = tmp.resolve("landing");
        for (String day : new String[] {"2026-11-01", "2026-11-02"}) {
            CliHarness.spark().read().parquet(CliHarness.data("wine")).write()
                    .parquet(landing.resolve("date=" + day).toString());
        }
        String table = tmp.resolve("predictions").toString();
        String[] args = {"score", "--model", CliHarness.model("wine_mlp"), "--input", landing + "/date={date}",
            "--output", table};

        CliHarness.Outcome two = CliHarness.run(concat(args, "--from", "2026-11-01", "--to", "2026-11-02"));
        CliHarness.Outcome three = CliHarness.run(concat(args, "--from", "2026-11-01", "--to", "2026-11-03"));

        assertThat(two.exitCode()).as(two.err()).isZero();
        assertThat(two.out()).contains("run 2026-11-01 scored 178 rows").contains("run 2026-11-02 scored 178 rows");
        assertThat(three.exitCode()).isEqualTo(3);
        assertThat(CliHarness.run("runs", "list", table).out()).contains("2026-11-01").contains("* 2026-11-02")
                .doesNotContain("2026-11-03");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aModelWhoseRegisteredBytesWereChangedIsRefused() throws Exception {
        String registry = tmp.resolve("registry").toString();
        assertThat(CliHarness.run("models", "register", CliHarness.model("wine_mlp"), "--name", "wine", "--version",
                "1.0.0", "--registry", registry).exitCode()).isZero();
        Path stored = tmp.resolve("registry/wine/1.0.0/model.onnx");
        Files.write(stored, new byte[] {0}, StandardOpenOption.APPEND);

        CliHarness.Outcome out = CliHarness.run("score", "--model", "wine@1.0.0", "--registry", registry,
                "--input", CliHarness.data("wine"), "--output", tmp.resolve("t").toString());

        assertThat(out.exitCode()).as(out.err()).isEqualTo(2);
        assertThat(out.err()).contains("but the job expects").contains("tampered");
        assertThat(tmp.resolve("t")).doesNotExist();
    }
}
