package dev.coldpath.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.error.InferenceException;
import dev.coldpath.core.schema.ColumnType;
import java.nio.FloatBuffer;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class TopClassesTest {
    private static final List<String> CLASSES = List.of("cat", "dog", "fox", "owl");

    private static TopClasses decoder(TopClasses.Part part, int k, SoftmaxMode softmax) {
        return new TopClasses("logits", part.name().toLowerCase(), CLASSES, softmax, k, part);
    }

    @Test
    void labelAndScoreAreTheTopClassAndItsSoftmaxProbability() {
        float[] logits = {1f, 3f, 2f, 0f, /* row 2 */ -1f, -2f, -0.5f, -3f};
        TensorValues labels = decoder(TopClasses.Part.LABEL, 1, SoftmaxMode.TRUE).decode(logits, 2);
        TensorValues scores = decoder(TopClasses.Part.SCORE, 1, SoftmaxMode.TRUE).decode(logits, 2);

        assertThat(labels.innerRank()).isZero();
        assertThat(labels.valueAt(0)).isEqualTo("dog");
        assertThat(labels.valueAt(1)).isEqualTo("fox");
        double sum1 = Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(0);
        assertThat((float) scores.valueAt(0)).isCloseTo((float) (Math.exp(3) / sum1), within(1e-7f));
        assertThat((float) scores.valueAt(0)).isCloseTo(0.6439142f, within(1e-6f));
        double sum2 = Math.exp(-1) + Math.exp(-2) + Math.exp(-0.5) + Math.exp(-3);
        assertThat((float) scores.valueAt(1)).isCloseTo((float) (Math.exp(-0.5) / sum2), within(1e-7f));
    }

    @Test
    void topKListsTheBestFirstWithTiesToTheLowerClassId() {
        float[] logits = {2f, 5f, 2f, 5f};
        TensorValues labels = decoder(TopClasses.Part.TOP_K_LABELS, 3, SoftmaxMode.TRUE).decode(logits, 1);
        TensorValues scores = decoder(TopClasses.Part.TOP_K_SCORES, 3, SoftmaxMode.TRUE).decode(logits, 1);

        assertThat(labels.valueAt(0)).isEqualTo(List.of("dog", "owl", "cat"));
        assertThat(decoder(TopClasses.Part.LABEL, 3, SoftmaxMode.TRUE).decode(logits, 1).valueAt(0)).isEqualTo("dog");
        double sum = 2 * Math.exp(2) + 2 * Math.exp(5);
        @SuppressWarnings("unchecked")
        List<Float> top = (List<Float>) scores.valueAt(0);
        assertThat(top).hasSize(3);
        assertThat(top.get(0)).isCloseTo((float) (Math.exp(5) / sum), within(1e-7f));
        assertThat(top.get(1)).isEqualTo(top.get(0));
        assertThat(top.get(2)).isCloseTo((float) (Math.exp(2) / sum), within(1e-7f));
    }

    @Test
    void autoLeavesRowsThatAreProbabilitiesAsTheyAreAndSoftmaxesTheOthers() {
        float[] rows = {0.1f, 0.2f, 0.6f, 0.1f, /* logits */ 0.1f, 0.2f, 0.3f, 0.1f};
        TensorValues auto = decoder(TopClasses.Part.TOP_K_SCORES, 2, SoftmaxMode.AUTO).decode(rows, 2);
        TensorValues never = decoder(TopClasses.Part.TOP_K_SCORES, 2, SoftmaxMode.FALSE).decode(rows, 2);
        TensorValues always = decoder(TopClasses.Part.SCORE, 1, SoftmaxMode.TRUE).decode(rows, 2);

        assertThat(auto.valueAt(0)).isEqualTo(List.of(0.6f, 0.2f));
        double sum = Math.exp(0.1) * 2 + Math.exp(0.2) + Math.exp(0.3);
        @SuppressWarnings("unchecked")
        List<Float> second = (List<Float>) auto.valueAt(1);
        assertThat(second.get(0)).isCloseTo((float) (Math.exp(0.3) / sum), within(1e-7f));
        assertThat(never.valueAt(1)).isEqualTo(List.of(0.3f, 0.2f));
        assertThat((float) always.valueAt(0)).isCloseTo((float) (Math.exp(0.6)
                / (2 * Math.exp(0.1) + Math.exp(0.2) + Math.exp(0.6))), within(1e-7f));
        assertThat(TopClasses.isDistribution(new float[] {0.5f, 0.5005f}, 0, 2)).isTrue();
        assertThat(TopClasses.isDistribution(new float[] {0.5f, 0.502f}, 0, 2)).isFalse();
        assertThat(TopClasses.isDistribution(new float[] {1.5f, -0.5f}, 0, 2)).isFalse();
    }

    @Test
    void columnTypesAreStringFloatAndTheirArrays() {
        assertThat(decoder(TopClasses.Part.LABEL, 2, SoftmaxMode.AUTO).type()).isEqualTo(ColumnType.STRING);
        assertThat(decoder(TopClasses.Part.SCORE, 2, SoftmaxMode.AUTO).type()).isEqualTo(ColumnType.FLOAT);
        assertThat(decoder(TopClasses.Part.TOP_K_LABELS, 2, SoftmaxMode.AUTO).type())
                .isEqualTo(ColumnType.arrayOf(ColumnType.STRING));
        assertThat(decoder(TopClasses.Part.TOP_K_SCORES, 2, SoftmaxMode.AUTO).type())
                .isEqualTo(ColumnType.arrayOf(ColumnType.FLOAT));
        Assertions.assertThatThrownBy(() -> decoder(TopClasses.Part.LABEL, 5, SoftmaxMode.AUTO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodesAnOnnxTensorAndRefusesOneOfAnotherClassCount() throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor good = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {0, 0, 9, 1}),
                new long[] {1, 4});
             OnnxTensor bad = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {0, 0, 9}), new long[] {1, 3})) {
            assertThat(decoder(TopClasses.Part.LABEL, 1, SoftmaxMode.AUTO).decode(good, 1).valueAt(0)).isEqualTo("fox");
            Assertions.assertThatThrownBy(() -> decoder(TopClasses.Part.LABEL, 1, SoftmaxMode.AUTO).decode(bad, 1))
                    .isInstanceOf(InferenceException.class).hasMessageContaining("image.labels expects [1, 4]");
        }
    }
}
