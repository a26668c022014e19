package dev.coldpath.core.error;

/** The engine failed for reasons outside the job: lost executors, a cluster that cannot be reached. */
public final class ClusterException extends ColdpathException {
    public ClusterException(String message, Throwable cause) {
        super(Fault.EXTERNAL, message, cause);
    }
}
