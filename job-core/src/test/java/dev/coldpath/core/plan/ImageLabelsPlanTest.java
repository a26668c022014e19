package dev.coldpath.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.coldpath.core.decode.SoftmaxMode;
import dev.coldpath.core.decode.TensorValues;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.Row;
import dev.coldpath.core.testing.Scoring;
import dev.coldpath.core.testing.TestGraphs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** image.labels: the label, score and top-k columns the planner adds, and the preflight's errors. */
class ImageLabelsPlanTest {
    private static final ColumnType FLOATS = ColumnType.arrayOf(ColumnType.FLOAT);
    private static final byte[] FOUR_CLASSES = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 4);

    private static ImageLabels labels(String file, Optional<Integer> topK) {
        return ImageLabels.parse("mem:classes.txt", file.getBytes(StandardCharsets.UTF_8), topK, SoftmaxMode.AUTO);
    }

    private static Plans request(byte[] model, ImageLabels labels) {
        return Plans.request(model, Plans.schema("x", FLOATS)).imageLabels(labels);
    }

    @Test
    void labelsAddLabelScoreAndTopKBeforeTheModelsOwnOutput() throws Exception {
        ScoringPlan plan = ScoringPlanner.plan(request(FOUR_CLASSES, labels("cat\r\ndog\nfox\nowl\n\n",
                Optional.of(2))).prefix("p_").build());

        assertThat(plan.binding().decoders()).extracting(d -> d.column() + " " + d.type()).containsExactly(
                "p_label string", "p_score float", "p_top_k_labels array<string>", "p_top_k_scores array<float>",
                "p_y array<float>");
        List<?> out = Scoring.score(FOUR_CLASSES, plan, Row.of(Row.floats(new float[] {0f, 2f, 1f, 2f})));
        assertThat(((TensorValues) out.get(0)).valueAt(0)).isEqualTo("dog");
        assertThat(((TensorValues) out.get(2)).valueAt(0)).isEqualTo(List.of("dog", "owl"));
        double sum = 1 + 2 * Math.exp(2) + Math.exp(1);
        assertThat((float) ((TensorValues) out.get(1)).valueAt(0)).isEqualTo((float) (Math.exp(2) / sum));
        assertThat(((TensorValues) out.get(4)).valueAt(0)).isEqualTo(List.of(0f, 2f, 1f, 2f));
        assertThat(ScoringPlanSerializationTest.roundTrip(plan).binding().decoders())
                .isEqualTo(plan.binding().decoders());
    }

    @Test
    void withoutTopKOnlyLabelAndScore() {
        assertThat(ScoringPlanner.plan(request(FOUR_CLASSES, labels("a\nb\nc\nd", Optional.empty())).build())
                .binding().decoders()).extracting(d -> d.column()).containsExactly("label", "score", "y");
    }

    @Test
    void aClassCountOtherThanTheOutputsIsRefused() {
        assertThatThrownBy(() -> ScoringPlanner.plan(request(FOUR_CLASSES, labels("a\nb\nc\n", Optional.empty()))
                .build())).isInstanceOf(JobSpecException.class).hasMessage("Invalid image.labels: mem:classes.txt"
                        + " names 3 classes but model output 'y' float[N,4] has 4 (one class name per line, in class"
                        + " order)");
    }

    @Test
    void topKOutsideOneToTheClassCountIsRefused() {
        assertThatThrownBy(() -> ScoringPlanner.plan(request(FOUR_CLASSES, labels("a\nb\nc\nd", Optional.of(5)))
                .build())).isInstanceOf(JobSpecException.class).hasMessage("Invalid image.top-k: 5 (must be 1 to the"
                        + " number of classes, 4, in mem:classes.txt)");
        assertThatThrownBy(() -> ScoringPlanner.plan(request(FOUR_CLASSES, labels("a\nb\nc\nd", Optional.of(0)))
                .build())).isInstanceOf(JobSpecException.class).hasMessageStartingWith("Invalid image.top-k: 0");
    }

    @Test
    void aModelWithoutAFloatMatrixOutputOrAnEmptyFileIsRefused() {
        byte[] vector = TestGraphs.identity(DataType.FLOAT, TestGraphs.N);
        assertThatThrownBy(() -> ScoringPlanner.plan(Plans.request(vector, Plans.schema("x", ColumnType.FLOAT))
                .imageLabels(labels("a", Optional.empty())).build())).isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("image.labels needs a float[N,K] output of class scores");
        assertThatThrownBy(() -> labels("\n\n", Optional.empty())).isInstanceOf(JobSpecException.class)
                .hasMessageContaining("names no class");
        assertThatThrownBy(() -> labels("a\n\nb", Optional.empty())).isInstanceOf(JobSpecException.class)
                .hasMessageContaining("line 2 of mem:classes.txt is empty");
    }
}
