package dev.coldpath.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.decode.Pooling;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.ClassNames;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.TextRequest;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.score.BatchScorer;
import dev.coldpath.core.spec.TextLabels;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.Row;
import dev.coldpath.core.testing.TestGraphs;
import dev.coldpath.core.testing.TextModels;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * {@code text.labels: softmax} on a two-class classifier by token count (TestGraphs.tokenLengthClassifier: logits
 * [n - 10, 10 - n] for a text of n tokens), with MiniLM's tokenizer; and the planner's errors for text models.
 */
class TextClassifierTest {
    private static final byte[] CLASSIFIER = TestGraphs.tokenLengthClassifier();
    private static final ClassNames NAMES = new ClassNames(List.of("long", "short"), "config.json id2label");

    private static TokenizerFile tokenizer() throws IOException {
        return new TokenizerFile("tokenizer.json", Files.readAllBytes(TextModels.minilm().resolve("tokenizer.json")));
    }

    private static Plans request(byte[] model, Optional<Pooling> pooling, TextLabels labels, boolean keepLogits)
            throws IOException {
        return Plans.request(model, Plans.schema("id", ColumnType.LONG, "body", ColumnType.STRING))
                .text(new TextRequest("body", tokenizer(), OptionalInt.empty(), pooling, false, labels, keepLogits));
    }

    @Test
    void softmaxWritesTheClassNameAndItsProbabilityAndKeepsTheLogitsWhenAsked() throws Exception {
        ScoringPlan plan = request(CLASSIFIER, Optional.empty(), TextLabels.SOFTMAX, true).classNames(NAMES).plan();
        assertThat(plan.binding().decoders()).extracting(OutputDecoder::column)
                .containsExactly("label", "score", "logits");
        assertThat(plan.binding().decoders()).extracting(d -> d.type().toString())
                .containsExactly("string", "float", "array<float>");

        List<String> texts = List.of("Hello world", "", "one two three four five six seven eight nine ten eleven");
        TensorBatch batch = plan.newBatch();
        for (int i = 0; i < texts.size(); i++) {
            batch.append(Row.of((long) i, texts.get(i)));
        }
        List<Prediction> out;
        try (OnnxModel session = OnnxModel.open("classifier", CLASSIFIER, SessionSettings.cpu(1))) {
            out = new BatchScorer(plan.binding(), session).score(batch);
        }

        try (TextTokenizer t = TextTokenizer.load(tokenizer().json(), "t", 128)) {
            for (int i = 0; i < texts.size(); i++) {
                double n = t.encode(texts.get(i)).length(); // [CLS] ... [SEP]: 4, 2 and 13 tokens
                double margin = Math.abs(2 * (n - 10));
                assertThat(out.get(0).valueAt(i)).isEqualTo(n > 10 ? "long" : "short");
                assertThat((Float) out.get(1).valueAt(i)).isCloseTo((float) (1 / (1 + Math.exp(-margin))),
                        offset(1e-6f));
                assertThat(out.get(2).valueAt(i)).isEqualTo(List.of((float) (n - 10), (float) (10 - n)));
            }
        }
    }

    @Test
    void poolingAskedOfAModelWithoutASequenceOutputIsAnError() {
        assertThatThrownBy(() -> request(CLASSIFIER, Optional.of(Pooling.MEAN), TextLabels.NONE, false).plan())
                .isInstanceOf(JobSpecException.class)
                .hasMessage("text.pooling: mean needs a sequence output float[N,L,H] (or a sentence_embedding output"
                        + " float[N,H]), but the model's outputs are logits float[N,2]: set text.pooling to none");
    }

    @Test
    void withoutPoolingOrLabelsAModelWithoutASequenceOutputWritesItsOutputs() throws IOException {
        ScoringPlan plan = request(CLASSIFIER, Optional.empty(), TextLabels.NONE, false).plan();

        assertThat(plan.binding().decoders()).extracting(OutputDecoder::column).containsExactly("logits");
    }

    @Test
    void softmaxNeedsClassNames() {
        assertThatThrownBy(() -> request(CLASSIFIER, Optional.empty(), TextLabels.SOFTMAX, false).plan())
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("text.labels: softmax needs the class names: an id2label in the config.json");
    }

    @Test
    void theTextColumnMustBeAStringColumnOfTheInput() {
        assertThatThrownBy(() -> Plans.request(CLASSIFIER, Plans.schema("id", ColumnType.LONG, "body",
                ColumnType.LONG)).text(new TextRequest("body", tokenizer(), OptionalInt.empty(), Optional.empty(),
                false, TextLabels.NONE, false)).plan())
                .isInstanceOf(JobSpecException.class)
                .hasMessage("Invalid text.column: column 'body' is bigint; a text model reads a string column");
        assertThatThrownBy(() -> Plans.request(CLASSIFIER, Plans.schema("id", ColumnType.LONG))
                .text(new TextRequest("body", tokenizer(), OptionalInt.empty(), Optional.empty(), false,
                        TextLabels.NONE, false)).plan())
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Invalid text.column: column 'body' not found in the input");
    }
}
