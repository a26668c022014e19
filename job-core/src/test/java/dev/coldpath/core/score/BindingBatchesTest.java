package dev.coldpath.core.score;

import static dev.coldpath.core.testing.Plans.columns;
import static dev.coldpath.core.testing.Plans.names;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.batch.Stack;
import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.RowRejectedException;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.ModelBinding;
import dev.coldpath.core.plan.ParquetRunTable;
import dev.coldpath.core.plan.ScoringInput;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.ScoringPlanner;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.Budget;
import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.spec.Role;
import dev.coldpath.core.spec.RoutingSpec;
import dev.coldpath.core.tensor.Values;
import dev.coldpath.core.testing.Chunk;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.Row;
import dev.coldpath.core.testing.SampleModels;
import dev.coldpath.core.testing.Scoring;
import dev.coldpath.core.testing.TestGraphs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Several real models scored from one fill: the logistic regression (champion), the tree ensemble (shadow), the
 * logistic regression again under another input name (canary), all three fed from f0..f29, and the wine MLP
 * (shadow) fed from an array column. Each model's predictions equal scoring it alone, bit for bit.
 */
class BindingBatchesTest {
    private static final int ROWS = 40;
    private static final int NULL_WINE = 7;
    private static final int NULL_FEATURE = 20; // in a slice filled a column at a time

    private static final byte[] LOGREG = SampleModels.bytes(SampleModels.LOGREG);
    private static final byte[] TREES = SampleModels.bytes(SampleModels.TREES);
    private static final byte[] WINE = SampleModels.bytes(SampleModels.WINE);
    /** The logistic regression with its input renamed: same tensor, another name. */
    private static final byte[] RENAMED = TestGraphs.renameInput(LOGREG, "input", "measurements");

