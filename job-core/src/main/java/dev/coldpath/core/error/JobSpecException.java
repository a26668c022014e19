package dev.coldpath.core.error;

/** The job description is wrong: an unknown key, an invalid value, a column that does not fit the model. */
public final class JobSpecException extends ColdpathException {
    public JobSpecException(String message) {
        super(Fault.USER, message, null);
    }
}
