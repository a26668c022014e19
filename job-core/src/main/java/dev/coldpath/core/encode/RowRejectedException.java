package dev.coldpath.core.encode;

/**
 * A row that cannot become part of a tensor: a null feature, an array of the wrong length. Cheap to throw (no
 * stack trace): the caller decides whether it fails the job or quarantines the row.
 */
public final class RowRejectedException extends Exception {
    private final String column;

    public RowRejectedException(String column, String reason) {
        super(reason, null, false, false);
        this.column = column;
    }

    /** The column that held the bad value. */
    public String column() {
        return column;
    }

    /** What is wrong, naming the column, the model input, what was expected and what was found. */
    public String reason() {
        return getMessage();
    }
}
