package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A prediction table through {@code coldpath runs}, and what a run reports about its commit. */
class RunsCommandTest {
    @TempDir
    Path tmp;

    private CliHarness.Outcome score(String table, String... more) {
        String[] args = {"score", "--model", CliHarness.model("wine_mlp"), "--input", CliHarness.data("wine"),
            "--output", table};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return CliHarness.run(all);
    }

    @Test
    void aRunCommittedWhosePointerCannotBeMovedSaysSoExits6AndCanBePromotedLater() throws Exception {
        Path table = tmp.resolve("wine");
        Files.createDirectories(table);
        Files.writeString(table.resolve("_coldpath"), "not a directory"); // _coldpath/ cannot be written

        CliHarness.Outcome run = score(table.toString(), "--run-id", "r1");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(6);
        assertThat(run.err().lines().filter(l -> l.startsWith("coldpath:"))).singleElement().asString()
                .startsWith("coldpath: committed as r1, but the current pointer was not moved: ")
                .contains("_coldpath")
                .endsWith("; run `coldpath runs promote file:" + table + " r1`");
        CliHarness.Outcome list = CliHarness.run("runs", "list", table.toString());
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("  r1 ").doesNotContain("* r1");

        Files.delete(table.resolve("_coldpath"));
        CliHarness.Outcome promote = CliHarness.run("runs", "promote", "file:" + table, "r1");

        assertThat(promote.exitCode()).as(promote.err()).isZero();
        assertThat(CliHarness.run("runs", "path", table.toString()).out().strip())
                .isEqualTo("file:" + table + "/run=r1@sha256-3fa7baf2918f");
    }

    /**
     * Staging directories left by runs that died (a kill -9): gc deletes those older than a day and says so, and
     * with --staging-older-than younger ones too; a run's committed data is never among them.
     */
    @Test
    void gcDeletesStagingOfDeadRunsOlderThanADayOrAGivenAgeAndReportsIt() throws Exception {
        Path table = tmp.resolve("wine");
        assertThat(score(table.toString(), "--run-id", "r1").exitCode()).isZero();
        long now = System.currentTimeMillis();
        Path old = Files.createDirectories(table.resolve("_staging/dead-" + (now - 2 * 86_400_000L) + "-0a1b"));
        Path recent = Files.createDirectories(table.resolve("_staging/killed-" + (now - 600_000L) + "-2c3d"));
        Files.writeString(old.resolve("part-0.parquet"), "x");
        Files.writeString(recent.resolve("part-0.parquet"), "x");

        CliHarness.Outcome gc = CliHarness.run("runs", "gc", table.toString(), "--keep", "1");

        assertThat(gc.exitCode()).as(gc.err()).isZero();
        assertThat(gc.out()).as("gc's report").doesNotContain("nothing to delete")
                .contains("deleted staging directories older than 1d: ").contains(old.getFileName().toString())
                .doesNotContain(recent.getFileName().toString());
        assertThat(old).doesNotExist();
        assertThat(recent).as("a younger staging directory may belong to a run still writing").exists();

        CliHarness.Outcome sooner = CliHarness.run("runs", "gc", table.toString(), "--keep", "1",
                "--staging-older-than", "5m");

        assertThat(sooner.exitCode()).as(sooner.err()).isZero();
        assertThat(sooner.out()).contains("deleted staging directories older than 5m: ")
                .contains(recent.getFileName().toString());
        assertThat(recent).doesNotExist();
        assertThat(CliHarness.run("runs", "gc", table.toString(), "--keep", "1").out().strip())
                .isEqualTo("nothing to delete");
        assertThat(CliHarness.run("runs", "path", table.toString()).out().strip()).as("the committed run")
                .contains("/run=r1@");
        CliHarness.Outcome bad = CliHarness.run("runs", "gc", table.toString(), "--keep", "1",
                "--staging-older-than", "soon");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("coldpath: Invalid --staging-older-than: soon (must be a positive"
                + " duration such as 90s, 30m, 2h or PT1H30M)");
    }

    @Test
    void runsOnAPathThatIsNotATableSaysSoWithExit2() throws Exception {
        Path notATable = Files.createDirectories(tmp.resolve("landing/date=2026-11-28"));
        Files.writeString(notATable.resolve("part-0.parquet"), "x");

        for (String command : List.of("list", "show", "path", "rollback", "sql")) {
            CliHarness.Outcome missing = CliHarness.run("runs", command, tmp.resolve("predictons").toString());
            CliHarness.Outcome wrong = CliHarness.run("runs", command, notATable.toString());

            assertThat(missing.exitCode()).as(command).isEqualTo(2);
            assertThat(missing.out()).as(command).isEmpty();
            assertThat(missing.err().strip()).as(command).startsWith("coldpath: Table file:" + tmp.resolve("predictons")
                    + " does not exist (check the path").doesNotContain("\n");
            assertThat(wrong.exitCode()).as(command).isEqualTo(2);
            assertThat(wrong.err().strip()).as(command).isEqualTo("coldpath: file:" + notATable + " is not a prediction"
                    + " table: it holds no runs (run=R@V/) and no _coldpath/ (check the path: a table"
                    + " is what a job's output.path names)");
        }
    }

    @Test
    void showSummarisesTheCurrentRunByDefaultAndListAlignsItsColumns() {
        String table = tmp.resolve("wine").toString();
        assertThat(score(table, "--run-id", "first").exitCode()).isZero();
        assertThat(score(table, "--run-id", "second-with-a-longer-id").exitCode()).isZero();

        CliHarness.Outcome show = CliHarness.run("runs", "show", table);
        CliHarness.Outcome older = CliHarness.run("runs", "show", table, "first");
        CliHarness.Outcome json = CliHarness.run("runs", "show", table, "first", "--json");
        CliHarness.Outcome list = CliHarness.run("runs", "list", table);

        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out().lines()).contains(
                "run       second-with-a-longer-id, current run of the table",
                "period    (none)",
                "rows      178 read, 178 written, 0 rejected")
                .anyMatch(l -> l.startsWith("model     wine_mlp (model version sha256-3fa7baf2918f, sha256 3fa7baf2918f)"))
                .anyMatch(l -> l.startsWith("outputs   probabilities map<string,float>, label string"))
                .anyMatch(l -> l.startsWith("manifest  format 2, written by coldpath "));
        assertThat(older.out()).contains("run       first, not current (the current run of the table is"
                + " second-with-a-longer-id)");
        assertThat(json.out()).startsWith("{").contains("\"run_id\" : \"first\"");
        List<String> lines = list.out().lines().toList();
        assertThat(lines).hasSize(3);
        String header = lines.get(0);
        for (int start : new int[] {header.indexOf("RUN"), header.indexOf("MODEL VERSION"), header.indexOf("ENDED"),
            header.lastIndexOf("MODEL"), header.indexOf("PERIOD")}) {
            assertThat(lines.subList(1, 3)).as("the column at %d starts there in every row", start).allSatisfy(l -> {
                assertThat(l.charAt(start - 1)).isEqualTo(' ');
                assertThat(l.charAt(start)).isNotEqualTo(' ');
            });
        }
        int rowsEnd = header.indexOf("ROWS") + "ROWS".length();
        assertThat(lines.subList(1, 3)).allSatisfy(l -> assertThat(l.substring(rowsEnd - 3, rowsEnd + 1))
                .isEqualTo("178 "));
    }
}
