package dev.coldpath.core.error;

/** A run exceeded a budget the job set (wall time, inference latency, row count); nothing was committed. */
public final class BudgetBreachedException extends ColdpathException {
    public BudgetBreachedException(String message) {
        super(Fault.BUDGET_BREACHED, message, null);
    }

    /** @param cause how the breach showed, e.g. the cancellation of the run's work when its wall time passed */
    public BudgetBreachedException(String message, Throwable cause) {
        super(Fault.BUDGET_BREACHED, message, cause);
    }
}
