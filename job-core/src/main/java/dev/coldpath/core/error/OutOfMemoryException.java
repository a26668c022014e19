package dev.coldpath.core.error;

/**
 * A JVM ran out of memory while it scored: the message names the setting to lower or raise. An internal error
 * (exit 70), as the preflight check of the batch size let the job start. It replaces the {@link OutOfMemoryError}
 * and does not carry it as its cause: Spark's executor looks through causes for fatal errors, and answers one by
 * ending the executor's JVM (exit 52 in local mode, without a message). Whoever catches the error logs it.
 */
public final class OutOfMemoryException extends ColdpathException {
    public OutOfMemoryException(String message) {
        super(Fault.INTERNAL, message, null);
    }
}
