package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.encode.MissingValues;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.Budget;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a run does, checked against the models and the input schema before any data is read: the input, the
 * model bindings, the output and its sink, the bad-row policy and the budgets. Immutable and serializable: the
 * executors receive it with the partition function. A run has one binding (the {@link Role#PRIMARY} model).
 */
public record ScoringPlan(ScoringInput input, List<ModelBinding> bindings, ScoringOutput output, BadRows badRows,
                          Budget budget) implements Serializable {
    public ScoringPlan {
        requireNonNull(input, "input is null");
        requireNonNull(output, "output is null");
        requireNonNull(badRows, "badRows is null");
        requireNonNull(budget, "budget is null");
        bindings = List.copyOf(bindings);
        if (bindings.size() != 1 || bindings.get(0).role() != Role.PRIMARY) {
            throw new IllegalArgumentException("a plan has exactly one binding, of role PRIMARY: " + bindings.size());
        }
        for (String keep : output.keepColumns()) {
            if (input.schema().find(keep).isEmpty()) {
                throw new IllegalArgumentException("kept column '" + keep + "' is not in the input");
            }
        }
    }

    /** The run's one model binding. */
    public ModelBinding binding() {
        return bindings.get(0);
    }

    /** The schema of the rows written: kept columns, then each binding's prediction columns. */
    public RowSchema outputSchema() {
        List<Column> cols = new ArrayList<>();
        for (String keep : output.keepColumns()) {
            cols.add(input.schema().find(keep).orElseThrow());
        }
        for (ModelBinding binding : bindings) {
            for (OutputDecoder out : binding.decoders()) {
                cols.add(new Column(out.column(), out.type()));
            }
        }
        return new RowSchema(cols);
    }

    /** The kept columns' positions in the input row. */
    public int[] keepOrdinals() {
        return output.keepColumns().stream().mapToInt(input.schema()::indexOf).toArray();
    }

    /** What encoders do with a null or NaN feature, as the bad-row policy says. */
    public MissingValues missingValues() {
        return new MissingValues(badRows.imputeMissing(), badRows.imputeValue());
    }

    /** An empty batch for the binding, with this plan's missing-value policy. */
    public TensorBatch newBatch() {
        return binding().newBatch(missingValues());
    }
}
