package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A command line that does not parse: one {@code coldpath:} line naming the culprit and where help is; exit 2. */
class UsageErrorTest {
    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(new String[] {"score", "--model", "m.onnx", "--input", "in", "--ouput", "out"},
                        "Unknown options: '--ouput'", "did you mean '--output'", "try 'coldpath score --help'"),
                Arguments.of(new String[] {"scroe"}, "Unmatched argument at index 0: 'scroe'",
                        "did you mean 'score'", "try 'coldpath --help'"),
                Arguments.of(new String[] {"runs", "lsit", "t"}, "'lsit'", "did you mean 'list'",
                        "try 'coldpath runs --help'"),
                Arguments.of(new String[] {"score", "--model", "m.onnx"}, "Missing required argument",
                        "--input", "try 'coldpath score --help'"),
                Arguments.of(new String[] {"score", "--model", "m.onnx", "--input", "in", "--output", "o",
                        "--batch-size", "many"}, "'many'", "--batch-size", "try 'coldpath score --help'"),
                Arguments.of(new String[] {"models"}, "Missing subcommand", "register",
                        "try 'coldpath models --help'"));
    }

    @ParameterizedTest(name = "{index}: {1}")
    @MethodSource("badCommandLines")
    void aCommandLineThatDoesNotParseIsOneLineNamingTheCulpritFirst(String[] args, String first, String second,
                                                                   String help) {
        CliHarness.Outcome outcome = CliHarness.run(args);

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err().lines()).as(outcome.err()).singleElement().asString()
                .startsWith("coldpath: ").contains(first, second).endsWith(help)
                .doesNotContain("Usage:");
        assertThat(outcome.err().indexOf(first)).isLessThan(outcome.err().indexOf(help));
        assertThat(outcome.out()).isEmpty();
    }
}
