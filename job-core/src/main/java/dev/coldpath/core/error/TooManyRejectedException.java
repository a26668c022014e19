package dev.coldpath.core.error;

/** More rows were rejected than bad-rows.max-fraction allows; nothing was committed. */
public final class TooManyRejectedException extends ColdpathException {
    public TooManyRejectedException(String message) {
        super(Fault.TOO_MANY_REJECTED, message, null);
    }
}
