package dev.coldpath.core.metrics;

import java.util.Locale;

/** The stages a batch goes through, timed separately. */
public enum Stage {
    /** Pulling rows from the input: Parquet read and decode upstream of coldpath. */
    READ,
    /**
     * Tokenizing a text model's window of rows ahead of its batches, in one call (the rows' texts are then ordered
     * by token count); recorded only by runs of text models.
     */
    TOKENIZE,
    /**
     * Decoding and preprocessing encoded images ({@code image.column}) into tensor buffers, on the task's thread or on
     * its decode-ahead thread while the previous batch is scored; recorded only by runs that read images.
     */
    IMAGE,
    /** Copying row values into tensor buffers (for images: what the image stage leaves, such as waiting for it). */
    TENSOR,
    /** ONNX Runtime's run call. */
    INFERENCE,
    /** Copying outputs out of ONNX Runtime into columns. */
    DECODE,
    /** Handing the batch's rows to the writer, until the next batch starts. */
    WRITE;

    /** Whether only some runs record this stage, and leave it out of their manifests and summaries otherwise. */
    public boolean optional() {
        return this == TOKENIZE || this == IMAGE;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
