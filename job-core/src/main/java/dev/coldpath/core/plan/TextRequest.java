package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.decode.Pooling;
import dev.coldpath.core.spec.TextLabels;
import dev.coldpath.core.spec.TextSpec;
import dev.coldpath.core.text.TokenizerFile;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a job asks of a text model ({@code text.*}), with its tokenizer file read.
 *
 * @param maxLength the truncation length; empty for the tokenizer file's, else 512
 * @param pooling   empty to let the planner choose: mean for a model with a sequence or sentence_embedding output
 */
public record TextRequest(String column, TokenizerFile tokenizer, OptionalInt maxLength, Optional<Pooling> pooling,
                          boolean normalize, TextLabels labels, boolean keepLogits, boolean bucketing,
                          int maxBatchTokens, boolean batchInvariant) {
    /** A request that fills batches in the rows' order, limited by their size only. */
    public TextRequest(String column, TokenizerFile tokenizer, OptionalInt maxLength, Optional<Pooling> pooling,
                       boolean normalize, TextLabels labels, boolean keepLogits) {
        this(column, tokenizer, maxLength, pooling, normalize, labels, keepLogits, false, 0, false);
    }

    public TextRequest {
        requireNonNull(column, "column is null");
        requireNonNull(tokenizer, "tokenizer is null");
        requireNonNull(maxLength, "maxLength is null");
        requireNonNull(pooling, "pooling is null");
        requireNonNull(labels, "labels is null");
    }

    /** The request of a job's text keys, with the tokenizer they name. */
    public static TextRequest of(TextSpec spec, TokenizerFile tokenizer) {
        return new TextRequest(spec.column().orElseThrow(() -> new IllegalArgumentException("not a text job")),
                tokenizer, spec.maxLength(), spec.pooling(), spec.normalize(), spec.labels(), spec.keepLogits(),
                spec.bucketing(), spec.maxBatchTokens(), spec.batchInvariant());
    }

    /** The truncation length: the job's, else the tokenizer file's, else 512. */
    public int effectiveMaxLength() {
        return maxLength.isPresent() ? maxLength.getAsInt() : tokenizer.declaredMaxLength();
    }
}
