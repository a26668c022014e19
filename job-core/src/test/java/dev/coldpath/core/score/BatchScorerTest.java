package dev.coldpath.core.score;

import static dev.coldpath.core.testing.Plans.columns;
import static dev.coldpath.core.testing.Plans.names;
import static dev.coldpath.core.testing.Plans.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.MapValues;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.decode.TensorValues;
import dev.coldpath.core.encode.RowRejectedException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InferenceException;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.Inference;
import dev.coldpath.core.plan.ModelBinding;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.tensor.ElementType;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.Row;
import dev.coldpath.core.testing.SampleModels;
import dev.coldpath.core.testing.Scoring;
import dev.coldpath.core.testing.TestGraphs;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchScorerTest {
    private static final ColumnType FLOATS = ColumnType.arrayOf(ColumnType.FLOAT);
    private static final RowSchema THIRTY_FLOATS = new RowSchema(columns("f", 30, ColumnType.FLOAT));

    /** The model run directly on a float[][], without coldpath. */
    private static float[] directRun(byte[] model, float[][] features) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, features);
             OrtSession.Result result = session.run(Map.of("input", input))) {
            return (float[]) result.get("probability").orElseThrow().getValue();
        }
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void logregPredictionsEqualADirectRunForABatchThatIsNotFull() throws Exception {
        byte[] model = SampleModels.bytes(SampleModels.LOGREG);
        ScoringPlan plan = Plans.request(model, THIRTY_FLOATS).sole(names("f", 30)).batchSize(16).plan();
        float[][] first = Scoring.breastCancerFeatures(11, 1);
        float[][] second = Scoring.breastCancerFeatures(5, 2);

        try (OnnxModel open = OnnxModel.open("logreg", model, SessionSettings.cpu(1))) {
            BatchScorer scorer = new BatchScorer(plan.binding(), open);
            TensorBatch batch = plan.newBatch();
            for (float[] row : first) {
                batch.append(Scoring.row(row));
            }
            assertThat(batch.isFull()).isFalse();
            TensorValues p1 = Scoring.tensor(scorer.score(batch), 0);
            batch.clear();
            for (float[] row : second) {
                batch.append(Scoring.row(row));
            }
            TensorValues p2 = Scoring.tensor(scorer.score(batch), 0);

            float[] expected1 = directRun(model, first);
            assertThat(p1.rows()).isEqualTo(11);
            assertThat(p1.innerDims()).isEmpty();
            assertThat(maxAbsDiff((float[]) p1.values(), expected1)).isLessThanOrEqualTo(1e-6f);
            assertThat(maxAbsDiff((float[]) p2.values(), directRun(model, second))).as("after clear()")
                    .isLessThanOrEqualTo(1e-6f);
            assertThat(p1.valueAt(3)).isEqualTo(((float[]) p1.values())[3]);
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float p : expected1) {
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
            assertThat(min).as("the rows spread over both classes").isLessThan(0.5f);
            assertThat(max).as("the rows spread over both classes").isGreaterThan(0.5f);
        }
    }

    @Test
    void treesZipMapDecodesToOneMapPerRowConsistentWithTheLabel() {
        byte[] model = SampleModels.bytes(SampleModels.TREES);
        ScoringPlan plan = Plans.request(model, THIRTY_FLOATS).sole(names("f", 30)).batchSize(64).plan();
        float[][] features = Scoring.breastCancerFeatures(40, 3);

        List<Prediction> out = Scoring.score(model, plan,
                Arrays.stream(features).map(Scoring::row).toArray(Row[]::new));

        assertThat(out).extracting(Prediction::column).containsExactly("label", "probabilities");
        TensorValues label = Scoring.tensor(out, 0);
        assertThat(out.get(1)).isInstanceOf(MapValues.class);
        MapValues probabilities = (MapValues) out.get(1);
        assertThat(probabilities.maps()).hasSize(40);
        long[] labels = (long[]) label.values();
        assertThat(labels).hasSize(40).contains(0L, 1L);
        for (int r = 0; r < 40; r++) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> map = (Map<Object, Object>) probabilities.valueAt(r);
            assertThat(map).containsOnlyKeys(0L, 1L);
            float p0 = (Float) map.get(0L);
            float p1 = (Float) map.get(1L);
            assertThat(p0 + p1).as("row %d", r).isCloseTo(1f, within(1e-5f));
            assertThat(labels[r]).as("row %d, p1 %s", r, p1).isEqualTo(p1 > 0.5f ? 1L : 0L);
            assertThat(label.valueAt(r)).isEqualTo(labels[r]);
        }
    }

    @Test
    void wineProbabilitiesAreOneArrayPerRowAndLabelIsTheirArgMax() {
        byte[] model = SampleModels.bytes(SampleModels.WINE);
        ScoringPlan plan = Plans.request(model, schema("id", ColumnType.LONG, "features", FLOATS)).plan();
        float[] wine = {13.2f, 1.78f, 2.14f, 11.2f, 100f, 2.65f, 2.76f, 0.26f, 1.28f, 4.38f, 1.05f, 3.4f, 1050f};
        float[] other = {12.4f, 3.0f, 2.3f, 21f, 90f, 1.5f, 0.6f, 0.5f, 1.0f, 7.5f, 0.6f, 1.6f, 600f};

        List<Prediction> out = Scoring.score(model, plan, Row.of(0L, Row.floats(wine)),
                Row.of(1L, Row.floats(other)));

        TensorValues probabilities = Scoring.tensor(out, 0);
        Prediction label = out.get(1);
        assertThat(probabilities.innerDims()).containsExactly(3);
        assertThat(probabilities.elementsPerRow()).isEqualTo(3);
        for (int r = 0; r < 2; r++) {
            @SuppressWarnings("unchecked")
            List<Float> p = (List<Float>) probabilities.valueAt(r);
            assertThat(p).hasSize(3);
            assertThat(p.get(0) + p.get(1) + p.get(2)).isCloseTo(1f, within(1e-5f));
            int argMax = p.indexOf(p.stream().max(Float::compare).orElseThrow());
            assertThat(label.valueAt(r)).isEqualTo((long) argMax);
        }
    }

    @Test
    void twoInputsAreFedFromTheirOwnColumns() {
        byte[] model = TestGraphs.twoInputs();
        RowSchema schema = schema("a", ColumnType.FLOAT, "b", ColumnType.FLOAT, "c", ColumnType.FLOAT,
                "p", ColumnType.INT, "q", ColumnType.INT);
        ScoringPlan plan = Plans.request(model, schema).feature("x", "a", "b", "c").feature("y", "p", "q").plan();

        List<Prediction> out = Scoring.score(model, plan, Row.of(1.5f, 2f, 3f, 100, -7),
                Row.of(0f, 0f, 0f, 1, 1));

        assertThat(out.get(0).valueAt(0)).isEqualTo(List.of(1.5f, 2f, 3f, 100f, -7f));
        assertThat(Scoring.tensor(out, 1).values()).isEqualTo(new float[] {99.5f, 2f});
    }

    @Test
    void rank3OutputBecomesNestedListsAndItsSumAScalar() {
        byte[] model = TestGraphs.rank3();
        ScoringPlan plan = Plans.request(model, schema("x", FLOATS)).plan();

        List<Prediction> out = Scoring.score(model, plan, Row.of(Row.floats(1, 2, 3, 4, 5, 6)),
                Row.of(Row.floats(-1, -2, -3, -4, -5, -6)));

        assertThat(Scoring.tensor(out, 0).innerDims()).containsExactly(2, 3);
        assertThat(Scoring.tensor(out, 0).elementsPerRow()).isEqualTo(6);
        assertThat(out.get(0).valueAt(1)).isEqualTo(List.of(List.of(-1f, -2f, -3f), List.of(-4f, -5f, -6f)));
        assertThat(out.get(1).valueAt(0)).isEqualTo(21f);
        assertThat(out.get(1).valueAt(1)).isEqualTo(-21f);
    }

    @Test
    void stringOutputDecodesToOneStringPerRow() {
        byte[] model = TestGraphs.floatToString();
        ScoringPlan plan = Plans.request(model, schema("x", ColumnType.FLOAT)).plan();

        TensorValues text = Scoring.tensor(Scoring.score(model, plan, Row.of(2f), Row.of(-0.5f)), 0);

        assertThat(text.values()).isInstanceOf(String[].class);
        assertThat((String[]) text.values()).hasSize(2);
        assertThat(Float.parseFloat((String) text.valueAt(0))).isEqualTo(2f);
        assertThat(Float.parseFloat((String) text.valueAt(1))).isEqualTo(-0.5f);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = DataType.class, names = {"FLOAT16", "BFLOAT16"})
    void halfPrecisionOutputIsReadAsFloats(DataType type) {
        byte[] model = TestGraphs.castTo(type);
        ScoringPlan plan = Plans.request(model, schema("x", FLOATS)).sole("x").plan();

        TensorValues y = Scoring.tensor(Scoring.score(model, plan, Row.of(Row.floats(1.5f, -0.25f)),
                Row.of(Row.floats(3f, 0.3125f))), 0);

        assertThat(plan.outputSchema().toString()).isEqualTo("y array<float>");
        assertThat(y.type()).isEqualTo(ElementType.FLOAT);
        assertThat(y.values()).isEqualTo(new float[] {1.5f, -0.25f, 3f, 0.3125f});
    }

    @Test
    void onlyTheRequestedOutputsAreDecodedInTheRequestedOrder() {
        byte[] model = SampleModels.bytes(SampleModels.WINE);
        ScoringPlan plan = Plans.request(model, schema("features", FLOATS)).outputs("label").plan();

        List<Prediction> out = Scoring.score(model, plan, Row.of(Row.floats(new float[13])));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).column()).isEqualTo("label");
        assertThat(Scoring.tensor(out, 0).values()).isInstanceOf(long[].class);
    }

    @Test
    void runtimeFailureIsWrappedNamingTheModelAndTheBatch() throws RowRejectedException {
        // The preflight refuses a batch dimension fixed at 1 with batches of 2; a plan that skips it shows
        // that ONNX Runtime's refusal at run time is still reported with the model and the batch.
        byte[] model = TestGraphs.identity(DataType.FLOAT, 1, 3);
        ScoringPlan single = Plans.request(model, schema("v", FLOATS)).sole("v").batchSize(1).plan();
        ModelBinding one = single.binding();
        ScoringPlan plan = new ScoringPlan(single.input(), List.of(new ModelBinding(one.model(), one.role(),
                one.outputPrefix(), one.encoders(), one.batchifier(), one.decoders(),
                new Inference(2, one.inference().threads(), one.inference().device()))), single.output(),
                single.badRows(), single.budget());
        TensorBatch batch = plan.newBatch();
        batch.append(Row.of(Row.floats(1, 2, 3)));
        batch.append(Row.of(Row.floats(4, 5, 6)));

        try (OnnxModel open = OnnxModel.open("fixed-one.onnx", model, SessionSettings.cpu(1))) {
            assertThatThrownBy(() -> new BatchScorer(plan.binding(), open).score(batch))
                    .isInstanceOf(InferenceException.class)
                    .hasMessageStartingWith("Model fixed-one.onnx failed on a batch of 2 rows: ")
                    .hasCauseInstanceOf(OrtException.class)
                    .satisfies(e -> assertThat(((InferenceException) e).fault()).isEqualTo(Fault.USER));
        }
    }
}
