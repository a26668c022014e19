package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * What a run writes and where: the input columns copied beside the predictions, and the sink.
 *
 * @param keepColumns input columns copied to each output row, in order, before the prediction columns
 */
public record ScoringOutput(List<String> keepColumns, Sink sink) implements Serializable {
    public ScoringOutput {
        keepColumns = List.copyOf(keepColumns);
        requireNonNull(sink, "sink is null");
    }
}
