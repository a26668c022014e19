package dev.coldpath.core.error;

/** The input data does not fit the job: a missing or empty input, a value the model cannot take. */
public final class InputDataException extends ColdpathException {
    public InputDataException(String message) {
        super(Fault.USER, message, null);
    }

    public InputDataException(String message, Throwable cause) {
        super(Fault.USER, message, cause);
    }

    public InputDataException(Fault fault, String message) {
        super(fault, message, null);
    }
}
