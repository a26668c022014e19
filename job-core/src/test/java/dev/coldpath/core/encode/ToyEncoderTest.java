package dev.coldpath.core.encode;

import static dev.coldpath.core.testing.Plans.schema;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.tensor.ElementType;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.Row;
import dev.coldpath.core.testing.Scoring;
import dev.coldpath.core.testing.TestGraphs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The encoder seam: a new kind of input is one new class ({@link ConstantFeature}), planned and scored as any. */
class ToyEncoderTest {
    @Test
    void aConstantFeatureInOneNewClassFeedsAModelInputBesideColumns() {
        byte[] model = TestGraphs.twoInputs();
        ScoringPlan plan = Plans.request(model, schema("id", ColumnType.LONG, "a", ColumnType.FLOAT,
                "b", ColumnType.FLOAT, "c", ColumnType.FLOAT)).feature("x", "a", "b", "c")
                .encoder(new ConstantFeature("y", ElementType.INT64, 7, 8)).plan();

        List<Prediction> out = Scoring.score(model, plan, Row.of(1L, 1.5f, 2f, 3f), Row.of(2L, -1f, 0f, 1f));

        assertThat(plan.binding().encoders()).extracting(Encoder::source)
                .containsExactly("columns a, b, c", "the constant [7.0, 8.0]");
        assertThat(plan.output().keepColumns()).containsExactly("id");
        assertThat(out.get(0).valueAt(0)).isEqualTo(List.of(1.5f, 2f, 3f, 7f, 8f));
        assertThat(out.get(0).valueAt(1)).isEqualTo(List.of(-1f, 0f, 1f, 7f, 8f));
        assertThat(Scoring.tensor(out, 1).values()).isEqualTo(new float[] {21.5f, 15f});
    }
}
