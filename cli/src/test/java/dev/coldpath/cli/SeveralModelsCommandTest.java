package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A job with several models through the real commands: validate checks it; each bad one is a one-line exit 2. */
class SeveralModelsCommandTest {
    @TempDir
    Path tmp;

    private Path job(String models) throws Exception {
        Path job = tmp.resolve("job.yaml");
        Files.writeString(job, models.replace("LOGREG", CliHarness.model("breast_cancer_logreg"))
                .replace("TREES", CliHarness.model("breast_cancer_trees"))
                + "features: [" + CliHarness.BREAST_CANCER_FEATURES + "]\n"
                + "input: {path: " + CliHarness.data("breast_cancer") + "}\noutput: {path: " + tmp.resolve("table")
                + "}\n");
        return job;
    }

    private static final String CHAMPION_AND_SHADOW = """
            models:
              - {name: current, model: LOGREG, role: champion}
              - {name: forest, model: TREES, role: shadow}
            """;

    @Test
    void validateChecksEveryModelAndReadsNothing() throws Exception {
        CliHarness.Outcome validate = CliHarness.run("validate", job(CHAMPION_AND_SHADOW).toString());

        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(validate.out()).contains("is valid")
                .contains("  shadow    forest: ").contains("writes label string, probabilities map<string,float>");
        CliHarness.Outcome canary = CliHarness.run("validate", job("""
                models:
                  - {name: current, model: LOGREG, role: champion}
                  - {name: next, model: LOGREG, role: canary}
                routing: {canary-percent: 12.5, key: [id]}
                """).toString());
        assertThat(canary.out()).as(canary.err()).contains("  canary    next: ")
                .contains("  routing   12.5 % of keys (id) to the canary");
        assertThat(tmp.resolve("table")).doesNotExist();
    }

    static Stream<Arguments> badJobs() {
        return Stream.of(
                Arguments.of("two champions", """
                        models:
                          - {name: a, model: LOGREG, role: champion}
                          - {name: b, model: TREES, role: champion}
                        """, "coldpath: Models a, b all have role champion"),
                Arguments.of("a canary without routing.key", """
                        models:
                          - {name: a, model: LOGREG, role: champion}
                          - {name: b, model: LOGREG, role: canary}
                        routing: {canary-percent: 10}
                        """, "coldpath: Missing routing.key: canary b"),
                Arguments.of("a routing key that is not a column", """
                        models:
                          - {name: a, model: LOGREG, role: champion}
                          - {name: b, model: LOGREG, role: canary}
                        routing: {canary-percent: 10, key: [customer_id]}
                        """, "coldpath: Invalid routing.key: column 'customer_id' not found in the input"),
                Arguments.of("a canary whose outputs differ", """
                        models:
                          - {name: a, model: LOGREG, role: champion}
                          - {name: b, model: TREES, role: canary}
                        routing: {canary-percent: 10, key: [id]}
                        """, "coldpath: Canary b writes [label string, probabilities map<string,float>] but champion a"
                        + " writes [probability float]"),
                Arguments.of("a shadow whose inputs cannot be fed", """
                        models:
                          - {name: a, model: LOGREG, role: champion}
                          - {name: b, model: TREES, role: shadow, features: [id, diagnosis]}
                        """, "coldpath: Model b (shadow, "),
                Arguments.of("two models with one name", """
                        models:
                          - {name: a, model: LOGREG, role: champion}
                          - {name: a, model: TREES, role: shadow}
                        """, "two entries are named 'a'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJobs")
    void aBadJobIsAOneLineErrorWithExitTwoAndNothingWritten(String what, String models, String message)
            throws Exception {
        CliHarness.Outcome out = CliHarness.run("validate", job(models).toString());

        assertThat(out.exitCode()).as(out.err()).isEqualTo(2);
        assertThat(out.err().strip()).contains(message).doesNotContain("\n");
        assertThat(tmp.resolve("table")).doesNotExist();
    }
}
