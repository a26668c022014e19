package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.encode.MissingValues;
import dev.coldpath.core.route.CanaryRouting;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.Budget;
import dev.coldpath.core.spec.Role;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a run does, checked against the models and the input schema before any data is read: the input, the
 * model bindings, the output and its sink, the bad-row policy and the budgets. Immutable and serializable: the
 * executors receive it with the partition function. A run has one {@link Role#CHAMPION} binding, any number of
 * shadows and at most one canary, which {@code routing} sends its share of keys.
 */
public record ScoringPlan(ScoringInput input, List<ModelBinding> bindings, CanaryRouting routing,
                          ScoringOutput output, BadRows badRows, Budget budget) implements Serializable {
    public ScoringPlan {
        requireNonNull(input, "input is null");
        requireNonNull(routing, "routing is null");
        requireNonNull(output, "output is null");
        requireNonNull(badRows, "badRows is null");
        requireNonNull(budget, "budget is null");
        bindings = List.copyOf(bindings);
        Set<String> names = new HashSet<>();
        int champions = 0;
        int canaries = 0;
        for (ModelBinding b : bindings) {
            if (!names.add(b.name())) {
                throw new IllegalArgumentException("two bindings named '" + b.name() + "'");
            }
            champions += b.role() == Role.CHAMPION ? 1 : 0;
            canaries += b.role() == Role.CANARY ? 1 : 0;
        }
        if (champions != 1 || canaries > 1) {
            throw new IllegalArgumentException("a plan has one champion and at most one canary: " + champions
                    + " champions, " + canaries + " canaries");
        }
        if ((canaries == 1) != routing.isSet()) {
            throw new IllegalArgumentException("routing is set exactly when there is a canary");
        }
        for (var key : routing.key()) {
            if (!input.schema().columns().contains(key)) {
                throw new IllegalArgumentException("routing key column " + key + " is not in the input");
            }
        }
        for (String keep : output.keepColumns()) {
            if (input.schema().find(keep).isEmpty()) {
                throw new IllegalArgumentException("kept column '" + keep + "' is not in the input");
            }
        }
    }

    /** A plan of one model, or of models with no canary. */
    public ScoringPlan(ScoringInput input, List<ModelBinding> bindings, ScoringOutput output, BadRows badRows,
                       Budget budget) {
        this(input, bindings, CanaryRouting.NONE, output, badRows, budget);
    }

    /** The champion: the run's one binding when it has one model. */
    public ModelBinding binding() {
        return bindings.stream().filter(b -> b.role() == Role.CHAMPION).findFirst().orElseThrow();
    }

    /**
     * How many sessions each executor JVM needs for this run: one per distinct model (by sha256), so that the
     * per-JVM session cache holds all of them at once (its bound follows the job when this is larger).
     */
    public int sessionsPerExecutor() {
        return (int) bindings.stream().map(b -> b.model().sha256()).distinct().count();
    }

    /** The schema of the rows written: kept columns, then the champion's prediction columns. */
    public RowSchema outputSchema() {
        return schemaOf(binding());
    }

    /** The schema of the rows written for {@code binding}: kept columns, then its prediction columns. */
    public RowSchema schemaOf(ModelBinding binding) {
        List<Column> cols = new ArrayList<>();
        for (String keep : output.keepColumns()) {
            cols.add(input.schema().find(keep).orElseThrow());
        }
        for (OutputDecoder out : binding.decoders()) {
            cols.add(new Column(out.column(), out.type()));
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
