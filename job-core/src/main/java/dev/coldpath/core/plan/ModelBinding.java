package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.batch.Batchifier;
import dev.coldpath.core.batch.PadToLongest;
import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.MissingValues;
import dev.coldpath.core.encode.TokenizedText;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.spec.Role;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One model in a run and how rows reach it and leave it: an encoder per model input, a batching strategy, the
 * session's settings, and a decoder per output written. Immutable and serializable; the session is opened on each
 * executor from {@link #model}.
 *
 * @param name         the binding's name in the job ({@code models.<name>}; the champion of a one-model job is
 *                     named {@code champion})
 * @param outputPrefix prepended to each of the model's output names to make its column names
 * @param encoders     one per model input the batchifier does not feed itself, in the model's input order
 * @param decoders     one per output written, in column order
 */
public record ModelBinding(String name, ModelArtifact model, Role role, String outputPrefix, List<Encoder> encoders,
                           Batchifier batchifier, List<OutputDecoder> decoders, Inference inference)
        implements Serializable {
    public ModelBinding {
        requireNonNull(name, "name is null");
        requireNonNull(model, "model is null");
        requireNonNull(role, "role is null");
        requireNonNull(outputPrefix, "outputPrefix is null");
        requireNonNull(batchifier, "batchifier is null");
        requireNonNull(inference, "inference is null");
        encoders = List.copyOf(encoders);
        decoders = List.copyOf(decoders);
        Set<String> inputs = new HashSet<>();
        for (Encoder encoder : encoders) {
            if (!inputs.add(encoder.input())) {
                throw new IllegalArgumentException("two encoders for model input '" + encoder.input() + "'");
            }
        }
        if (decoders.isEmpty()) {
            throw new IllegalArgumentException("a binding writes at least one output");
        }
    }

    /** A binding named after its role. */
    public ModelBinding(ModelArtifact model, Role role, String outputPrefix, List<Encoder> encoders,
                        Batchifier batchifier, List<OutputDecoder> decoders, Inference inference) {
        this(role.toString(), model, role, outputPrefix, encoders, batchifier, decoders, inference);
    }

    /** Whether the model reads a text column ({@code text.column}): its batches are counted in texts and tokens. */
    public boolean readsText() {
        return encoders.stream().anyMatch(e -> e instanceof TokenizedText);
    }

    /**
     * The input column whose length orders a task's window of rows before batches are filled (a text model's text
     * column, when its batchifier sorts by length), as an ordinal of the input row.
     */
    public OptionalInt lengthOrderColumn() {
        if (batchifier instanceof PadToLongest padding && padding.sortByLength()) {
            for (Encoder encoder : encoders) {
                if (encoder instanceof TokenizedText text) {
                    return OptionalInt.of(text.ordinal());
                }
            }
        }
        return OptionalInt.empty();
    }

    /** An empty batch of this binding's encoders and batching strategy, of the inference batch size. */
    public TensorBatch newBatch(MissingValues missing) {
        return new TensorBatch(encoders, batchifier, inference.batchSize(), missing);
    }
}
