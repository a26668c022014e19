package dev.coldpath.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.TensorValues;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.TextRequest;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.score.BatchScorer;
import dev.coldpath.core.spec.TextLabels;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.Row;
import dev.coldpath.core.testing.TextModels;
import dev.coldpath.core.testing.TextReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The int8 all-MiniLM-L6-v2 (dynamically quantized: its quantization ranges span the whole batch tensor, padding
 * included): in padded batches a text's embedding depends on its batch companions; with {@code text.batch-invariant}
 * every text is scored alone and equals the per-text reference exactly.
 */
class QuantizedBatchInvarianceTest {
    private static final Path FOLDER = TextModels.minilmQuantized();

    private static byte[] model;
    private static OnnxModel session;

    @BeforeAll
    static void open() throws IOException {
        model = Files.readAllBytes(FOLDER.resolve("model.onnx"));
        session = OnnxModel.open("minilm-q", model, SessionSettings.cpu(2));
    }

    @AfterAll
    static void close() {
        session.close();
    }

    /** The texts' embeddings in batches of 16, or each alone when {@code batchInvariant}; one session for all. */
    private static List<float[]> score(boolean batchInvariant, List<String> texts) throws Exception {
        TokenizerFile tokenizer = new TokenizerFile("tokenizer.json", Files.readAllBytes(FOLDER.resolve(
                "tokenizer.json")));
        ScoringPlan plan = Plans.request(model, session.signature(), Plans.schema("id", ColumnType.LONG, "body", ColumnType.STRING))
                .text(new TextRequest("body", tokenizer, OptionalInt.empty(), Optional.empty(), true,
                        TextLabels.NONE, false, false, 0, batchInvariant))
                .batchSize(16).plan();
        assertThat(plan.binding().inference().batchSize()).isEqualTo(batchInvariant ? 1 : 16);
        List<float[]> out = new ArrayList<>();
        BatchScorer scorer = new BatchScorer(plan.binding(), session);
        TensorBatch batch = plan.newBatch();
        int i = 0;
        while (i < texts.size()) {
            batch.clear();
            while (i < texts.size() && !batch.isFull()) {
                batch.append(Row.of((long) i, texts.get(i)));
                i++;
            }
            TensorValues values = (TensorValues) scorer.score(batch).get(0);
            for (int r = 0; r < values.rows(); r++) {
                float[] row = new float[TextModels.DIMENSIONS];
                System.arraycopy((float[]) values.values(), r * row.length, row, 0, row.length);
                out.add(row);
            }
        }
        return out;
    }

    /** 48 sentences of 25 to 300 characters: three padded batches of 16, each text also scored alone. */
    @Test
    void batchInvariantScoringGivesEachTextExactlyItsOwnEmbeddingAndPaddedBatchesDoNot() throws Exception {
        List<String> texts = TextModels.sentences().subList(0, 48);
        List<float[]> alone = score(true, texts);
        List<float[]> batched = score(false, texts);

        double worstAlone = 0;
        double worstBatched = 0;
        double lowestCosine = 1;
        try (TextReference reference = new TextReference(FOLDER, 128)) {
            for (int i = 0; i < texts.size(); i++) {
                float[] expected = reference.embed(texts.get(i), true);
                worstAlone = Math.max(worstAlone, TextEmbeddingTest.maxAbsDiff(alone.get(i), expected));
                worstBatched = Math.max(worstBatched, TextEmbeddingTest.maxAbsDiff(batched.get(i), expected));
                lowestCosine = Math.min(lowestCosine, dot(batched.get(i), expected));
            }
        }
        System.out.printf("QuantizedBatchInvarianceTest: max abs difference alone %.3g, in batches of 16 %.3g"
                + " (lowest cosine %.5f)%n", worstAlone, worstBatched, lowestCosine);
        assertThat(worstAlone).isZero();
        assertThat(worstBatched).as("the batch dependence this mode exists for").isGreaterThan(1e-3);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
