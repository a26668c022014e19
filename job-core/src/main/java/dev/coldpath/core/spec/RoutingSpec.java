package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Which rows a canary publishes: {@code routing.canary-percent} and {@code routing.key}. Only a job with a canary
 * sets it; the same key always goes to the same binding (docs/models.md, "Routing").
 *
 * @param canaryPercent the share of keys sent to the canary, in percent; empty when not set
 * @param key           the input columns whose values route a row; empty when not set
 */
public record RoutingSpec(Optional<Double> canaryPercent, List<String> key) {
    public static final RoutingSpec NONE = new RoutingSpec(Optional.empty(), List.of());

    public RoutingSpec {
        requireNonNull(canaryPercent, "canaryPercent is null");
        key = List.copyOf(key);
    }

    /** The section as {@code config} sets it. */
    public static RoutingSpec from(JobConfig config) {
        return new RoutingSpec(config.find(JobKey.ROUTING_PERCENT), config.find(JobKey.ROUTING_KEY).orElse(List.of()));
    }

    public boolean isSet() {
        return canaryPercent.isPresent() || !key.isEmpty();
    }
}
