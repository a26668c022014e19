package dev.coldpath.core.metrics;

import java.util.Locale;

/** The stages a batch goes through, timed separately. */
public enum Stage {
    /** Pulling rows from the input: Parquet read and decode upstream of coldpath. */
    READ,
    /**
     * Tokenizing a text model's window of rows ahead of its batches, in one call (the rows' texts are then ordered
     * by token count); text models only.
     */
    TOKENIZE,
    /** Copying row values into tensor buffers. */
    TENSOR,
    /** ONNX Runtime's run call. */
    INFERENCE,
    /** Copying outputs out of ONNX Runtime into columns. */
    DECODE,
    /** Handing the batch's rows to the writer, until the next batch starts. */
    WRITE;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
