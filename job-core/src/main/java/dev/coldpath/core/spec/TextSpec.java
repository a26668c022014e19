package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.decode.Pooling;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a text model reads a string column and what it writes: {@code text.*}. A job is a text job when it names
 * {@link #column}. The keys apply to every model of the job.
 *
 * @param column     the string column tokenized into the model's token ids; empty for a job that is not text
 * @param tokenizer  the tokenizer.json; empty for the one beside the model
 * @param maxLength  the truncation length in tokens; empty for the tokenizer file's, else 512
 * @param pooling    how per-token outputs become the {@code embedding} column; empty to let the planner choose
 *                   (mean for a model with a sequence or sentence_embedding output, else none)
 * @param normalize  whether each embedding is divided by its L2 norm
 * @param labels     what a classifier's logits become
 * @param keepLogits     with {@code labels: softmax}, whether the logits are written too
 * @param bucketing      whether each task orders a window of texts by length before filling batches
 * @param maxBatchTokens the most padded tokens of a batch (texts x its longest); 0 for no limit
 * @param batchInvariant whether each text is scored alone (batches of one, no padding), so that a model whose
 *                       result depends on its batch (dynamic quantization) gives every text its own result
 */
public record TextSpec(Optional<String> column, Optional<String> tokenizer, OptionalInt maxLength,
                       Optional<Pooling> pooling, boolean normalize, TextLabels labels, boolean keepLogits,
                       boolean bucketing, int maxBatchTokens, boolean batchInvariant) {
    /** The default {@code text.max-batch-tokens}. */
    public static final int DEFAULT_MAX_BATCH_TOKENS = 4_096;
    public static final TextSpec NONE = new TextSpec(Optional.empty(), Optional.empty(), OptionalInt.empty(),
            Optional.empty(), false, TextLabels.NONE, false, true, DEFAULT_MAX_BATCH_TOKENS, false);

    public TextSpec {
        requireNonNull(column, "column is null");
        requireNonNull(tokenizer, "tokenizer is null");
        requireNonNull(maxLength, "maxLength is null");
        requireNonNull(pooling, "pooling is null");
        requireNonNull(labels, "labels is null");
        if (maxBatchTokens < 0) {
            throw new IllegalArgumentException("maxBatchTokens must be >= 0: " + maxBatchTokens);
        }
    }

    /** The section as {@code config} sets it, defaults applied. */
    public static TextSpec from(JobConfig config) {
        Optional<Integer> maxLength = config.find(JobKey.TEXT_MAX_LENGTH);
        return new TextSpec(config.find(JobKey.TEXT_COLUMN), config.find(JobKey.TEXT_TOKENIZER),
                maxLength.map(OptionalInt::of).orElse(OptionalInt.empty()), config.find(JobKey.TEXT_POOLING),
                config.get(JobKey.TEXT_NORMALIZE), config.get(JobKey.TEXT_LABELS), config.get(JobKey.TEXT_KEEP_LOGITS),
                config.get(JobKey.TEXT_BUCKETING), config.get(JobKey.TEXT_MAX_BATCH_TOKENS),
                config.get(JobKey.TEXT_BATCH_INVARIANT));
    }

    /** Whether the job reads a text column. */
    public boolean isText() {
        return column.isPresent();
    }
}
