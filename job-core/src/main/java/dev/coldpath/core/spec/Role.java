package dev.coldpath.core.spec;

import java.util.Locale;

/** What a model binding's outputs are for in a run: {@code models.<name>.role}. */
public enum Role {
    /** Its outputs are the run's predictions (except for the rows routed to the canary); a run has exactly one. */
    CHAMPION,
    /** Scores every row; its outputs are kept beside the run for comparison and never published. */
    SHADOW,
    /** Publishes its outputs for the stable share of keys that {@code routing} sends to it; a run has at most one. */
    CANARY;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
