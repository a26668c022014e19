package dev.coldpath.core.error;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The base of coldpath's few domain exceptions. Each carries the {@link Fault} that decides the exit code,
 * and a message that says what could not be done, to what, and what to do.
 */
public abstract class ColdpathException extends RuntimeException {
    private final Fault fault;

    protected ColdpathException(Fault fault, String message, Throwable cause) {
        super(message, cause);
        this.fault = requireNonNull(fault, "fault is null");
    }

    public Fault fault() {
        return fault;
    }

    /**
     * The first coldpath exception in a cause chain, for errors that cross an engine boundary (a Spark task
     * failure wraps the exception the partition function threw).
     */
    public static Optional<ColdpathException> find(Throwable t) {
        for (Throwable cur = t; cur != null; cur = cur.getCause()) {
            if (cur instanceof ColdpathException e) {
                return Optional.of(e);
            }
            if (cur.getCause() == cur) {
                break;
            }
        }
        return Optional.empty();
    }
}
