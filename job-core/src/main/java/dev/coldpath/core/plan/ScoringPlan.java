package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.batch.Batchifier;
import dev.coldpath.core.batch.Stack;
import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.MissingValues;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.BadRows;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything an executor needs to score a partition, checked against the model and the input schema before
 * any data is read. Immutable and serializable; the session is opened on the executor from {@link #model}.
 *
 * @param input        the schema of the rows the executor receives
 * @param keepColumns  input columns copied to the output, in order, before the prediction columns
 * @param threads      intra-op threads per session; 0 lets the executor choose (its task cpus)
 */
public record ScoringPlan(ModelArtifact model, RowSchema input, List<Encoder> encoders, Batchifier batchifier,
                          List<OutputDecoder> outputs, List<String> keepColumns, int batchSize, int threads,
                          BadRows badRows, Device device) implements Serializable {
    public ScoringPlan(ModelArtifact model, RowSchema input, List<Encoder> encoders, List<OutputDecoder> outputs,
                       List<String> keepColumns, int batchSize, int threads) {
        this(model, input, encoders, new Stack(), outputs, keepColumns, batchSize, threads, BadRows.FAIL, Device.CPU);
    }

    public ScoringPlan {
        requireNonNull(batchifier, "batchifier is null");
        requireNonNull(badRows, "badRows is null");
        requireNonNull(device, "device is null");
        requireNonNull(model, "model is null");
        requireNonNull(input, "input is null");
        encoders = List.copyOf(encoders);
        outputs = List.copyOf(outputs);
        keepColumns = List.copyOf(keepColumns);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be > 0: " + batchSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0: " + threads);
        }
    }

    /** The schema of the rows written: kept columns, then one column per model output. */
    public RowSchema outputSchema() {
        List<Column> cols = new ArrayList<>();
        for (String keep : keepColumns) {
            cols.add(input.find(keep).orElseThrow());
        }
        for (OutputDecoder out : outputs) {
            cols.add(new Column(out.column(), out.type()));
        }
        return new RowSchema(cols);
    }

    public ScoringPlan withBadRows(BadRows rows) {
        return new ScoringPlan(model, input, encoders, batchifier, outputs, keepColumns, batchSize, threads, rows,
                device);
    }

    public ScoringPlan withDevice(Device where) {
        return new ScoringPlan(model, input, encoders, batchifier, outputs, keepColumns, batchSize, threads, badRows,
                where);
    }

    /** An empty batch for this plan's encoders, batching strategy, batch size and missing-value policy. */
    public TensorBatch newBatch() {
        return new TensorBatch(encoders, batchifier, batchSize,
                new MissingValues(badRows.imputeMissing(), badRows.imputeValue()));
    }

    public int[] keepOrdinals() {
        return keepColumns.stream().mapToInt(input::indexOf).toArray();
    }
}