    private static RowSchema schema() {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column("id", ColumnType.LONG));
        cols.addAll(columns("f", 30, ColumnType.FLOAT));
        cols.add(new Column("wine", ColumnType.arrayOf(ColumnType.FLOAT)));
        return new RowSchema(cols);
    }

    private static List<Row> rows() {
        float[][] features = Scoring.breastCancerFeatures(ROWS, 15);
        Random random = new Random(15);
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            Object[] values = new Object[32];
            values[0] = (long) r;
            for (int c = 0; c < 30; c++) {
                values[1 + c] = r == NULL_FEATURE && c == 3 ? null : features[r][c];
            }
            Object[] wine = new Object[13];
            for (int c = 0; c < 13; c++) {
                wine[c] = (float) (random.nextGaussian() * 5 + 10);
            }
            values[31] = r == NULL_WINE ? null : Row.array(wine);
            rows.add(Row.of(values));
        }
        return rows;
    }

    private static ScoringPlanner.BindingRequest binding(String name, Role role, byte[] model, List<String> cols) {
        return new ScoringPlanner.BindingRequest(name, role, Plans.artifact(name, model), Plans.signature(model),
                Map.of(ScoringPlanner.SOLE_INPUT, cols), Map.<String, Encoder>of(), new Stack(), List.of(), "", 16,
                1, Device.CPU);
    }

    private static ScoringPlan plan() {
        return ScoringPlanner.plan(new ScoringPlanner.Request(new ScoringInput("mem:input", schema()), List.of(
                binding("current", Role.CHAMPION, LOGREG, names("f", 30)),
                binding("forest", Role.SHADOW, TREES, names("f", 30)),
                binding("next", Role.CANARY, RENAMED, names("f", 30)),
                binding("grapes", Role.SHADOW, WINE, List.of("wine"))),
                new RoutingSpec(Optional.of(10.0), List.of("id")), Optional.of(List.of("id")),
                new ParquetRunTable("mem:t", PromotePolicy.ON_SUCCESS, false, ""), BadRows.FAIL, Budget.NONE));
    }

    /** One binding alone: its own one-model batch of the rows it takes, in batches of 16, by its own scorer. */
    private static Map<Integer, List<String>> alone(ScoringPlan plan, int binding, byte[] model, List<Row> rows)
            throws RowRejectedException {
        ModelBinding b = plan.bindings().get(binding);
        TensorBatch batch = new TensorBatch(b.encoders(), b.batchifier(), ROWS, plan.missingValues());
        for (int r = 0; r < rows.size(); r++) {
            if (r != (b.name().equals("grapes") ? NULL_WINE : NULL_FEATURE)) {
                batch.append(rows.get(r), r);
            }
        }
        Map<Integer, List<String>> out = new HashMap<>();
        try (OnnxModel session = OnnxModel.open(b.name(), model, SessionSettings.cpu(1))) {
            BatchScorer scorer = new BatchScorer(b, session);
            for (int from = 0; from < batch.rows(); from += 16) {
                int to = Math.min(batch.rows(), from + 16);
                List<Prediction> columns = scorer.score(batch, from, to, new RunMetrics());
                for (int r = from; r < to; r++) {
                    out.put(batch.sourceRow(r), values(columns, r - from));
                }
            }
        }
        return out;
    }

    @Test
    void eachRowIsEncodedOncePerDistinctFeedAndEachModelScoresAsItWouldAlone() throws RowRejectedException {
        ScoringPlan plan = plan();
        BindingBatches batches = new BindingBatches(plan);
        List<Row> rows = rows();
        byte[][] models = {LOGREG, TREES, RENAMED, WINE};

        assertThat(batches.feeds()).hasSize(2);
        assertThat(batches.feeds().get(0).bindings()).containsExactly(0, 1, 2);
        assertThat(batches.feeds().get(1).bindings()).containsExactly(3);
        assertThat(batches.capacity()).isEqualTo(16);

        List<OnnxModel> sessions = new ArrayList<>();
        try {
            List<BatchScorer> scorers = new ArrayList<>();
            for (int i = 0; i < models.length; i++) {
                sessions.add(OnnxModel.open(plan.bindings().get(i).name(), models[i], SessionSettings.cpu(1)));
                scorers.add(batches.scorer(i, sessions.get(i)));
            }
            List<Map<Integer, List<String>>> alone = new ArrayList<>();
            for (int i = 0; i < models.length; i++) {
                alone.add(alone(plan, i, models[i], rows));
            }
            Chunk chunk = Chunk.of(rows.toArray(Row[]::new));
            for (int from = 0; from < ROWS; from += 16) {
                int to = Math.min(ROWS, from + 16);
                batches.clear();
                if (from == 0) {
                    for (int r = from; r < to; r++) {
                        batches.append(rows.get(r), r);
                    }
                } else {
                    batches.appendColumns(chunk, from, to, r -> (Values) rows.get(r));
                }
                BindingBatches.Scored scored = batches.score(scorers, new RunMetrics());
                for (int r = from; r < to; r++) {
                    for (int b = 0; b < models.length; b++) {
                        boolean refused = b == 3 ? r == NULL_WINE : r == NULL_FEATURE;
                        if (refused) {
                            assertThat(scored.rejection(b, r)).as("binding %s row %s", b, r).isNotNull();
                            continue;
                        }
                        assertThat(scored.rejection(b, r)).isNull();
                        assertThat(values(scored.columns(b, r), scored.index(b, r)))
                                .as("binding %s row %s", plan.bindings().get(b).name(), r)
                                .isEqualTo(alone.get(b).get(r));
                    }
                }
            }
        } finally {
            sessions.forEach(OnnxModel::close);
        }
    }

    /** Row {@code index}'s values of every output; a float as its bits, arrays and maps as Java prints them. */
    private static List<String> values(List<Prediction> columns, int index) {
        List<String> out = new ArrayList<>();
        for (Prediction p : columns) {
            Object v = p.valueAt(index);
            out.add(v instanceof Float f ? Integer.toHexString(Float.floatToRawIntBits(f)) : String.valueOf(v));
        }
        return out;
    }
}
