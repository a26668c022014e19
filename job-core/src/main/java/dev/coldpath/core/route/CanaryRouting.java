package dev.coldpath.core.route;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.schema.Column;
import java.io.Serializable;
import java.util.List;

/**
 * Which rows a run's canary publishes: those whose key, hashed by {@link RouteKey}, falls in one of the first
 * {@code basisPoints} of {@link RouteKey#BUCKETS} buckets. Immutable and serializable: it travels with the plan.
 *
 * @param key         the input columns whose values are the routing key, in order; empty without a canary
 * @param basisPoints the canary's share of buckets, 0 to 10,000 (percent x 100)
 */
public record CanaryRouting(List<Column> key, int basisPoints) implements Serializable {
    /** No canary: every row is the champion's. */
    public static final CanaryRouting NONE = new CanaryRouting(List.of(), 0);

    public CanaryRouting {
        key = List.copyOf(key);
        if (basisPoints < 0 || basisPoints > RouteKey.BUCKETS) {
            throw new IllegalArgumentException("basisPoints must be 0 to " + RouteKey.BUCKETS + ": " + basisPoints);
        }
        for (Column c : key) {
            requireNonNull(c, "key column is null");
        }
    }

    public boolean isSet() {
        return !key.isEmpty();
    }

    /** Whether the row whose key hashes to {@code bucket} goes to the canary. */
    public boolean toCanary(int bucket) {
        return bucket < basisPoints;
    }
}
