package dev.coldpath.core.error;

/**
 * Who has to act on a failure, and so which exit code a command returns. The CLI maps each value to its
 * code in one place; schedulers rely on the codes staying stable.
 */
public enum Fault {
    /** The job, its configuration, the model or the input data is wrong: the user must change something. */
    USER(2),
    /** The input is not there yet (a partition that has not landed): a scheduler may wait and retry. */
    INPUT_NOT_READY(3),
    /** A latency, wall-time or row-count budget of the job was breached. */
    BUDGET_BREACHED(4),
    /** More rows were rejected than the job allows. */
    TOO_MANY_REJECTED(5),
    /** A system outside coldpath failed: storage, the cluster, the network. Retrying may help. */
    EXTERNAL(6),
    /** A bug in coldpath. */
    INTERNAL(70);

    private final int exitCode;

    Fault(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
