package dev.coldpath.core.plan;

import dev.coldpath.core.batch.LengthInput;
import dev.coldpath.core.batch.PadToLongest;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.decode.PooledEmbedding;
import dev.coldpath.core.decode.Pooling;
import dev.coldpath.core.decode.SoftmaxLabel;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.TokenizedText;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.ClassNames;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.model.ValueKind;
import dev.coldpath.core.model.ValueSpec;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType.Kind;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.TextLabels;
import dev.coldpath.core.tensor.ElementType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The planner's part for a text model ({@code text.column}): a {@link TokenizedText} encoder for the token ids, a
 * {@link PadToLongest} batchifier that makes the attention mask and token types from the lengths, and the decoders
 * of the embedding ({@link PooledEmbedding}) or of the classifier's label and score ({@link SoftmaxLabel}).
 */
final class TextBindings {
    /** The token-ids input, and the inputs made from the lengths, by the names Hugging Face exports give them. */
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    /** An output the graph pooled itself (sentence-transformers exports). */
    static final String SENTENCE_EMBEDDING = "sentence_embedding";
    /** Sequence outputs to pool, in order of preference; else the first float [N, L, H] output. */
    static final List<String> SEQUENCE_OUTPUTS = List.of("last_hidden_state", "token_embeddings");
    /** The columns a text model writes. */
    static final String EMBEDDING = "embedding";
    static final String LABEL = "label";
    static final String SCORE = "score";
    /** With inference.batch-size auto: texts per batch (the attention's memory grows with rows x tokens²). */
    static final int AUTO_BATCH_SIZE = 64;

    private TextBindings() {
    }

    /** A text binding's encoders, batching and decoders. */
    record Text(List<Encoder> encoders, PadToLongest batchifier, List<OutputDecoder> decoders) {
    }

    static Text plan(ScoringPlanner.BindingRequest wanted, TextRequest text, RowSchema schema) {
        ModelSignature signature = wanted.signature();
        Column column = schema.find(text.column()).orElseThrow(() -> new JobSpecException("Invalid text.column:"
                + " column '" + text.column() + "' not found in the input (input columns: " + schema + ")"));
        if (column.type().kind() != Kind.STRING) {
            throw new JobSpecException("Invalid text.column: column '" + column.name() + "' is " + column.type()
                    + "; a text model reads a string column");
        }
        ValueSpec ids = signature.input(INPUT_IDS).orElseGet(() -> {
            if (signature.inputs().size() != 1) {
                throw new JobSpecException("The model has no input '" + INPUT_IDS + "' for the token ids of"
                        + " text.column (its inputs: " + ModelSignature.describe(signature.inputs()) + ")");
            }
            return signature.inputs().get(0);
        });
        ElementType idType = tokenType(ids, "token ids");
        List<LengthInput> lengths = new ArrayList<>();
        for (ValueSpec input : signature.inputs()) {
            if (input == ids) {
                continue;
            }
            if (input.name().equals(ATTENTION_MASK)) {
                lengths.add(new LengthInput(input.name(), tokenType(input, "attention mask"), LengthInput.Fill.MASK));
            } else if (input.name().equals(TOKEN_TYPE_IDS)) {
                lengths.add(new LengthInput(input.name(), tokenType(input, "token types"), LengthInput.Fill.ZEROS));
            } else {
                throw new JobSpecException("Cannot feed model input '" + input.name() + "' " + input.describe()
                        + " of a text model: coldpath feeds " + INPUT_IDS + ", " + ATTENTION_MASK + " and "
                        + TOKEN_TYPE_IDS + " from text.column");
            }
        }
        Encoder encoder = new TokenizedText(ids.name(), idType, column.name(), schema.indexOf(column.name()),
                text.tokenizer(), text.effectiveMaxLength());
        PadToLongest batchifier = new PadToLongest(text.tokenizer().padId(), lengths, text.maxBatchTokens(),
                text.bucketing());
        return new Text(List.of(encoder), batchifier, decoders(wanted, text));
    }

