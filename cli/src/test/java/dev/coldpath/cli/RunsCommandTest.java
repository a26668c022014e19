package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
                .isEqualTo("file:" + table + "/model_version=sha256-3fa7baf2918f/run_id=r1");
    }
}
