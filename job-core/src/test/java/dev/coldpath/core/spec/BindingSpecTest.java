package dev.coldpath.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.plan.ScoringPlanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code models:} list and {@code routing:} of a job file, and the rules on roles checked before anything runs. */
class BindingSpecTest {
    @TempDir
    Path dir;

    private JobSpec load(String yaml) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, yaml);
        return JobSpec.from(JobConfig.load(file));
    }

    @Test
    void modelsListBecomesNamedBindingsInOrderWithTheJobLevelKeysWhereAnEntrySetsNone() throws IOException {
        JobSpec spec = load("""
                models:
                  - {name: champion, model: churn@1.4.0, role: champion}
                  - {name: challenger, model: churn@1.5.0, role: canary, output: {prefix: ""}}
                  - name: wide
                    model: /m/wide.onnx
                    role: shadow
                    features: {input: [a, b, c], mask: [m]}
                    output: {columns: [label], prefix: wide_}
                routing: {canary-percent: 10, key: [customer_id]}
                features: [a, b]
                output: {path: /out, prefix: p_, columns: [probability]}
                input: {path: /in}
                """);

        assertThat(spec.models()).extracting(BindingSpec::name).containsExactly("champion", "challenger", "wide");
        assertThat(spec.models()).extracting(BindingSpec::role)
                .containsExactly(Role.CHAMPION, Role.CANARY, Role.SHADOW);
        assertThat(spec.models().get(0).model()).isEqualTo(new ModelSpec("churn@1.4.0", Optional.empty(),
                Map.of(ScoringPlanner.SOLE_INPUT, List.of("a", "b")), List.of("probability"), "p_"));
        assertThat(spec.models().get(1).model()).as("its own prefix, the job's features and columns")
                .isEqualTo(new ModelSpec("churn@1.5.0", Optional.empty(),
                        Map.of(ScoringPlanner.SOLE_INPUT, List.of("a", "b")), List.of("probability"), ""));
        assertThat(spec.models().get(2).model()).as("its own features replace all of the job's")
                .isEqualTo(new ModelSpec("/m/wide.onnx", Optional.empty(), Map.of("input", List.of("a", "b", "c"),
                        "mask", List.of("m")), List.of("label"), "wide_"));
        assertThat(spec.routing()).isEqualTo(new RoutingSpec(Optional.of(10.0), List.of("customer_id")));
        assertThat(spec.champion().name()).isEqualTo("champion");
        assertThat(spec.model().source()).isEqualTo("churn@1.4.0");
        assertThat(spec.name()).as("named after the champion's model").isEqualTo("churn");
    }

    @Test
    void modelsMayAlsoBeAMappingByNameOrDottedKeys() throws IOException {
        JobSpec mapping = load("""
                models:
                  current: {model: /m/a.onnx, role: champion}
                  next: {model: /m/b.onnx, role: shadow}
                input.path: /in
                output.path: /out
                """);
        JobSpec dotted = JobSpec.from(JobConfig.parseAssignments(List.of("models.current.model=/m/a.onnx",
                "models.current.role=champion", "models.next.model=/m/b.onnx", "models.next.role=shadow",
                "input.path=/in", "output.path=/out"), "--set"));

        assertThat(mapping.models()).isEqualTo(dotted.models());
        assertThat(dotted.models()).extracting(BindingSpec::name).containsExactly("current", "next");
    }

    @Test
    void aOneModelJobIsItsChampionNamedChampionAndShowsAsBefore() {
        JobSpec spec = JobSpec.from(JobConfig.parseAssignments(List.of("model=/m/churn.onnx", "input.path=/in",
                "output.path=/out"), "--set"));

        assertThat(spec.models()).singleElement().satisfies(b -> {
            assertThat(b.name()).isEqualTo(BindingSpec.SHORTHAND);
            assertThat(b.role()).isEqualTo(Role.CHAMPION);
        });
        assertThat(spec.routing()).isEqualTo(RoutingSpec.NONE);
        assertThat(spec.redacted()).containsEntry("model", "/m/churn.onnx")
                .noneSatisfy((key, value) -> assertThat(key).startsWith("models."))
                .doesNotContainKeys("routing.key", "routing.canary-percent");
    }

    @Test
    void aJobWithSeveralModelsShowsEachBindingsKeysInItsManifest() throws IOException {
        JobSpec spec = load("""
                models:
                  - {name: a, model: /m/a.onnx, role: champion}
                  - {name: b, model: /m/b.onnx, role: canary, features: [x]}
                routing: {canary-percent: 2.5, key: [id]}
                input.path: /in
                output.path: /out
                """);

        assertThat(spec.redacted())
                .containsEntry("models.a.model", "/m/a.onnx")
                .containsEntry("models.a.role", "champion")
                .containsEntry("models.b.role", "canary")
                .containsEntry("models.b.features", List.of("x"))
                .containsEntry("models.b.output.prefix", "")
                .containsEntry("routing.canary-percent", 2.5)
                .containsEntry("routing.key", List.of("id"));
    }

    static Stream<Arguments> badJobs() {
        String io = "input.path: /in\noutput.path: /out\n";
        return Stream.of(
                Arguments.of("two champions", """
                        models:
                          - {name: a, model: /m/a.onnx, role: champion}
                          - {name: b, model: /m/b.onnx, role: champion}
                        """ + io, "Models a, b all have role champion: a job publishes exactly one champion's"
                        + " predictions (give the others role shadow or canary)"),
                Arguments.of("no champion", """
                        models:
                          - {name: a, model: /m/a.onnx, role: shadow}
                        """ + io, "No model has role champion: a job publishes exactly one champion's"),
                Arguments.of("two canaries", """
                        models:
                          - {name: a, model: /m/a.onnx, role: champion}
                          - {name: b, model: /m/b.onnx, role: canary}
                          - {name: c, model: /m/c.onnx, role: canary}
                        routing: {canary-percent: 5, key: [id]}
                        """ + io, "Models b, c all have role canary: a job has at most one canary"),
                Arguments.of("canary without routing.key", """
                        models:
                          - {name: a, model: /m/a.onnx, role: champion}
                          - {name: b, model: /m/b.onnx, role: canary}
                        routing: {canary-percent: 5}
                        """ + io, "Missing routing.key: canary b publishes the rows of a stable share of keys"),
                Arguments.of("canary without routing.canary-percent", """
                        models:
                          - {name: a, model: /m/a.onnx, role: champion}
                          - {name: b, model: /m/b.onnx, role: canary}
                        routing: {key: [id]}
                        """ + io, "Missing routing.canary-percent: the percent of keys canary b publishes"),
                Arguments.of("routing without a canary", """
                        models:
                          - {name: a, model: /m/a.onnx, role: champion}
                          - {name: b, model: /m/b.onnx, role: shadow}
                        routing: {key: [id]}
                        """ + io, "routing.key is set but no model has role canary"),
                Arguments.of("percent finer than 0.01", """
                        models:
                          - {name: a, model: /m/a.onnx, role: champion}
                          - {name: b, model: /m/b.onnx, role: canary}
                        routing: {canary-percent: 12.345, key: [id]}
                        """ + io, "Invalid routing.canary-percent: 12.345 (must be a number from 0 to 100 in steps"),
                Arguments.of("percent over 100", """
                        models:
                          - {name: a, model: /m/a.onnx, role: champion}
                          - {name: b, model: /m/b.onnx, role: canary}
                        routing: {canary-percent: 101, key: [id]}
                        """ + io, "Invalid routing.canary-percent: 101 (must be a number from 0.0 to 100.0)"),
                Arguments.of("two entries with one name", """
                        models:
                          - {name: a, model: /m/a.onnx, role: champion}
                          - {name: a, model: /m/b.onnx, role: shadow}
                        """ + io, "two entries are named 'a' (each model needs a name of its own)"),
                Arguments.of("names that differ only in case", """
                        models:
                          - {name: next, model: /m/a.onnx, role: champion}
                          - {name: Next, model: /m/b.onnx, role: shadow}
                        """ + io, "two entries are named 'next' and 'Next'"),
                Arguments.of("an entry without a name", """
                        models:
                          - {model: /m/a.onnx, role: champion}
                        """ + io, "Invalid models[0] in job file"),
                Arguments.of("a name that is not a path segment", """
                        models:
                          - {name: "a/b", model: /m/a.onnx, role: champion}
                        """ + io, "Invalid models[0].name: 'a/b' (must be letters, digits, '_' and '-'"),
                Arguments.of("model and models", """
                        model: /m/x.onnx
                        models:
                          - {name: a, model: /m/a.onnx, role: champion}
                        """ + io, "Both model and models are set"),
                Arguments.of("an entry without a role", """
                        models:
                          - {name: a, model: /m/a.onnx}
                        """ + io, "Missing models.a.role: champion: publishes"),
                Arguments.of("an entry without a model", """
                        models:
                          - {name: a, role: champion}
                        """ + io, "Missing models.a.model: the binding's ONNX model"),
                Arguments.of("an unknown role", """
                        models:
                          - {name: a, model: /m/a.onnx, role: challenger}
                        """ + io, "Invalid models.a.role: challenger (must be one of [champion, shadow, canary])"),
                Arguments.of("a misspelt field", """
                        models:
                          - {name: a, model: /m/a.onnx, role: champion, ouput: {prefix: x}}
                        """ + io, "Unknown key 'models.a.ouput.prefix' in job file"),
                Arguments.of("a list for a binding's prefix", """
                        models:
                          - {name: a, model: /m/a.onnx, role: champion, output: {prefix: [x]}}
                        """ + io, "Invalid models.a.output.prefix: [x] (must be a single value)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJobs")
    void aBadModelsSectionIsAOneLineUserError(String what, String yaml, String message) {
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((JobSpecException) e).fault()).isEqualTo(Fault.USER))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aMisspeltFieldOfAnEntryIsAnsweredWithTheFieldOfThatEntry() {
        assertThatThrownBy(() -> JobConfig.parseAssignments(List.of("models.next.rol=shadow"), "--set"))
                .hasMessageStartingWith("Unknown key 'models.next.rol' in --set: did you mean models.next.role?");
    }
}
