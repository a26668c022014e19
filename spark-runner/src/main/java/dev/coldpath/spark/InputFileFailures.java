package dev.coldpath.spark;

import dev.coldpath.connectors.ParquetFooters;
import dev.coldpath.core.error.InputDataException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spark's and parquet-mr's failures to read one input file (corrupt, truncated, empty, not Parquet, or with a
 * column whose type differs from the other files'), recognised in a failure's causes and turned into the user's
 * error that names the file. Retrying cannot help with these, so they must not look like storage failures.
 */
final class InputFileFailures {
    /** Where Spark or parquet-mr names the file, in the order they are tried. */
    private static final Pattern[] FILE = {
        Pattern.compile("Could not read footer for file: ?(\\S+?)\\.?(?:\\s|$)"),
        Pattern.compile("Parquet column cannot be converted in file (\\S+?)\\.(?:\\s|$)"),
        Pattern.compile("Encountered error while reading file (\\S+?)\\.(?:\\s|$)"),
        Pattern.compile("(\\S+) is not a Parquet file"),
    };
    /** What is wrong with the file, recognised in any cause's message. */
    private static final Pattern PROBLEM = Pattern.compile("is not a Parquet file|corrupted file|footer is too large"
            + "|Parquet column cannot be converted|can not read class org\\.apache\\.parquet|Column: \\[|"
            + "Expected magic number|CANNOT_READ_FILE_FOOTER|FAILED_READ_FILE\\.PARQUET_COLUMN_DATA_TYPE_MISMATCH");

    /** parquet-mr's message for a footer length beyond the file (a truncated file, usually). */

    private InputFileFailures() {
    }

    /** The user's error behind {@code failure}, if it is a bad input file. */
    static Optional<InputDataException> classify(Throwable failure) {
        return classify(failure, null);
    }

    /**
     * As {@link #classify(Throwable)}, for a failure reading {@code known} (the local runner's reader knows the file
     * it reads, where Spark's messages name it).
     */
    static Optional<InputDataException> classify(Throwable failure, String known) {
        String file = null;
        boolean bad = false;
        String root = "";
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            bad |= PROBLEM.matcher(message).find()
                    || t.getClass().getSimpleName().equals("SchemaColumnConvertNotSupportedException");
            for (Pattern pattern : FILE) {
                Matcher m = pattern.matcher(message);
                if (file == null && m.find()) {
                    file = m.group(1);
                }
            }
            root = message.lines().findFirst().orElse("").strip();
        }
        file = file == null ? known : file;
        if (!bad || file == null) {
            return Optional.empty();
        }
        root = ParquetFooters.problem(root);
        return Optional.of(new InputDataException("Cannot read input file " + file + ": " + root + " (a corrupt,"
                + " truncated or non-Parquet file, or one whose column types differ from the other files':"
                + " remove or rewrite it)", failure));
    }
}
