package dev.coldpath.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code all-minilm-l6-v2-pooled}: a model that pools and normalises inside its graph. */
@Tag("slow") // excluded by mvn -Pquick: builds target/text-models once (about two minutes)
class PooledEncoderTest {
    private static final OrtEnvironment ENVIRONMENT = OrtEnvironment.getEnvironment();

    @Test
    void sentenceEmbeddingOutputIsTheNormalisedMeanOfTheTokensAloneAndInAPaddedBatch() throws OrtException {
        Path folder = TextModelsFolder.get().resolve(TextModelBuilder.POOLED);
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> row : SampleDirectory.query("SELECT text FROM read_parquet('"
                + SampleDirectory.resolve(WordNetSampleGenerator.DATA_FILE).toAbsolutePath()
                + "') WHERE text IS NOT NULL AND id % 211 = 5 ORDER BY id")) {
            texts.add((String) row.get("text"));
        }

        try (SentenceEmbedder reference = SentenceEmbedder.ofFolder(
                TextModelsFolder.get().resolve(MiniLm.FULL_PRECISION.folderName()), MiniLm.MAX_LENGTH);
                OrtSession session = ENVIRONMENT.createSession(folder.resolve("model.onnx").toString(),
                        new OrtSession.SessionOptions())) {
            assertThat(session.getOutputNames()).containsExactly("sentence_embedding");
            assertThat(((TensorInfo) session.getOutputInfo().get("sentence_embedding").getInfo()).getShape())
                    .containsExactly(-1, MiniLm.HIDDEN_SIZE);
            float[][] batched = run(session, reference.tokens(texts));
            for (int i = 0; i < texts.size(); i++) {
                float[] expected = normalised(reference.embed(texts.get(i)));
                float[] alone = run(session, reference.tokens(List.of(texts.get(i))))[0];
                for (int j = 0; j < expected.length; j++) {
                    assertThat(alone[j]).as("text %d component %d alone", i, j).isCloseTo(expected[j], within(1e-5f));
                    assertThat(batched[i][j]).as("text %d component %d in a padded batch", i, j)
                            .isCloseTo(expected[j], within(1e-5f));
                }
            }
        }
    }

    private static float[] normalised(float[] vector) {
        double sum = 0;
        for (float value : vector) {
            sum += (double) value * value;
        }
        float[] unit = new float[vector.length];
        for (int j = 0; j < vector.length; j++) {
            unit[j] = (float) (vector[j] / Math.sqrt(sum));
        }
        return unit;
    }

    private static float[][] run(OrtSession session, long[][][] tokens) {
        return (float[][]) SentenceEmbedder.run(session, tokens, "sentence_embedding");
    }
}
