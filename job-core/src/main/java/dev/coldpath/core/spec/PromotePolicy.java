package dev.coldpath.core.spec;

import java.util.Locale;

/** Whether a successful run becomes its table's current run by itself, or only by {@code runs promote}. */
public enum PromotePolicy {
    ON_SUCCESS, MANUAL;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
