package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Limits a run must stay within. A breach fails the run (exit 4) before anything is committed, or, with
 * {@code warnOnly}, is reported and the run commits.
 *
 * @param p99BatchMs the 99th percentile of the inference stage, per batch, in milliseconds
 */
public record Budget(Optional<Duration> maxWallTime, OptionalDouble p99BatchMs, OptionalLong minRows,
                     boolean warnOnly) implements Serializable {
    public static final Budget NONE = new Budget(Optional.empty(), OptionalDouble.empty(), OptionalLong.empty(), false);

    public Budget {
        requireNonNull(maxWallTime, "maxWallTime is null");
        requireNonNull(p99BatchMs, "p99BatchMs is null");
        requireNonNull(minRows, "minRows is null");
    }

    /** The section as {@code config} sets it ({@code budget.*}), defaults applied. */
    public static Budget from(JobConfig config) {
        return new Budget(config.find(JobKey.BUDGET_WALL_TIME),
                config.find(JobKey.BUDGET_P99).map(OptionalDouble::of).orElse(OptionalDouble.empty()),
                config.find(JobKey.BUDGET_MIN_ROWS).map(OptionalLong::of).orElse(OptionalLong.empty()),
                config.get(JobKey.BUDGET_ON_BREACH));
    }

    /** Optionals are not serializable: a budget travels (with the plan) as its plain values. */
    private Object writeReplace() {
        return new Serialized(maxWallTime.orElse(null), p99BatchMs.isPresent() ? p99BatchMs.getAsDouble() : null,
                minRows.isPresent() ? minRows.getAsLong() : null, warnOnly);
    }

    private record Serialized(Duration maxWallTime, Double p99BatchMs, Long minRows, boolean warnOnly)
            implements Serializable {
        private Object readResolve() {
            return new Budget(Optional.ofNullable(maxWallTime),
                    p99BatchMs == null ? OptionalDouble.empty() : OptionalDouble.of(p99BatchMs),
                    minRows == null ? OptionalLong.empty() : OptionalLong.of(minRows), warnOnly);
        }
    }
}
