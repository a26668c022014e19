package dev.coldpath.core.error;

/** A model cannot be read, verified or opened by ONNX Runtime. */
public final class ModelLoadException extends ColdpathException {
    public ModelLoadException(String message, Throwable cause) {
        super(Fault.USER, message, cause);
    }

    public ModelLoadException(Fault fault, String message, Throwable cause) {
        super(fault, message, cause);
    }
}
