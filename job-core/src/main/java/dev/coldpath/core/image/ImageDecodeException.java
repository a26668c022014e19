package dev.coldpath.core.image;

/**
 * Bytes that do not become an image: empty, truncated, corrupt, of an unknown format, or larger than allowed. Cheap to
 * throw (no stack trace): the encoder turns it into a rejected row.
 */
public final class ImageDecodeException extends Exception {
    public ImageDecodeException(String problem) {
        super(problem, null, false, false);
    }

    /** What is wrong with the bytes, for the row's reject reason: {@code truncated JPEG (premature end of data)}. */
    public String problem() {
        return getMessage();
    }
}
