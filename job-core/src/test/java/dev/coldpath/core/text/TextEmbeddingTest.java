package dev.coldpath.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.coldpath.core.batch.LengthInput;
import dev.coldpath.core.batch.LengthOrder;
import dev.coldpath.core.batch.PadToLongest;
import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.PooledEmbedding;
import dev.coldpath.core.decode.Pooling;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.decode.TensorValues;
import dev.coldpath.core.encode.RowRejectedException;
import dev.coldpath.core.encode.TokenizedText;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.TextRequest;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.score.BatchScorer;
import dev.coldpath.core.spec.TextLabels;
import dev.coldpath.core.tensor.ElementType;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.Row;
import dev.coldpath.core.testing.TextModels;
import dev.coldpath.core.testing.TextReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The full-precision MiniLM through job-core's planner, encoder, batchifier, scorer and decoder, in padded batches,
 * against the per-text reference (DJL's tokenizer and plain ONNX Runtime, one text per call, no padding).
 */
class TextEmbeddingTest {
    private static final Path FOLDER = TextModels.minilm();
    private static byte[] model;
    private static TokenizerFile tokenizer;
    private static OnnxModel session;
    private static TextReference reference;

    @BeforeAll
    static void open() throws IOException {
        model = Files.readAllBytes(FOLDER.resolve("model.onnx"));
        tokenizer = new TokenizerFile(FOLDER.resolve("tokenizer.json").toString(),
                Files.readAllBytes(FOLDER.resolve("tokenizer.json")));
        session = OnnxModel.open("minilm", model, SessionSettings.cpu(2));
        reference = new TextReference(FOLDER, 128);
    }

    @AfterAll
    static void close() {
        session.close();
        reference.close();
    }

    private static ScoringPlan plan(Optional<Pooling> pooling, boolean normalize, int batchSize) {
        return Plans.request(model, session.signature(), Plans.schema("id", ColumnType.LONG, "body", ColumnType.STRING))
                .text(new TextRequest("body", tokenizer, OptionalInt.empty(), pooling, normalize, TextLabels.NONE,
                        false))
                .batchSize(batchSize).plan();
    }

    @Test
    void thePlanTokenizesTheColumnPadsPerBatchAndMeanPoolsByDefault() {
        ScoringPlan plan = plan(Optional.empty(), true, 16);

        assertThat(plan.binding().encoders()).containsExactly(new TokenizedText("input_ids", ElementType.INT64, "body",
                1, tokenizer, 128));
        assertThat(plan.binding().batchifier()).isEqualTo(new PadToLongest(0, List.of(
                new LengthInput("attention_mask", ElementType.INT64, LengthInput.Fill.MASK),
                new LengthInput("token_type_ids", ElementType.INT64, LengthInput.Fill.ZEROS))));
        assertThat(plan.binding().decoders()).containsExactly(new PooledEmbedding("last_hidden_state", "embedding",
                Pooling.MEAN, true, 3));
        assertThat(plan.output().keepColumns()).containsExactly("id");
    }

    /**
     * Every eighth of the 240 sentences, then the 10 paragraphs longer than 128 tokens: short and truncated texts
     * padded together in batches of 16 (the second batch holds both). All 250 go through padded batches in input order
     * (of 32), and through batches bucketed by length, in the CLI's TextEmbeddingsRunTest; here, the planner's pieces
     * on their own.
     */
    private static List<String> texts() {
        List<String> all = TextModels.sentences();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 240; i += 8) {
            texts.add(all.get(i));
        }
        texts.addAll(all.subList(240, 250));
        return texts;
    }

    @Test
    void paddedBatchesGiveEachTextsOwnEmbeddingWithin1e5() throws RowRejectedException, IOException {
        List<String> texts = texts();
        ScoringPlan plan = plan(Optional.of(Pooling.MEAN), true, 16);
        BatchScorer scorer = new BatchScorer(plan.binding(), session);
        TensorBatch batch = plan.newBatch();
        List<float[]> embeddings = new ArrayList<>();
        int truncated = 0;
        for (int start = 0; start < texts.size(); start += 16) {
            batch.clear();
            for (int i = start; i < Math.min(texts.size(), start + 16); i++) {
                batch.append(Row.of((long) i, texts.get(i)));
            }
            truncated += batch.truncatedRows();
            TensorValues out = (TensorValues) scorer.score(batch).get(0);
            assertThat(out.innerDims()).containsExactly(TextModels.DIMENSIONS);
            for (int r = 0; r < out.rows(); r++) {
                float[] row = new float[TextModels.DIMENSIONS];
                System.arraycopy((float[]) out.values(), r * row.length, row, 0, row.length);
                embeddings.add(row);
            }
        }

        double worst = 0;
        int expectedTruncated = 0;
        try (TextTokenizer untruncated = TextTokenizer.load(Files.readAllBytes(FOLDER.resolve("tokenizer.json")), "t",
                100_000)) {
            for (int i = 0; i < texts.size(); i++) {
                worst = Math.max(worst, maxAbsDiff(embeddings.get(i), reference.embed(texts.get(i), true)));
                expectedTruncated += untruncated.encode(texts.get(i)).length() > 128 ? 1 : 0;
            }
        }
        assertThat(embeddings).hasSize(texts.size());
        assertThat(worst).isLessThan(1e-5);
        assertThat(truncated).isEqualTo(expectedTruncated).isGreaterThanOrEqualTo(10);
    }

    @Test
    void anEmptyTextIsScoredAndANullTextIsRejectedNamingTheColumn() {
        ScoringPlan plan = plan(Optional.of(Pooling.CLS), false, 4);
        TensorBatch batch = plan.newBatch();

        assertThat(catchThrowable(() -> batch.append(Row.of(1L, null))))
                .isInstanceOf(RowRejectedException.class)
                .hasMessage("Column 'body' is null: model input 'input_ids' needs a text (an empty text is scored)");
        assertThatCode(() -> batch.append(Row.of(2L, ""))).doesNotThrowAnyException();
        List<Prediction> out = new BatchScorer(plan.binding(), session).score(batch);
        assertThat(out.get(0).rows()).isEqualTo(1);
    }

    @Test
    void aTokenBudgetClosesTheBatchBeforeItWouldHoldMorePaddedTokens() throws RowRejectedException {
        ScoringPlan plan = Plans.request(model, session.signature(), Plans.schema("id", ColumnType.LONG, "body", ColumnType.STRING))
                .text(new TextRequest("body", tokenizer, OptionalInt.empty(), Optional.empty(), false,
                        TextLabels.NONE, false, true, 12, false))
                .batchSize(16).plan();
        TensorBatch batch = plan.newBatch();

        assertThat(batch.appendWithinBudget(Row.of(1L, "Hello world"), 0)).isTrue(); // 4 tokens
        assertThat(batch.appendWithinBudget(Row.of(2L, "Good morning"), 1)).isTrue(); // 2 x 4 = 8
        assertThat(batch.appendWithinBudget(Row.of(3L, "A somewhat longer text"), 2)).as("3 x 6 > 12").isFalse();
        assertThat(batch.rows()).isEqualTo(2);
        assertThat(batch.paddedPositions()).isEqualTo(8);
        assertThat(batch.appendWithinBudget(Row.of(4L, "Hi"), 3)).as("3 x 4 = 12").isTrue();
        assertThat(batch.sourceRow(2)).isEqualTo(3);
        batch.clear();
        assertThat(batch.appendWithinBudget(Row.of(5L, String.join(" ", Collections.nCopies(40, "word"))),
                0)).as("a batch's first row always fits").isTrue();
    }

    @Test
    void lengthOrderIsShortestFirstAndStable() {
        int[] lengths = {5, 1, 5, 0, 3};
        assertThat(LengthOrder.of(lengths.length, r -> lengths[r])).containsExactly(3, 1, 4, 0, 2);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
