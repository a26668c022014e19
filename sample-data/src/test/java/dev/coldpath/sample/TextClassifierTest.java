package dev.coldpath.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.coldpath.sample.TextModelBuilder.LabelledText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The noun/verb classifier folder: its composed graph, its config.json and its accuracy on held-out glosses. */
@Tag("slow") // excluded by mvn -Pquick: builds target/text-models once (about two minutes)
class TextClassifierTest {
    private static final double TOLERANCE = 1e-5;
    private static final OrtEnvironment ENVIRONMENT = OrtEnvironment.getEnvironment();

    @Test
    void composedGraphGivesTheLogitsOfMeanPoolingPlusHeadComputedSeparatelyAloneAndInPaddedBatches(
            @TempDir Path temp) throws OrtException {
        Path encoder = TextModelsFolder.get().resolve(MiniLm.FULL_PRECISION.folderName());
        List<String> texts = mixedTexts();
        // A head trained here on a few texts: the point is the arithmetic, not the accuracy.
        float[][] reference;
        LogisticRegressionModel head;
        long[][][] tokens;
        try (SentenceEmbedder embedder = SentenceEmbedder.ofFolder(encoder, MiniLm.MAX_LENGTH)) {
            reference = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                reference[i] = embedder.embed(texts.get(i));
            }
            int[] labels = new int[texts.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i % 2;
            }
            head = new LogisticRegressionTrainer(50, 0.1, 1e-3).train(reference, labels);
            tokens = embedder.tokens(texts);
        }
        Path composed = temp.resolve("model.onnx");
        ModelProto model = TextModelGraphs.meanPooledClassifier(
                TextModelBuilder.readModel(encoder.resolve("model.onnx")), MiniLm.HIDDEN_OUTPUT, head, "test",
                Map.of());
        OnnxGraphs.write(model, composed);

        try (OrtSession session = ENVIRONMENT.createSession(composed.toString(), new OrtSession.SessionOptions())) {
            float[][] batched = logits(session, tokens);
            for (int i = 0; i < texts.size(); i++) {
                double z = head.bias();
                double[] x = head.scaling().apply(reference[i]);
                for (int j = 0; j < x.length; j++) {
                    z += head.weights()[j] * x[j];
                }
                float[][] alone = logits(session, trim(tokens, i));
                assertThat((double) alone[0][0]).as("logit 0 of text %d alone", i).isCloseTo(-z / 2, within(TOLERANCE));
                assertThat((double) alone[0][1]).as("logit 1 of text %d alone", i).isCloseTo(z / 2, within(TOLERANCE));
                assertThat((double) batched[i][1]).as("logit 1 of text %d in a padded batch", i)
                        .isCloseTo(z / 2, within(TOLERANCE));
            }
        }
    }

    @Test
    void folderHoldsModelTokenizerAndConfigWithId2LabelAndTheModelTakesTokensAndGivesTwoLogits()
            throws IOException, OrtException {
        Path folder = TextModelsFolder.get().resolve(TextModelBuilder.CLASSIFIER);

        assertThat(Files.readString(folder.resolve("config.json")))
                .contains("\"id2label\": {\"0\": \"noun\", \"1\": \"verb\"}");
        assertThat(folder.resolve("tokenizer.json")).hasSameBinaryContentAs(
                TextModelsFolder.get().resolve(MiniLm.FULL_PRECISION.folderName()).resolve("tokenizer.json"));
        try (OrtSession session = ENVIRONMENT.createSession(folder.resolve("model.onnx").toString(),
                new OrtSession.SessionOptions())) {
            assertThat(session.getInputNames()).containsExactlyInAnyOrder("input_ids", "attention_mask",
                    "token_type_ids");
            assertThat(session.getOutputNames()).containsExactly("logits");
            NodeInfo logits = session.getOutputInfo().get("logits");
            assertThat(((TensorInfo) logits.getInfo()).getShape()).containsExactly(-1, 2);
            assertThat(session.getMetadata().getCustomMetadata()).containsEntry("classes", "noun,verb");
        }
    }

    @Test
    void classifierLabelsHeldOutGlossesAsNounOrVerbAsAccuratelyAsItsMetadataSays() throws OrtException {
        Path folder = TextModelsFolder.get().resolve(TextModelBuilder.CLASSIFIER);
        List<LabelledText> heldOut = new ArrayList<>(TextModelBuilder.nounAndVerbGlosses(
                SampleDirectory.resolve(WordNetSampleGenerator.DATA_FILE)).stream()
                .filter(text -> text.id() % TextModelBuilder.HELD_OUT_EVERY == 0).toList());

        int correct = 0;
        double recorded;
        try (OrtSession session = ENVIRONMENT.createSession(folder.resolve("model.onnx").toString(),
                new OrtSession.SessionOptions());
                SentenceEmbedder tokenizer = SentenceEmbedder.ofFolder(
                        TextModelsFolder.get().resolve(MiniLm.FULL_PRECISION.folderName()), MiniLm.MAX_LENGTH)) {
            recorded = Double.parseDouble(session.getMetadata().getCustomMetadata().get("held_out_accuracy"));
            // Batches of similar length, so that the 917 texts take seconds, not a minute.
            heldOut.sort(Comparator.comparingInt(text -> text.text().length()));
            for (int start = 0; start < heldOut.size(); start += 32) {
                List<LabelledText> batch = heldOut.subList(start, Math.min(heldOut.size(), start + 32));
                float[][] logits = logits(session, tokenizer.tokens(batch.stream().map(LabelledText::text).toList()));
                for (int i = 0; i < batch.size(); i++) {
                    if ((logits[i][1] > logits[i][0] ? 1 : 0) == batch.get(i).label()) {
                        correct++;
                    }
                }
            }
        }
        double accuracy = (double) correct / heldOut.size();

        assertThat(heldOut).hasSize(917);
        assertThat(accuracy).isGreaterThan(TextModelBuilder.MIN_HELD_OUT_ACCURACY).isCloseTo(recorded, within(0.003));
    }

    /** Short and long glosses, an empty text and a dictionary entry longer than the truncation length. */
    private static List<String> mixedTexts() {
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> row : SampleDirectory.query("SELECT text FROM read_parquet('"
                + SampleDirectory.resolve(WordNetSampleGenerator.DATA_FILE).toAbsolutePath()
                + "') WHERE kind IN ('gloss', 'entry', 'empty') AND id % 97 = 1 OR id IN (0, 3) ORDER BY id")) {
            texts.add((String) row.get("text"));
        }
        return texts;
    }

    private static long[][][] trim(long[][][] tokens, int row) {
        int length = 0;
        while (length < tokens[1][row].length && tokens[1][row][length] == 1) {
            length++;
        }
        long[][][] one = new long[3][1][];
        for (int input = 0; input < 3; input++) {
            one[input][0] = Arrays.copyOf(tokens[input][row], length);
        }
        return one;
    }

    private static float[][] logits(OrtSession session, long[][][] tokens) {
        return (float[][]) SentenceEmbedder.run(session, tokens, "logits");
    }
}
