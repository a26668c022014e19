package dev.coldpath.core.batch;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.encode.ColumnarEncoder;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.MissingValues;
import dev.coldpath.core.encode.RowRejectedException;
import dev.coldpath.core.tensor.Columns;
import dev.coldpath.core.tensor.TensorBuffer;
import dev.coldpath.core.tensor.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A batch of rows on their way into a model: each input's encoder writes the rows into buffers the batchifier lays
 * out, and the batch wraps them as tensors without copying. Rows come one at a time ({@link #append}) or a range of a
 * columnar chunk at a time ({@link #appendColumns}), the fast path. The batch remembers which source row each of its
 * rows came from. Not thread safe: each task owns one, and reuses it batch after batch. A rejected row leaves the batch
 * as it was before that row.
 */
public final class TensorBatch {
    private final List<InputRows> inputs = new ArrayList<>();
    private final MissingValues missing;
    private final int capacity;
    private final List<LengthInput> lengthInputs;
    private final List<TensorBuffer> lengthBuffers = new ArrayList<>();
    private final PaddedRows lengthSource;
    private final int maxBatchTokens;
    private final int[] sourceRows;
    private final boolean[] recheck;
    private int rows;

    /** A batch of up to {@code capacity} rows for these encoders (one per model input), laid out by a batchifier. */
    public TensorBatch(List<Encoder> encoders, Batchifier batchifier, int capacity, MissingValues missing) {
        requireNonNull(batchifier, "batchifier is null");
        this.missing = requireNonNull(missing, "missing is null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be > 0: " + capacity);
        }
        this.capacity = capacity;
        PaddedRows firstPadded = null;
        for (Encoder encoder : encoders) {
            InputRows input = batchifier.open(encoder, capacity);
            inputs.add(input);
            if (firstPadded == null && input instanceof PaddedRows padded) {
                firstPadded = padded;
            }
        }
        this.lengthInputs = batchifier.lengthInputs();
        if (!lengthInputs.isEmpty() && firstPadded == null) {
            throw new IllegalArgumentException("input '" + lengthInputs.get(0).input() + "' is made from the lengths"
                    + " of a padded input, but no input is padded");
        }
        for (LengthInput input : lengthInputs) {
            lengthBuffers.add(new TensorBuffer(input.type()));
        }
        this.lengthSource = firstPadded;
        this.maxBatchTokens = batchifier instanceof PadToLongest padding ? padding.maxBatchTokens() : 0;
        this.sourceRows = new int[capacity];
        this.recheck = new boolean[capacity];
    }

    public int rows() {
        return rows;
    }

    public int capacity() {
        return capacity;
    }

    public boolean isFull() {
        return rows == capacity;
    }

    /** The source row (as given to {@link #append}, or the chunk row) that batch row {@code r} came from. */
    public int sourceRow(int r) {
        if (r < 0 || r >= rows) {
            throw new IndexOutOfBoundsException("no row " + r + " in a batch of " + rows);
        }
        return sourceRows[r];
    }

    /** Adds one row's features; on rejection nothing of the row is kept. */
    public void append(Values row) throws RowRejectedException {
        append(row, rows);
    }

    /** Adds one row's features, remembering it came from source row {@code sourceRow}. */
    public void append(Values row, int sourceRow) throws RowRejectedException {
        if (rows == capacity) {
            throw new IllegalStateException("batch is full: " + capacity);
        }
        encode(row, rows);
        sourceRows[rows++] = sourceRow;
    }

    /**
     * Adds one row unless it would take the batch over its batchifier's token budget ({@link
     * PadToLongest#maxBatchTokens}: rows x the longest row of the first padded input): then the batch stays as it
     * was and this returns false, and the row goes into the next batch. The first row of a batch always fits.
     */
    public boolean appendWithinBudget(Values row, int sourceRow) throws RowRejectedException {
        if (rows == capacity) {
            throw new IllegalStateException("batch is full: " + capacity);
        }
        encode(row, rows);
        if (maxBatchTokens > 0 && rows > 0 && lengthSource != null) {
            if ((long) (rows + 1) * lengthSource.longest(0, rows + 1) > maxBatchTokens) {
                inputs.forEach(i -> i.rollback(rows));
                return false;
            }
        }
        sourceRows[rows++] = sourceRow;
        return true;
    }

    /** Writes a row into slot {@code slot} of every input, or forgets it in all of them. */
    private void encode(Values row, int slot) throws RowRejectedException {
        for (InputRows input : inputs) {
            input.at(slot);
            try {
                input.encoder().encode(row, input, missing);
            } catch (RowRejectedException | RuntimeException e) {
                inputs.forEach(i -> i.rollback(rows));
                throw e;
            }
        }
    }

    /**
     * Adds rows {@code from} (inclusive) to {@code to} (exclusive) of a columnar chunk, one pass per column, when all
     * of them are clean (no null, NaN, or array of another length). Returns false, with the batch as it was, when any
     * row is not, when an input cannot be written a column at a time (a nested array, a symbolic dimension, a padded
     * input), or when the rows do not fit; {@link #append} then takes the rows one by one.
     */
    public boolean appendColumns(Columns chunk, int from, int to) {
        return appendColumns(chunk, from, to, null);
    }

    /**
     * Adds rows {@code from} (inclusive) to {@code to} (exclusive) of a columnar chunk, one pass per column; a row
     * that holds a null, a NaN or an array of another length is then encoded again on its own, which imputes it or
     * rejects it: {@code rejects} hears of each rejected row, in chunk order, and the batch keeps the others in
     * order. Returns false, with the batch as it was, when an input cannot be written a column at a time or the rows
     * do not fit; {@link #append} then takes the rows one by one.
     */
    public boolean appendColumns(Columns chunk, int from, int to, RejectedRows rejects) {
        int count = to - from;
        if (from < 0 || to > chunk.rows() || count < 0) {
            throw new IllegalArgumentException("no rows " + from + ".." + to + " in a chunk of " + chunk.rows());
        }
        if (count > capacity - rows) {
            return false;
        }
        int[] perRow = new int[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            InputRows input = inputs.get(i);
            perRow[i] = input.denseValuesPerRow();
            if (perRow[i] <= 0 || !(input.encoder() instanceof ColumnarEncoder columnar)
                    || !columnar.acceptsColumns(chunk)) {
                return false;
            }
        }
        Arrays.fill(recheck, 0, count, false);
        boolean marked = false;
        for (int i = 0; i < inputs.size(); i++) {
            InputRows input = inputs.get(i);
            marked |= ((ColumnarEncoder) input.encoder()).encodeColumns(chunk, from, count, input.buffer(),
                    rows * perRow[i], recheck);
        }
        if (marked && rejects == null) {
            return false;
        }
        for (int r = 0; r < count; r++) {
            sourceRows[rows + r] = from + r;
        }
        if (marked) {
            encodeMarked(chunk, from, count, rejects);
        } else {
            rows += count;
        }
        return true;
    }

    /**
     * Encodes the marked rows of a range just written again, one by one, then closes the gaps the rejected ones left
     * (a run of kept rows moves in one copy per input).
     */
    private void encodeMarked(Columns chunk, int from, int count, RejectedRows rejects) {
        int first = rows;
        for (int r = 0; r < count; r++) {
            if (!recheck[r]) {
                continue;
            }
            try {
                rows = first + r; // a rejection rolls back to the rows before this one
                encode(chunk.rowValues(from + r), first + r);
                recheck[r] = false;
            } catch (RowRejectedException e) {
                rows = first;
                rejects.rejected(from + r, e); // recheck[r] stays set: the row is left out
            }
        }
        int kept = first;
        for (int r = 0; r < count; ) {
            if (recheck[r]) {
                r++;
                continue;
            }
            int end = r;
            while (end < count && !recheck[end]) {
                end++;
            }
            if (kept != first + r) {
                for (InputRows input : inputs) {
                    input.moveRows(first + r, kept, end - r);
                }
                System.arraycopy(sourceRows, first + r, sourceRows, kept, end - r);
            }
            kept += end - r;
            r = end;
        }
        rows = kept;
    }

    /**
     * The lengths (L) of rows {@code from} to {@code to} (exclusive) of the first padded input, as its tensor pads
     * them (a text's tokens); empty when no input is padded.
     */
    public Optional<int[]> lengths(int from, int to) {
        return lengthSource == null ? Optional.empty() : Optional.of(lengthSource.lengths(from, to));
    }

    /** The sum of the batch's row lengths in the first padded input (a text model's tokens, padding left out). */
    public long paddedLength() {
        long total = 0;
        if (lengthSource != null) {
            for (int length : lengthSource.lengths(0, rows)) {
                total += length;
            }
        }
        return total;
    }

    /** Positions of the first padded input once padded: rows x the longest row (a text model's padded tokens). */
    public long paddedPositions() {
        return lengthSource == null || rows == 0 ? 0 : (long) rows * lengthSource.longest(0, rows);
    }

    /** How many of the batch's rows had a value cut to fit (texts truncated at their maximum length). */
    public int truncatedRows() {
        int n = 0;
        for (int r = 0; r < rows; r++) {
            for (InputRows input : inputs) {
                if (input.truncated(r)) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    public void clear() {
        rows = 0;
        inputs.forEach(InputRows::clear);
    }

    /**
     * Tensors over the batch's rows, by input name. They share the batch's buffers: close them before the next
     * {@link #append}.
     */
    public Map<String, OnnxTensor> tensors(OrtEnvironment env) throws OrtException {
        return tensors(env, 0, rows);
    }

    /** Tensors over rows {@code from} (inclusive) to {@code to} (exclusive) of the batch. */
    public Map<String, OnnxTensor> tensors(OrtEnvironment env, int from, int to) throws OrtException {
        if (from < 0 || to > rows || from >= to) {
            throw new IllegalStateException("no rows " + from + ".." + to + " in a batch of " + rows);
        }
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (InputRows input : inputs) {
                tensors.put(input.encoder().input(), input.tensor(env, from, to));
            }
            for (int i = 0; i < lengthInputs.size(); i++) {
                LengthInput input = lengthInputs.get(i);
                tensors.put(input.input(), lengthSource.lengthTensor(env, from, to, input.fill(),
                        lengthBuffers.get(i)));
            }
            return tensors;
        } catch (OrtException | RuntimeException e) {
            tensors.values().forEach(OnnxTensor::close);
            throw e;
        }
    }
}
