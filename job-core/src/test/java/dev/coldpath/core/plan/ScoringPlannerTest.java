package dev.coldpath.core.plan;

import static dev.coldpath.core.testing.Plans.columns;
import static dev.coldpath.core.testing.Plans.names;
import static dev.coldpath.core.testing.Plans.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.coldpath.core.batch.PadToLongest;
import dev.coldpath.core.batch.Stack;
import dev.coldpath.core.decode.MapDecoder;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.decode.TensorDecoder;
import dev.coldpath.core.encode.ArrayColumn;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.MissingValues;
import dev.coldpath.core.encode.ScalarColumns;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.ColumnType.Kind;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.Budget;
import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.spec.Role;
import dev.coldpath.core.tensor.ElementType;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.SampleModels;
import dev.coldpath.core.testing.TestGraphs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScoringPlannerTest {
    private static final ColumnType FLOATS = ColumnType.arrayOf(ColumnType.FLOAT);
    private static final ColumnType FLOATS2 = ColumnType.arrayOf(FLOATS);
    private static final ColumnType FLOATS3 = ColumnType.arrayOf(FLOATS2);

    private static byte[] logreg;
    private static byte[] wine;
    private static byte[] trees;
    private static byte[] twoInputs;
    private static byte[] rank3;
    private static byte[] symbolic;

    @BeforeAll
    static void models() {
        logreg = SampleModels.bytes(SampleModels.LOGREG);
        wine = SampleModels.bytes(SampleModels.WINE);
        trees = SampleModels.bytes(SampleModels.TREES);
        twoInputs = TestGraphs.twoInputs();
        rank3 = TestGraphs.rank3();
        symbolic = TestGraphs.symbolicInner();
    }

    /** id bigint, f0..f29 float, diagnosis int: the breast-cancer table. */
    private static RowSchema breastCancer(Column... extra) {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column("id", ColumnType.LONG));
        cols.addAll(columns("f", 30, ColumnType.FLOAT));
        cols.add(new Column("diagnosis", ColumnType.INT));
        cols.addAll(List.of(extra));
        return new RowSchema(cols);
    }

    private static List<String> f(int n) {
        return names("f", n);
    }

    private static List<String> with(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    private static final String BREAST_CANCER_COLUMNS = "id bigint, f0 float, f1 float";

    static Stream<Arguments> preflightFailures() {
        List<Column> doubles = new ArrayList<>(columns("d", 30, ColumnType.DOUBLE));
        return Stream.of(
                failure("missing column",
                        () -> Plans.request(logreg, breastCancer()).sole(with(f(29), "f_30")),
                        "Column 'f_30' not found in the input, needed for model input 'input' float[N,30]"
                                + " (input columns: " + BREAST_CANCER_COLUMNS),
                failure("double column for a float input suggests a cast",
                        () -> Plans.request(logreg, new RowSchema(doubles)).sole(names("d", 30)),
                        "Column 'd0' is double but model input 'input' float[N,30] takes float (from columns of type"
                                + " byte, float, short; coldpath converts only without loss: cast the column, e.g."
                                + " CAST(d0 AS FLOAT))"),
                failure("string column for a float input",
                        () -> Plans.request(TestGraphs.identity(DataType.FLOAT, TestGraphs.N),
                                schema("x", ColumnType.STRING)),
                        "Column 'x' is string but model input 'x' float[N] takes float", "CAST(x AS FLOAT)"),
                failure("bigint column for an int32 input",
                        () -> Plans.request(TestGraphs.identity(DataType.INT32, TestGraphs.N, 2),
                                schema("a", ColumnType.LONG, "b", ColumnType.LONG)).sole("a", "b"),
                        "Column 'a' is bigint but model input 'x' int32[N,2] takes int32 (from columns of type byte,"
                                + " int, short;", "CAST(a AS INT)"),
                failure("too few columns for [N,K]",
                        () -> Plans.request(logreg, breastCancer()).sole(f(29)),
                        "Model input 'input' float[N,30] expects 30 feature columns, but 29 were given: [f0, f1,"),
                failure("too many columns for [N,K]",
                        () -> Plans.request(wine, schema("a", ColumnType.FLOAT, "b", ColumnType.FLOAT)).sole("a", "b"),
                        "Model input 'features' float[N,13] expects 13 feature columns, but 2 were given: [a, b]"),
                failure("array column among several columns",
                        () -> Plans.request(logreg, breastCancer(new Column("arr", FLOATS)))
                                .sole(with(List.of("arr"), f(29).toArray(String[]::new))),
                        "Column 'arr' is array<float> but model input 'input' float[N,30] is fed from several"
                                + " columns, which must all be scalars"),
                failure("nested depth mismatch",
                        () -> Plans.request(rank3, schema("cube", FLOATS3)).sole("cube"),
                        "Column 'cube' is array<array<array<float>>> (3 levels of arrays) but model input 'x'"
                                + " float[N,2,3] needs a flat array or 2 levels of nested arrays"),
                failure("array column for an input of shape [N]",
                        () -> Plans.request(TestGraphs.identity(DataType.FLOAT, TestGraphs.N), schema("x", FLOATS)),
                        "Column 'x' is array<float> but model input 'x' float[N] takes one scalar per row"),
                failure("scalar columns for a rank-3 input",
                        () -> Plans.request(rank3, schema("a", ColumnType.FLOAT, "b", ColumnType.FLOAT))
                                .sole("a", "b"),
                        "Cannot feed model input 'x' float[N,2,3] from scalar columns [a, b]: an input of rank 3 needs"
                                + " one array column"),
                failure("several columns for an input of shape [N]",
                        () -> Plans.request(TestGraphs.identity(DataType.FLOAT, TestGraphs.N),
                                schema("a", ColumnType.FLOAT, "b", ColumnType.FLOAT)).sole("a", "b"),
                        "Cannot feed model input 'x' float[N] from 2 columns [a, b]: an input of shape [N] takes"
                                + " exactly one scalar column"),
                failure("flat array with two symbolic inner dimensions",
                        () -> Plans.request(TestGraphs.identity(DataType.FLOAT, TestGraphs.N, "H", "W"),
                                schema("x", FLOATS)),
                        "Cannot feed model input 'x' float[N,H,W] from the flat array column 'x': more than one"
                                + " dimension is symbolic; use a nested array column"),
                failure("columns of different types",
                        () -> Plans.request(TestGraphs.identity(DataType.DOUBLE, TestGraphs.N, 2),
                                schema("a", ColumnType.FLOAT, "b", ColumnType.DOUBLE)).sole("a", "b"),
                        "Columns [a, b] for model input 'x' double[N,2] have different types (a float, b double):"
                                + " give them one type"),
                failure("a column listed twice",
                        () -> Plans.request(logreg, breastCancer()).sole(with(f(29), "f0")),
                        "Invalid features.input: a column is listed twice: [f0, f1,"),
                failure("an empty column list",
                        () -> Plans.request(logreg, breastCancer()).sole(List.of()),
                        "Invalid features.input: empty column list"),
                failure("unsupported input element type",
                        () -> Plans.request(TestGraphs.identity(DataType.UINT8, TestGraphs.N, 2),
                                schema("x", ColumnType.arrayOf(ColumnType.SHORT))),
                        "Cannot feed model input 'x' uint8[N,2]: element type uint8 is not supported (supported:"
                                + " float, double, int64, int32, int16, int8, bool)"),
                failure("unknown model input in features",
                        () -> Plans.request(logreg, breastCancer()).feature("inputs", f(30).toArray(String[]::new)),
                        "Invalid features.inputs: the model has no input 'inputs' (its inputs: input float[N,30])"),
                failure("sole-input features for a multi-input model",
                        () -> Plans.request(twoInputs, schema("a", ColumnType.FLOAT)).sole("a"),
                        "The model has 2 inputs (x float[N,3], y int64[N,2]): map each one by name with"
                                + " features.<input> instead of a single column list"),
                failure("unmapped input without a same-named column",
                        () -> Plans.request(twoInputs, schema("x", FLOATS, "z", ColumnType.arrayOf(ColumnType.LONG))),
                        "Model input 'y' int64[N,2] has no columns: set features.y (or --input-columns) to 2 numeric"
                                + " columns or one array column of that length; input columns: x array<float>,"
                                + " z array<bigint>"),
                failure("unmapped rank-3 input without a same-named column",
                        () -> Plans.request(rank3, schema("cube", FLOATS2)),
                        "Model input 'x' float[N,2,3] has no columns: set features.x (or --input-columns) to one"
                                + " array column; input columns: cube array<array<float>>"),
                failure("unknown output in output.columns",
                        () -> Plans.request(logreg, breastCancer()).sole(f(30)).outputs("probabilty"),
                        "Invalid output.columns: the model has no output 'probabilty' (its outputs: probability"
                                + " float[N])"),
                failure("output listed twice",
                        () -> Plans.request(wine, schema("features", FLOATS)).outputs("label", "label"),
                        "Invalid output.columns: an output is listed twice: [label, label]"),
                failure("keep column missing",
                        () -> Plans.request(logreg, breastCancer()).sole(f(30)).keep("id", "idx"),
                        "Invalid output.keep-columns: column 'idx' not found in the input (input columns: "
                                + BREAST_CANCER_COLUMNS),
                failure("keep column listed twice",
                        () -> Plans.request(logreg, breastCancer()).sole(f(30)).keep("id", "id"),
                        "Invalid output.keep-columns: a column is listed twice: [id, id]"),
                failure("explicit keep column clashing with an output",
                        () -> Plans.request(logreg, breastCancer(new Column("probability", ColumnType.FLOAT)))
                                .sole(f(30)).keep("id", "probability"),
                        "Column 'probability' is both a kept input column and a prediction column: leave it out of"
                                + " output.keep-columns, or set output.prefix (e.g. pred_)"),
                failure("default keep column clashing with an output",
                        () -> Plans.request(wine, schema("features", FLOATS, "label", ColumnType.INT)),
                        "Column 'label' is both a kept input column and a prediction column"),
                failure("fixed batch dimension",
                        () -> Plans.request(TestGraphs.fixedBatch(4), schema("x", FLOATS)),
                        "Cannot feed model input 'x' float[4,3]: its first dimension is fixed at 4; coldpath batches"
                                + " rows along the first dimension (export the model with a dynamic batch"
                                + " dimension)"),
                failure("batch dimension fixed at 1 with larger batches",
                        () -> Plans.request(TestGraphs.identity(DataType.FLOAT, 1, 3), schema("v", FLOATS)).sole("v"),
                        "Cannot feed model input 'x' float[1,3] batches of 8 rows: its first dimension is fixed"
                                + " at 1 (set inference.batch-size=1"));
    }

    private static Arguments failure(String what, Supplier<Plans> request, String... fragments) {
        return Arguments.of(what, request, fragments);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("preflightFailures")
    void preflightNamesTheExactProblem(String what, Supplier<Plans> request, String[] fragments) {
        Plans plans = request.get();

        assertThatThrownBy(plans::plan)
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith(fragments[0])
                .hasMessageContainingAll(fragments)
                .satisfies(e -> assertThat(((JobSpecException) e).fault()).isEqualTo(Fault.USER));
    }

    @Test
    void outputPrefixResolvesAClashBetweenAKeptColumnAndAnOutput() {
        ScoringPlan plan = Plans.request(wine, schema("features", FLOATS, "label", ColumnType.INT))
                .prefix("pred_").plan();

        assertThat(plan.output().keepColumns()).containsExactly("label");
        assertThat(plan.outputSchema().names()).containsExactly("label", "pred_probabilities", "pred_label");
        assertThat(plan.binding().decoders()).extracting(OutputDecoder::output)
                .containsExactly("probabilities", "label");
    }

    /** The plan's encoder of model input {@code i}. */
    private static Encoder encoder(ScoringPlan plan, int i) {
        return plan.binding().encoders().get(i);
    }

    @Test
    void scalarColumnsFeedAnNByKInputInListedOrder() {
        List<String> reversed = new ArrayList<>(f(30));
        Collections.reverse(reversed);

        ScoringPlan plan = Plans.request(logreg, breastCancer()).sole(reversed).plan();

        assertThat(encoder(plan, 0)).isInstanceOf(ScalarColumns.class);
        ScalarColumns feed = (ScalarColumns) encoder(plan, 0);
        assertThat(feed.input()).isEqualTo("input");
        assertThat(feed.columns()).isEqualTo(reversed);
        assertThat(feed.ordinals()).startsWith(30, 29).endsWith(2, 1).hasSize(30);
        assertThat(feed.elementType()).isEqualTo(ElementType.FLOAT);
        assertThat(feed.sourceKind()).isEqualTo(Kind.FLOAT);
        assertThat(feed.shape()).containsExactly(30);
    }

    @Test
    void narrowerColumnsAreAcceptedForAWiderInput() {
        RowSchema shorts = new RowSchema(columns("s", 30, ColumnType.SHORT));

        ScalarColumns feed = (ScalarColumns) encoder(Plans.request(logreg, shorts).sole(names("s", 30)).plan(), 0);

        assertThat(feed.sourceKind()).isEqualTo(Kind.SHORT);
        assertThat(feed.elementType()).isEqualTo(ElementType.FLOAT);
    }

    @Test
    void sameNamedArrayColumnFeedsAnInputWithoutMapping() {
        ScoringPlan plan = Plans.request(wine, schema("id", ColumnType.LONG, "features", FLOATS,
                "cultivar", ColumnType.INT)).plan();

        assertThat(encoder(plan, 0)).isInstanceOf(ArrayColumn.class);
        ArrayColumn feed = (ArrayColumn) encoder(plan, 0);
        assertThat(feed.columns()).containsExactly("features");
        assertThat(feed.ordinal()).isEqualTo(1);
        assertThat(feed.shape()).containsExactly(13);
        assertThat(feed.depth()).isEqualTo(1);
        assertThat(feed.sourceKind()).isEqualTo(Kind.FLOAT);
    }

    @Test
    void flatArrayColumnFeedsARank3Input() {
        Encoder encoder = encoder(Plans.request(rank3, schema("cube", FLOATS)).sole("cube").plan(), 0);

        assertThat(encoder).isInstanceOf(ArrayColumn.class);
        assertThat(encoder.shape()).containsExactly(2, 3);
        assertThat(((ArrayColumn) encoder).depth()).isEqualTo(1);
    }

    @Test
    void nestedArrayColumnFeedsARank3Input() {
        Encoder encoder = encoder(Plans.request(rank3, schema("cube", FLOATS2)).feature("x", "cube").plan(), 0);

        assertThat(encoder).isInstanceOf(ArrayColumn.class);
        assertThat(encoder.shape()).containsExactly(2, 3);
        assertThat(((ArrayColumn) encoder).depth()).isEqualTo(2);
    }

    @Test
    void symbolicInnerDimensionIsLeftForTheFirstRowOrTakenFromTheColumnCount() {
        Encoder fromArray = encoder(Plans.request(symbolic, schema("v", FLOATS)).sole("v").plan(), 0);
        Encoder fromColumns = encoder(Plans.request(symbolic, schema("a", ColumnType.FLOAT, "b", ColumnType.FLOAT,
                "c", ColumnType.FLOAT)).sole("a", "b", "c").plan(), 0);

        assertThat(fromArray.shape()).containsExactly(-1);
        assertThat(fromColumns.shape()).containsExactly(3);
        assertThat(fromColumns).isInstanceOf(ScalarColumns.class);
    }

    @Test
    void eachInputOfAMultiInputModelGetsItsOwnFeed() {
        ScoringPlan plan = Plans.request(twoInputs, schema("id", ColumnType.LONG, "a", ColumnType.FLOAT,
                "b", ColumnType.FLOAT, "c", ColumnType.FLOAT, "y", ColumnType.arrayOf(ColumnType.INT)))
                .feature("x", "a", "b", "c").plan();

        assertThat(plan.binding().encoders()).extracting(Encoder::input).containsExactly("x", "y");
        assertThat(encoder(plan, 0)).isInstanceOf(ScalarColumns.class);
        assertThat(encoder(plan, 1)).isInstanceOf(ArrayColumn.class);
        assertThat(((ArrayColumn) encoder(plan, 1)).sourceKind()).isEqualTo(Kind.INT);
        assertThat(encoder(plan, 1).elementType()).isEqualTo(ElementType.INT64);
        assertThat(plan.output().keepColumns()).containsExactly("id");
    }

    @Test
    void defaultKeepColumnsAreAllNonFeatureColumnsInSchemaOrder() {
        RowSchema schema = new RowSchema(List.of(new Column("region", ColumnType.STRING),
                new Column("f0", ColumnType.FLOAT), new Column("id", ColumnType.LONG),
                new Column("score_date", ColumnType.other("date"))));
        List<Column> all = new ArrayList<>(schema.columns());
        all.addAll(columns("f", 30, ColumnType.FLOAT).subList(1, 30));
        all.add(new Column("diagnosis", ColumnType.INT));

        ScoringPlan plan = Plans.request(logreg, new RowSchema(all)).sole(f(30)).plan();

        assertThat(plan.output().keepColumns()).containsExactly("region", "id", "score_date", "diagnosis");
        assertThat(plan.keepOrdinals()).containsExactly(0, 2, 3, 33);
    }

    @Test
    void explicitKeepColumnsKeepTheirOrderAndMayIncludeFeatures() {
        ScoringPlan plan = Plans.request(logreg, breastCancer()).sole(f(30)).keep("diagnosis", "f3", "id").plan();

        assertThat(plan.output().keepColumns()).containsExactly("diagnosis", "f3", "id");
        assertThat(plan.outputSchema().names()).containsExactly("diagnosis", "f3", "id", "probability");
    }

    @Test
    void outputSchemaTypesFollowOutputShapes() {
        assertThat(Plans.request(logreg, breastCancer()).sole(f(30)).plan().outputSchema().toString())
                .isEqualTo("id bigint, diagnosis int, probability float");
        assertThat(Plans.request(wine, schema("id", ColumnType.LONG, "features", FLOATS)).plan().outputSchema()
                .toString()).isEqualTo("id bigint, probabilities array<float>, label bigint");
        assertThat(Plans.request(trees, breastCancer()).sole(f(30)).plan().outputSchema().toString())
                .isEqualTo("id bigint, diagnosis int, label bigint, probabilities map<bigint,float>");
        assertThat(Plans.request(rank3, schema("x", FLOATS2)).plan().outputSchema().toString())
                .isEqualTo("same array<array<float>>, sum float");
        assertThat(Plans.request(TestGraphs.floatToString(), schema("x", ColumnType.FLOAT)).plan().outputSchema()
                .toString()).isEqualTo("text string");
    }

    @Test
    void outputColumnsCarryKindElementTypeAndRank() {
        ScoringPlan plan = Plans.request(trees, breastCancer()).sole(f(30)).outputs("probabilities", "label")
                .prefix("p_").plan();

        assertThat(plan.binding().decoders().get(0)).isInstanceOf(MapDecoder.class);
        MapDecoder zipMap = (MapDecoder) plan.binding().decoders().get(0);
        assertThat(zipMap.output()).isEqualTo("probabilities");
        assertThat(zipMap.column()).isEqualTo("p_probabilities");
        assertThat(zipMap.valueType()).isEqualTo(ElementType.FLOAT);
        assertThat(zipMap.type()).isEqualTo(ColumnType.mapOf(ColumnType.LONG, ColumnType.FLOAT));
        assertThat(plan.binding().decoders().get(1)).isInstanceOf(TensorDecoder.class);
        TensorDecoder label = (TensorDecoder) plan.binding().decoders().get(1);
        assertThat(label.elementType()).isEqualTo(ElementType.INT64);
        assertThat(label.rank()).isEqualTo(1);
        assertThat(label.type()).isEqualTo(ColumnType.LONG);
    }

    @Test
    void planIsTheInputOnePrimaryBindingTheOutputAndThePolicies() {
        BadRows skip = new BadRows(BadRows.Policy.SKIP, 0.2, false, 0);
        ScoringPlan plan = Plans.request(wine, schema("id", ColumnType.LONG, "features", FLOATS)).prefix("p_")
                .badRows(skip).plan();

        assertThat(plan.input().schema().names()).containsExactly("id", "features");
        assertThat(plan.bindings()).hasSize(1);
        ModelBinding binding = plan.binding();
        assertThat(binding.role()).isEqualTo(Role.CHAMPION);
        assertThat(binding.outputPrefix()).isEqualTo("p_");
        assertThat(binding.batchifier()).isEqualTo(new Stack());
        assertThat(binding.encoders()).singleElement().isInstanceOf(ArrayColumn.class);
        assertThat(binding.decoders()).extracting(OutputDecoder::column).containsExactly("p_probabilities", "p_label");
        assertThat(plan.output().keepColumns()).containsExactly("id");
        assertThat(plan.output().sink()).isEqualTo(new ParquetRunTable("mem:table", PromotePolicy.ON_SUCCESS, false, ""));
        assertThat(plan.badRows()).isEqualTo(skip);
        assertThat(plan.missingValues()).isEqualTo(MissingValues.REJECT);
        assertThat(plan.budget()).isEqualTo(Budget.NONE);
    }

    @Test
    void aPaddingMaskIsFedByTheBatchifierAndMustBeAnInt64Matrix() {
        ScoringPlan plan = Plans.request(TestGraphs.sequenceWithMask(), schema("x", FLOATS))
                .batchifier(new PadToLongest(0, "mask")).plan();

        assertThat(plan.binding().encoders()).extracting(Encoder::input).containsExactly("x");
        assertThatThrownBy(() -> Plans.request(twoInputs, schema("x", FLOATS, "y", ColumnType.arrayOf(ColumnType.LONG)))
                .batchifier(new PadToLongest(0, "x")).plan())
                .isInstanceOf(JobSpecException.class)
                .hasMessage("The padding mask input 'x' is float[N,3]; a mask is int64[N,L]");
        assertThatThrownBy(() -> Plans.request(TestGraphs.sequenceWithMask(), schema("x", FLOATS))
                .batchifier(new PadToLongest(0, "attention_mask")).plan())
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("The padding mask input 'attention_mask' is not an input of the model");
    }

    @Test
    void planCarriesBatchSizeThreadsAndModel() {
        Plans request = Plans.request(logreg, breastCancer()).sole(f(30)).batchSize(77);

        ScoringPlan plan = request.plan();

        assertThat(plan.binding().inference().batchSize()).isEqualTo(77);
        assertThat(plan.binding().inference().threads()).isEqualTo(1);
        assertThat(plan.binding().model()).isEqualTo(request.build().binding().model());
    }
}
