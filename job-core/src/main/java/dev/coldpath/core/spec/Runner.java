package dev.coldpath.core.spec;

import java.util.Locale;

/** Which engine scores a run: {@code runner} (docs/operations.md, Runner). */
public enum Runner {
    /** Local when the job fits one machine and the local runner supports its plan; else Spark. */
    AUTO,
    /** Spark, on the job's master. */
    SPARK,
    /** In this JVM, without Spark. */
    LOCAL;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
