package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.spec.JobKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The job-key table in the usage help of the commands that take a job file. No Spark. */
class JobKeysHelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"run", "validate", "submit"})
    void helpOfACommandThatTakesAJobFileListsEveryJobKeyAsWritten(String command) {
        StringWriter out = new StringWriter();

        int code = Coldpath.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), command,
                "--help");

        String help = out.toString();
        assertThat(code).isZero();
        assertThat(help).contains("Job keys (for the job file and --set; docs/job-keys.md has the same table):",
                "Inference", "  inference.batch-size ", "rows per ONNX Runtime call", "Executors",
                "  executor.sessions.max ", "${java.io.tmpdir}/coldpath-models", "  features.<input> ",
                "  spark.<key> ");
        for (JobKey<?> key : JobKey.all()) {
            assertThat(help).contains("  " + key.displayName() + " ");
        }
        assertThat(help.lines()).allMatch(l -> l.length() <= 80 || !l.strip().contains(" "));
    }
}
