package dev.coldpath.core.error;

/**
 * A run was committed (it is listed, its data is complete) but the table's current pointer could not be moved to
 * it, or readers' copy of the pointer could not be rewritten. The message says so, and which
 * {@code coldpath runs promote} finishes the job; retrying the whole run also does.
 */
public final class RunNotPromotedException extends ColdpathException {
    public RunNotPromotedException(String message, Throwable cause) {
        super(Fault.EXTERNAL, message, cause);
    }
}
