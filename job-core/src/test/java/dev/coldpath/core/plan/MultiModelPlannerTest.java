package dev.coldpath.core.plan;

import static dev.coldpath.core.testing.Plans.columns;
import static dev.coldpath.core.testing.Plans.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.coldpath.core.batch.Stack;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.route.CanaryRouting;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.Budget;
import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.spec.Role;
import dev.coldpath.core.spec.RoutingSpec;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.SampleModels;
import dev.coldpath.core.testing.TestGraphs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The preflight of a job with several models, on the real sample models: each binding on its own, then together. */
class MultiModelPlannerTest {
    private static byte[] logreg;
    private static byte[] trees;
    private static byte[] wine;

    @BeforeAll
    static void models() {
        logreg = SampleModels.bytes(SampleModels.LOGREG);
        trees = SampleModels.bytes(SampleModels.TREES);
        wine = SampleModels.bytes(SampleModels.WINE);
    }

    /** The breast-cancer table (id, f0..f29, diagnosis), a wine-like array column, and a string and a float key. */
    private static RowSchema table() {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column("id", ColumnType.LONG));
        cols.addAll(columns("f", 30, ColumnType.FLOAT));
        cols.add(new Column("diagnosis", ColumnType.INT));
        cols.add(new Column("wine", ColumnType.arrayOf(ColumnType.FLOAT)));
        cols.add(new Column("region", ColumnType.STRING));
        cols.add(new Column("score", ColumnType.DOUBLE));
        return new RowSchema(cols);
    }

    private static ScoringPlanner.BindingRequest binding(String name, Role role, byte[] model, String prefix,
                                                         Map<String, List<String>> features, String... outputs) {
        return new ScoringPlanner.BindingRequest(name, role, Plans.artifact(name + ".onnx", model),
                Plans.signature(model), features, Map.<String, Encoder>of(), new Stack(), List.of(outputs), prefix, 0,
                1, Device.CPU);
    }

    private static ScoringPlanner.BindingRequest breastCancer(String name, Role role, byte[] model) {
        return binding(name, role, model, "", Map.of(ScoringPlanner.SOLE_INPUT, names("f", 30)));
    }

    private static ScoringPlanner.Request request(RowSchema schema, RoutingSpec routing,
                                                  ScoringPlanner.BindingRequest... bindings) {
        return new ScoringPlanner.Request(new ScoringInput("mem:input", schema), List.of(bindings), routing,
                Optional.empty(), new ParquetRunTable("mem:table", PromotePolicy.ON_SUCCESS, false, ""), BadRows.FAIL,
                Budget.NONE);
    }

    private static RoutingSpec routing(double percent, String... key) {
        return new RoutingSpec(Optional.of(percent), List.of(key));
    }

    @Test
    void championShadowAndCanaryArePlannedEachOnItsOwnInputs() throws Exception {
        ScoringPlan plan = ScoringPlanner.plan(request(table(), routing(10, "id", "region"),
                breastCancer("current", Role.CHAMPION, logreg),
                binding("grapes", Role.SHADOW, wine, "wine_", Map.of("", List.of("wine"))),
                breastCancer("next", Role.CANARY, logreg),
                breastCancer("forest", Role.SHADOW, trees)));

        assertThat(plan.bindings()).extracting(ModelBinding::name).containsExactly("current", "grapes", "next",
                "forest");
        assertThat(plan.bindings()).extracting(ModelBinding::role)
                .containsExactly(Role.CHAMPION, Role.SHADOW, Role.CANARY, Role.SHADOW);
        assertThat(plan.binding().name()).isEqualTo("current");
        ModelBinding grapes = plan.bindings().get(1);
        assertThat(grapes.encoders()).singleElement().satisfies(e -> assertThat(e.columns()).containsExactly("wine"));
        assertThat(plan.bindings().get(3).encoders().get(0).columns()).isEqualTo(names("f", 30));
        assertThat(plan.output().keepColumns()).as("the champion's non-features: a shadow never changes them")
                .containsExactly("id", "diagnosis", "wine", "region", "score");
        assertThat(plan.outputSchema().toString()).endsWith("score double, probability float");
        assertThat(plan.schemaOf(grapes).toString())
                .endsWith("score double, wine_probabilities array<float>, wine_label bigint");
        assertThat(plan.schemaOf(plan.bindings().get(3)).toString())
                .endsWith("score double, label bigint, probabilities map<bigint,float>");
        assertThat(plan.routing()).isEqualTo(new CanaryRouting(List.of(new Column("id", ColumnType.LONG),
                new Column("region", ColumnType.STRING)), 1000));
        assertThat(plan.sessionsPerExecutor()).as("the logistic regression serves two bindings").isEqualTo(3);
        ScoringPlan copy = ScoringPlanSerializationTest.roundTrip(plan);
        assertThat(copy.routing()).isEqualTo(plan.routing());
        assertThat(copy.bindings()).extracting(ModelBinding::name, ModelBinding::role, ModelBinding::decoders)
                .isEqualTo(plan.bindings().stream().map(b -> Tuple.tuple(b.name(), b.role(),
                        b.decoders())).toList());
    }

    @Test
    void aShadowWritingTheChampionsColumnsFromTheSameOutputsIsAllowedForItLivesInItsOwnDirectory() {
        ScoringPlan plan = ScoringPlanner.plan(request(table(), RoutingSpec.NONE,
                breastCancer("v14", Role.CHAMPION, trees), breastCancer("v15", Role.SHADOW, trees)));

        assertThat(plan.schemaOf(plan.bindings().get(1))).isEqualTo(plan.outputSchema());
        assertThat(plan.routing()).isEqualTo(CanaryRouting.NONE);
    }

    @Test
    void aOneModelRequestPlansAsBeforeWithItsChampionNamedChampion() {
        ScoringPlan plan = Plans.request(logreg, table()).sole(names("f", 30)).plan();

        assertThat(plan.bindings()).singleElement().satisfies(b -> {
            assertThat(b.name()).isEqualTo("champion");
            assertThat(b.role()).isEqualTo(Role.CHAMPION);
        });
    }

    static Stream<Arguments> preflightFailures() {
        RowSchema withY = new RowSchema(Stream.concat(table().columns().stream(),
                Stream.of(new Column("y", ColumnType.FLOAT))).toList());
        byte[] identity = TestGraphs.identity(DataType.FLOAT, TestGraphs.N);
        return Stream.of(
                failure("a routing key that is not a column", () -> request(table(), routing(10, "customer_id"),
                                breastCancer("a", Role.CHAMPION, logreg), breastCancer("b", Role.CANARY, logreg)),
                        "Invalid routing.key: column 'customer_id' not found in the input (input columns: id bigint,"),
                failure("a routing key of floating point", () -> request(table(), routing(10, "id", "score"),
                                breastCancer("a", Role.CHAMPION, logreg), breastCancer("b", Role.CANARY, logreg)),
                        "Invalid routing.key: column 'score' is double; a routing key is made of integer, string and"
                                + " boolean columns"),
                failure("a canary with other outputs", () -> request(table(), routing(10, "id"),
                                breastCancer("a", Role.CHAMPION, logreg), breastCancer("b", Role.CANARY, trees)),
                        "Canary b writes [label bigint, probabilities map<bigint,float>] but champion a writes"
                                + " [probability float]: a canary publishes in the champion's place, so its columns"
                                + " and their types must be the same (choose its outputs with"
                                + " models.b.output.columns and .output.prefix, or run it as a shadow)"),
                failure("a canary with another prefix", () -> request(table(), routing(10, "id"),
                                breastCancer("a", Role.CHAMPION, logreg),
                                binding("b", Role.CANARY, logreg, "v2_", Map.of("", names("f", 30)))),
                        "Canary b writes [v2_probability float] but champion a writes [probability float]"),
                failure("a shadow whose input has no columns", () -> request(table(), RoutingSpec.NONE,
                                breastCancer("a", Role.CHAMPION, logreg), binding("w", Role.SHADOW, wine, "w_",
                                        Map.of())),
                        "Model w (shadow, mem:w.onnx): Model input 'features' float[N,13] has no columns: set"
                                + " features.features"),
                failure("a shadow fed too few columns", () -> request(table(), RoutingSpec.NONE,
                                breastCancer("a", Role.CHAMPION, logreg), binding("w", Role.SHADOW, wine, "w_",
                                        Map.of("", List.of("region")))),
                        "Model w (shadow, mem:w.onnx): Model input 'features' float[N,13] expects 13 feature"
                                + " columns, but 1 were given: [region]"),
                failure("prefixes that make two outputs one column", () -> request(table(), RoutingSpec.NONE,
                                breastCancer("a", Role.CHAMPION, logreg), binding("s", Role.SHADOW, identity,
                                        "probabilit", Map.of("", List.of("f0")))),
                        "Models a and s both write column 'probability', from different outputs ('probability' and"
                                + " 'y'): their output prefixes ('' and 'probabilit') collide; give one of them"
                                + " another models.<name>.output.prefix"),
                failure("a shadow column named like a kept column", () -> request(withY, RoutingSpec.NONE,
                                breastCancer("a", Role.CHAMPION, logreg), binding("s", Role.SHADOW, identity, "",
                                        Map.of("", List.of("f0")))),
                        "Model s writes column 'y', which is also a kept input column: set models.s.output.prefix"
                                + " (e.g. s_) or leave the column out of output.keep-columns"),
                failure("a kept input column named served_by", () -> request(new RowSchema(Stream.concat(
                                table().columns().stream(), Stream.of(new Column("served_by", ColumnType.STRING)))
                                .toList()), RoutingSpec.NONE, breastCancer("a", Role.CHAMPION, logreg),
                                breastCancer("b", Role.SHADOW, trees)),
                        "Input column 'served_by' would be kept, but a job with several models adds a column of that"
                                + " name"),
                failure("a column named served_by", () -> request(table(), RoutingSpec.NONE,
                                breastCancer("a", Role.CHAMPION, logreg), binding("s", Role.SHADOW, identity,
                                        "served_b", Map.of("", List.of("f0")))),
                        "Model s writes column 'served_by', which is the column naming the model that served each"
                                + " row"));
    }

    private static Arguments failure(String name, Supplier<ScoringPlanner.Request> request, String message) {
        return Arguments.of(name, request, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("preflightFailures")
    void preflightRefusesWithOneLineNamingTheModelAndTheRule(String name, Supplier<ScoringPlanner.Request> request,
                                                             String message) {
        assertThatThrownBy(() -> ScoringPlanner.plan(request.get()))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((JobSpecException) e).fault()).isEqualTo(Fault.USER))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
