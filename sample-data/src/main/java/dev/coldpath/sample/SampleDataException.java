package dev.coldpath.sample;

/** The sample data could not be generated; the message says which input or output and what to do. */
public class SampleDataException extends RuntimeException {
    public SampleDataException(String message) {
        super(message);
    }

    public SampleDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
