package dev.coldpath.core.error;

/** A file system or object store failed: listing, reading or writing did not go through. Retrying may help. */
public final class StorageException extends ColdpathException {
    public StorageException(String message, Throwable cause) {
        super(Fault.EXTERNAL, message, cause);
    }
}
