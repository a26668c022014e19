package dev.coldpath.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.JobSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobConfigTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void nestedMapsBecomeDottedKeysWithStringValues() throws IOException {
        JobConfig config = JobConfig.load(write("""
                inference:
                  batch-size: 256
                  device: cpu
                output:
                  columns: [a, b]
                """));

        assertThat(config.asMap()).isEqualTo(Map.of("inference.batch-size", "256", "inference.device", "cpu",
                "output.columns", List.of("a", "b")));
    }

    @Test
    void unknownKeyInFileIsRejectedWithItsNameAndTheKnownKeys() throws IOException {
        Path file = write("""
                model: m.onnx
                inference:
                  batch-sise: 10
                """);

        assertThatThrownBy(() -> JobConfig.load(file))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Unknown key 'inference.batch-sise' in job file " + file
                        + ": did you mean inference.batch-size? (known keys: ")
                .hasMessageContaining("inference.batch-size")
                .hasMessageContaining("features.*")
                .hasMessageContaining("spark.*");
    }

    static Stream<Arguments> unknownKeys() {
        return Stream.of(
                Arguments.of("output.colums=a", ": did you mean output.columns?"),
                Arguments.of("batch-size=3", ": did you mean inference.batch-size?"),
                Arguments.of("features.=a", ": did you mean features.<input>?"),
                Arguments.of("spark.=x", ": did you mean spark.<key>?"),
                Arguments.of("Model=m.onnx", ": did you mean model?"),
                Arguments.of("inference=cpu", ": did you mean one of inference.batch-size, inference.threads,"
                        + " inference.device?"),
                Arguments.of("colour=red", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownKeys")
    void unknownKeyInSetIsRejectedWithItsNameTheNearestKnownKeyAndTheKnownKeys(String assignment,
                                                                                String suggestion) {
        String key = assignment.substring(0, assignment.indexOf('='));

        assertThatThrownBy(() -> JobConfig.parseAssignments(List.of("model=m.onnx", assignment), "--set"))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Unknown key '" + key + "' in --set" + suggestion
                        + " (known keys: name, model, ")
                .hasMessageContaining(", inference.batch-size, ")
                .hasMessageEndingWith(", features.*, spark.*)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch-size", "=3", ""})
    void assignmentWithoutKeyOrEqualsIsRejected(String assignment) {
        assertThatThrownBy(() -> JobConfig.parseAssignments(List.of(assignment), "--set"))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("Invalid --set '" + assignment + "': expected key=value");
    }

    @Test
    void valueMayContainEqualsSigns() {
        JobConfig config = JobConfig.parseAssignments(List.of("spark.driver.extraJavaOptions=-Da=b -Dc=d"), "--set");

        assertThat(config.string("spark.driver.extraJavaOptions")).isEqualTo("-Da=b -Dc=d");
    }

    @Test
    void invalidYamlGivesOneLineMessageWithLineNumber() throws IOException {
        Path file = write("""
                model: m.onnx
                input:
                  path: [unclosed
                output.path: /out
                """);

        assertThatThrownBy(() -> JobConfig.load(file))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Job file " + file + " is not valid YAML: ")
                .hasMessageMatching("[^\\n]*\\(line \\d+\\)")
                .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
    }

    @Test
    void badIndentationReportsTheLineWhereItIsFound() throws IOException {
        Path file = write("model: m.onnx\ninput:\n  path: /in\n   bad: x\n");

        assertThatThrownBy(() -> JobConfig.load(file))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("is not valid YAML: ")
                .hasMessageEndingWith("(line 4)");
    }

    @Test
    void yamlThatIsNotAMappingIsRejected() throws IOException {
        Path file = write("- model\n- input\n");

        assertThatThrownBy(() -> JobConfig.load(file))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("Job file " + file + " must be a YAML mapping of keys to values");
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("absent.yaml");

        assertThatThrownBy(() -> JobConfig.load(file))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("Job file " + file + " not found");
    }

    @Test
    void nullDocumentIsAnEmptyConfig() throws IOException {
        assertThat(JobConfig.load(write("~\n")).asMap()).isEmpty();
        assertThat(JobConfig.load(write("--- null\n")).asMap()).isEmpty();
    }

    static Stream<Arguments> badFileValues() {
        return Stream.of(
                Arguments.of("model:\n", "Invalid model: no value"),
                Arguments.of("output:\n  columns: [a, [b]]\n", "Invalid output.columns: [a, [b]] (must be a list of names)"),
                Arguments.of("output:\n  columns: [a, null]\n", "Invalid output.columns: [a, null] (must be a list of"
                        + " names)"),
                Arguments.of("features:\n  input: {}\n", "Invalid features.input: {} (must be a value, not a mapping)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badFileValues")
    void valueOfTheWrongShapeIsRejectedNamingTheKey(String yaml, String message) throws IOException {
        Path file = write(yaml);

        assertThatThrownBy(() -> JobConfig.load(file)).isInstanceOf(JobSpecException.class).hasMessage(message);
    }

    @Test
    void listParsingAcceptsCommasBracketsAndYamlLists() {
        JobConfig config = JobConfig.of(Map.of(
                "output.columns", "a,b",
                "output.keep-columns", "[a, b]",
                "features", List.of("a", "b"),
                "features.x", " [ a ,b ] ",
                "features.y", "[]",
                "features.z", "a"), "test");

        assertThat(config.list("output.columns")).containsExactly("a", "b");
        assertThat(config.list("output.keep-columns")).containsExactly("a", "b");
        assertThat(config.list("features")).containsExactly("a", "b");
        assertThat(config.list("features.x")).containsExactly("a", "b");
        assertThat(config.list("features.y")).isEmpty();
        assertThat(config.list("features.z")).containsExactly("a");
        assertThat(config.list("output.prefix")).isNull();
    }

    @Test
    void yamlScalarsOfAnyTypeBecomeStrings() throws IOException {
        JobConfig config = JobConfig.load(write("inference: {batch-size: 64}\nspark.x: true\nfeatures: [1, 2.5]\n"));

        assertThat(config.string("inference.batch-size")).isEqualTo("64");
        assertThat(config.string("spark.x")).isEqualTo("true");
        assertThat(config.list("features")).containsExactly("1", "2.5");
    }

    @Test
    void overriddenByLetsTheOtherWinOnlyWhereBothSetAKey() {
        JobConfig file = JobConfig.of(Map.of("model", "file.onnx", "output.prefix", "f_"), "file");
        JobConfig cli = JobConfig.of(Map.of("model", "cli.onnx", "inference.threads", "2"), "cli");

        JobConfig merged = file.overriddenBy(cli);

        assertThat(merged.asMap()).isEqualTo(Map.of("model", "cli.onnx", "output.prefix", "f_",
                "inference.threads", "2"));
        assertThat(cli.overriddenBy(file).string("model")).isEqualTo("file.onnx");
        assertThat(file.string("model")).as("the original is unchanged").isEqualTo("file.onnx");
    }

    @Test
    void withPrefixStripsThePrefixAndKeepsOnlyKeysBelowIt() {
        JobConfig config = JobConfig.parseAssignments(List.of("features=a", "features.x=b", "features.y=c",
                "spark.k=v"), "--set");

        assertThat(config.withPrefix("features")).isEqualTo(Map.of("x", "b", "y", "c"));
        assertThat(config.withPrefix("features").keySet()).containsExactly("x", "y");
        assertThat(config.has("features")).isTrue();
        assertThat(config.has("output.path")).isFalse();
    }
}
