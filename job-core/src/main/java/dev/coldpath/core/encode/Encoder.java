package dev.coldpath.core.encode;

import dev.coldpath.core.tensor.ElementType;
import dev.coldpath.core.tensor.Values;
import java.io.Serializable;
import java.util.List;

/**
 * How one model input is made from a row: the columns it reads, the element type and per-row shape it writes, and
 * the writing of one row's values into the batch's buffer at the place the batching strategy gives ({@link
 * RowTarget}). What to do with a missing value is passed in, not decided here. Immutable and serializable: encoders
 * travel to executors in the plan.
 *
 * <p>The family is sealed in two branches: {@link ColumnarEncoder}s (scalar columns, an array column) also copy a
 * range of a columnar chunk a column at a time, the fast path; {@link RowEncoder} is the open branch for inputs made
 * one row at a time (a constant feature, tokenized text, a decoded image), each one new class.
 */
public sealed interface Encoder extends Serializable permits ColumnarEncoder, RowEncoder {
    /** The model input this encoder feeds. */
    String input();

    ElementType elementType();

    /** The columns read, in the order they are read; none for an input made from nothing. */
    List<String> columns();

    /** Each row's dimensions after the batch dimension; -1 where the row decides (the model leaves it symbolic). */
    long[] shape();

    /** Where the values come from, for people: {@code columns a, b, c}, {@code array column features}. */
    String source();

    /**
     * Writes one row into {@code target}: asks it for room ({@link RowTarget#start}) and fills that. Throws when the
     * row cannot become this input (a null the policy does not impute, an array of the wrong length), naming the
     * column; the batch then forgets the row.
     */
    void encode(Values row, RowTarget target, MissingValues missing) throws RowRejectedException;
}
