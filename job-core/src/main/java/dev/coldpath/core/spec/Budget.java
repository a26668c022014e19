package dev.coldpath.core.spec;

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
}