    /** Token inputs are int64 or int32 [N, L]. */
    private static ElementType tokenType(ValueSpec input, String what) {
        if (input.kind() != ValueKind.TENSOR || input.rank() != 2
                || input.element() != ElementType.INT64 && input.element() != ElementType.INT32) {
            throw new JobSpecException("Model input '" + input.name() + "' " + input.describe() + " cannot take the "
                    + what + " of text.column: they are int64[N,L] or int32[N,L]");
        }
        return input.element();
    }

    private static List<OutputDecoder> decoders(ScoringPlanner.BindingRequest wanted, TextRequest text) {
        ModelSignature signature = wanted.signature();
        String prefix = wanted.prefix();
        if (text.labels() == TextLabels.SOFTMAX) {
            if (text.pooling().filter(p -> p != Pooling.NONE).isPresent()) {
                throw new JobSpecException("text.labels: softmax writes a classifier's label and score; it takes no"
                        + " text.pooling (leave it out, or set it to none)");
            }
            ClassNames names = wanted.classNames().orElseThrow(() -> new JobSpecException("text.labels: softmax"
                    + " needs the class names: an id2label in the config.json beside the model (or in its metadata)"));
            ValueSpec logits = signature.output("logits").filter(TextBindings::isMatrix).or(() -> signature.outputs()
                    .stream().filter(TextBindings::isMatrix).findFirst()).orElseThrow(() -> new JobSpecException(
                    "text.labels: softmax needs a float[N,K] logits output; the model's outputs: "
                            + ModelSignature.describe(signature.outputs())));
            if (logits.shape().get(1).isFixed() && logits.shape().get(1).size() != names.names().size()) {
                throw new JobSpecException("Model output '" + logits.name() + "' " + logits.describe() + " has "
                        + logits.shape().get(1).size() + " classes but " + names.source() + " names "
                        + names.names().size());
            }
            List<OutputDecoder> decoders = new ArrayList<>(List.of(
                    new SoftmaxLabel(logits.name(), prefix + LABEL, names.names(), SoftmaxLabel.Part.LABEL),
                    new SoftmaxLabel(logits.name(), prefix + SCORE, names.names(), SoftmaxLabel.Part.SCORE)));
            if (text.keepLogits()) {
                decoders.add(ScoringPlanner.decoder(logits, prefix + logits.name()));
            }
            return decoders;
        }
        Optional<ValueSpec> pooled = signature.output(SENTENCE_EMBEDDING).filter(TextBindings::isMatrix);
        Optional<ValueSpec> sequence = SEQUENCE_OUTPUTS.stream().map(signature::output).flatMap(Optional::stream)
                .filter(TextBindings::isSequence).findFirst()
                .or(() -> signature.outputs().stream().filter(TextBindings::isSequence).findFirst());
        Pooling pooling = text.pooling().orElse(pooled.isPresent() || sequence.isPresent() ? Pooling.MEAN
                : Pooling.NONE);
        if (pooling == Pooling.NONE) {
            return List.of(); // the model's outputs, as for any model
        }
        if (pooled.isPresent()) {
            return List.of(new PooledEmbedding(pooled.get().name(), prefix + EMBEDDING, pooling, text.normalize(), 2));
        }
        if (sequence.isEmpty()) {
            throw new JobSpecException("text.pooling: " + pooling + " needs a sequence output float[N,L,H] (or a "
                    + SENTENCE_EMBEDDING + " output float[N,H]), but the model's outputs are "
                    + ModelSignature.describe(signature.outputs()) + ": set text.pooling to none");
        }
        return List.of(new PooledEmbedding(sequence.get().name(), prefix + EMBEDDING, pooling, text.normalize(), 3));
    }

    private static boolean isMatrix(ValueSpec v) {
        return v.kind() == ValueKind.TENSOR && v.rank() == 2 && v.element() == ElementType.FLOAT;
    }

    private static boolean isSequence(ValueSpec v) {
        return v.kind() == ValueKind.TENSOR && v.rank() == 3 && v.element() == ElementType.FLOAT;
    }
}
