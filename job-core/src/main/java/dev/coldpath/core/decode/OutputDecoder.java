package dev.coldpath.core.decode;

import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.schema.ColumnType;
import java.io.Serializable;
import java.util.Optional;

/**
 * Turns one model output of a batch into a column's values: a tensor into {@link TensorValues}, a sequence of maps
 * into {@link MapValues}, a classifier's ids into its class names ({@link ClassNamesDecoder}). Immutable and
 * serializable: decoders travel with the plan.
 */
public sealed interface OutputDecoder extends Serializable permits TensorDecoder, MapDecoder, ClassNamesDecoder,
        PooledEmbedding, SoftmaxLabel, TopClasses {
    /** The model output read. */
    String output();

    /** The column written. */
    String column();

    /** The column's type. */
    ColumnType type();

    /** Copies the output of a batch of {@code rows} rows out of ONNX Runtime; the caller closes {@code value}. */
    Prediction decode(OnnxValue value, int rows) throws OrtException;

    /**
     * Decodes knowing each row's sequence length in the batch ({@code TensorBatch#lengths}: a text's tokens), which
     * a decoder that pools over the unpadded positions needs; the others ignore it.
     */
    default Prediction decode(OnnxValue value, int rows, Optional<int[]> lengths) throws OrtException {
        return decode(value, rows);
    }
}
