package dev.coldpath.core.error;

/** ONNX Runtime failed on a batch that had passed every check coldpath makes. */
public final class InferenceException extends ColdpathException {
    public InferenceException(String message, Throwable cause) {
        super(Fault.USER, message, cause);
    }
}
