package dev.coldpath.core.spec;

import java.util.Locale;

/** What a job does when its output directory already exists. */
public enum OutputMode {
    ERROR, OVERWRITE;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
