package dev.coldpath.core.error;

/** Predictions could not be written or committed; nothing of the run is visible as committed. */
public final class OutputCommitException extends ColdpathException {
    public OutputCommitException(Fault fault, String message, Throwable cause) {
        super(fault, message, cause);
    }
}
