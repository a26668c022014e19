package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.compare.ComparisonBudget;
import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Limits a run must stay within. A breach fails the run (exit 4) before anything is committed, or, with
 * {@code warnOnly}, is reported and the run commits.
 *
 * @param p99BatchMs   the 99th percentile of the inference stage, per batch, in milliseconds
 * @param minAgreement the lowest label agreement (0 to 1) a model may have with the champion (several models)
 * @param maxPsi       the highest PSI of a model's labels or scores against the champion's (several models)
 * @param maxDriftPsi  the highest PSI of a published output against the table's previous run's
 */
public record Budget(Optional<Duration> maxWallTime, OptionalDouble p99BatchMs, OptionalLong minRows,
                     boolean warnOnly, OptionalDouble minAgreement, OptionalDouble maxPsi,
                     OptionalDouble maxDriftPsi) implements Serializable {
    public static final Budget NONE = new Budget(Optional.empty(), OptionalDouble.empty(), OptionalLong.empty(), false);

    public Budget {
        requireNonNull(maxWallTime, "maxWallTime is null");
        requireNonNull(p99BatchMs, "p99BatchMs is null");
        requireNonNull(minRows, "minRows is null");
        requireNonNull(minAgreement, "minAgreement is null");
        requireNonNull(maxPsi, "maxPsi is null");
        requireNonNull(maxDriftPsi, "maxDriftPsi is null");
    }

    /** Budgets without the drift limit. */
    public Budget(Optional<Duration> maxWallTime, OptionalDouble p99BatchMs, OptionalLong minRows, boolean warnOnly,
                  OptionalDouble minAgreement, OptionalDouble maxPsi) {
        this(maxWallTime, p99BatchMs, minRows, warnOnly, minAgreement, maxPsi, OptionalDouble.empty());
    }

    /** Budgets without the comparison's limits. */
    public Budget(Optional<Duration> maxWallTime, OptionalDouble p99BatchMs, OptionalLong minRows, boolean warnOnly) {
        this(maxWallTime, p99BatchMs, minRows, warnOnly, OptionalDouble.empty(), OptionalDouble.empty());
    }

    /** The budgets on the comparisons with the champion and on the drift against the previous run. */
    public ComparisonBudget comparisons() {
        return new ComparisonBudget(minAgreement, maxPsi, maxDriftPsi);
    }

    /** The section as {@code config} sets it ({@code budget.*}), defaults applied. */
    public static Budget from(JobConfig config) {
        return new Budget(config.find(JobKey.BUDGET_WALL_TIME),
                config.find(JobKey.BUDGET_P99).map(OptionalDouble::of).orElse(OptionalDouble.empty()),
                config.find(JobKey.BUDGET_MIN_ROWS).map(OptionalLong::of).orElse(OptionalLong.empty()),
                config.get(JobKey.BUDGET_ON_BREACH),
                optional(config.find(JobKey.BUDGET_MIN_AGREEMENT)), optional(config.find(JobKey.BUDGET_MAX_PSI)),
                optional(config.find(JobKey.BUDGET_MAX_DRIFT_PSI)));
    }

    private static OptionalDouble optional(Optional<Double> value) {
        return value.map(OptionalDouble::of).orElse(OptionalDouble.empty());
    }

    private static Double boxed(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }

    private static OptionalDouble unboxed(Double value) {
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** Optionals are not serializable: a budget travels (with the plan) as its plain values. */
    private Object writeReplace() {
        return new Serialized(maxWallTime.orElse(null), boxed(p99BatchMs),
                minRows.isPresent() ? minRows.getAsLong() : null, warnOnly, boxed(minAgreement), boxed(maxPsi),
                boxed(maxDriftPsi));
    }

    private record Serialized(Duration maxWallTime, Double p99BatchMs, Long minRows, boolean warnOnly,
                              Double minAgreement, Double maxPsi, Double maxDriftPsi) implements Serializable {
        private Object readResolve() {
            return new Budget(Optional.ofNullable(maxWallTime), unboxed(p99BatchMs),
                    minRows == null ? OptionalLong.empty() : OptionalLong.of(minRows), warnOnly,
                    unboxed(minAgreement), unboxed(maxPsi), unboxed(maxDriftPsi));
        }
    }
}
