package dev.coldpath.core.tensor;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.plan.InputFeed;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.spec.BadRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills reusable direct buffers, one per model input, and wraps them as tensors without copying. Rows come one
 * at a time ({@link #append}) or, when the input is columnar and clean, a range of a chunk at a time
 * ({@link #appendColumns}). Not thread safe: each task owns one. A rejected row leaves the batch as it was
 * before that row.
 */
public final class TensorBatch {
    /** Rows per tile of a columnar append: 64 rows of up to 32 floats (8 KB) fit in any L1 data cache. */
    private static final int TILE_ROWS = 64;
    private final List<InputWriter> writers = new ArrayList<>();
    private final int capacity;
    private int rows;

    public TensorBatch(ScoringPlan plan) {
        this.capacity = plan.batchSize();
        for (InputFeed feed : plan.feeds()) {
            writers.add(new InputWriter(feed, capacity, plan.badRows()));
        }
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

    /** Adds one row's features; on rejection nothing of the row is kept. */
    public void append(Values row) throws RowRejectedException {
        if (rows == capacity) {
            throw new IllegalStateException("batch is full: " + capacity);
        }
        try {
            for (InputWriter writer : writers) {
                writer.write(row, rows);
            }
        } catch (RowRejectedException e) {
            if (rows == 0) { // a rejected first row must not fix the batch's symbolic dimensions
                writers.forEach(InputWriter::reset);
            }
            throw e;
        }
        rows++;
    }

    /**
     * Adds rows {@code from} (inclusive) to {@code to} (exclusive) of a columnar chunk, one pass per column. Only
     * for inputs fed from scalar columns or from a flat array column of a fixed shape, and rows with no null or
     * NaN feature and no array of another length: returns false, with the batch as it was, when any of that does
     * not hold or the rows do not fit; {@link #append} then takes the rows one by one and rejects or imputes the
     * bad values.
     */
    public boolean appendColumns(Columns chunk, int from, int to) {
        int count = to - from;
        if (from < 0 || to > chunk.rows() || count < 0) {
            throw new IllegalArgumentException("no rows " + from + ".." + to + " in a chunk of " + chunk.rows());
        }
        if (count > capacity - rows) {
            return false;
        }
        for (InputWriter writer : writers) {
            if (!writer.acceptsColumns(chunk)) {
                return false;
            }
        }
        for (InputWriter writer : writers) {
            if (!writer.writeColumns(chunk, from, count, rows)) {
                return false;
            }
        }
        rows += count;
        return true;
    }

    public void clear() {
        rows = 0;
        writers.forEach(InputWriter::reset);
    }

    /**
     * Tensors over the batch's rows, by input name. They share the batch's buffers: close them before the
     * next {@link #append}.
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
            for (InputWriter writer : writers) {
                tensors.put(writer.feed.input(), writer.tensor(env, from, to));
            }
            return tensors;
        } catch (OrtException | RuntimeException e) {
            tensors.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    /** Writes one input's values for a row into its buffer. */
    private static final class InputWriter {
        final InputFeed feed;
        final int capacity;
        final ElementCopy copy;
        final int[] ordinals;
        final long[] declared;
        final boolean impute;
        final double imputeValue;
        long[] inner;
        int perRow;
        final TensorBuffer values;
        /** The fed columns of the chunk being appended, one per ordinal. */
        final Values[] columns;

        InputWriter(InputFeed feed, int capacity, BadRows badRows) {
            this.feed = feed;
            this.capacity = capacity;
            this.impute = badRows.imputeMissing();
            this.imputeValue = badRows.imputeValue();
            this.copy = feed.elementType().copyFrom(feed.sourceKind()).orElseThrow();
            this.ordinals = feed.ordinals();
            this.declared = feed.innerShape();
            this.values = new TensorBuffer(feed.elementType());
            this.columns = new Values[ordinals.length];
            reset();
        }

        void reset() {
            inner = declared.clone();
            perRow = product(inner);
        }

        /**
         * Whether {@link #writeColumns} can take the chunk: scalar columns without nulls, or a flat array column of a
         * fixed shape without null arrays or elements.
         */
        boolean acceptsColumns(Columns chunk) {
            if (feed.layout() == InputFeed.Layout.ARRAY) {
                Columns.ArrayElements arrays = chunk.arrays(ordinals[0]);
                return feed.arrayDepth() == 1 && product(declared) > 0 && arrays != null
                        && !chunk.mayHaveNulls(ordinals[0]) && !arrays.elementsMayHaveNulls();
            }
            for (int ordinal : ordinals) {
                if (chunk.mayHaveNulls(ordinal)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Writes {@code count} rows' arrays one after the other; false if an array has another length (the row
         * path rejects it) or an element is NaN.
         */
        private boolean writeArrays(Columns chunk, int from, int count, int rowIndex) {
            ensureBuffer();
            Columns.ArrayElements arrays = chunk.arrays(ordinals[0]);
            Values elements = arrays.elements();
            Object target = values.array();
            int base = rowIndex * perRow;
            int position = base;
            for (int r = from; r < from + count; r++) {
                if (arrays.length(r) != perRow) {
                    return false;
                }
                for (int i = arrays.offset(r), end = i + perRow; i < end; i++) {
                    copy.copy(elements, i, target, position++);
                }
            }
            return values.firstNaN(base, position) < 0;
        }

        /**
         * Writes {@code count} rows column by column from row {@code rowIndex} on; false if one holds a NaN. The rows
         * go in tiles of {@link #TILE_ROWS}, all columns of a tile before the next tile, so the tile's part of the
         * row-major buffer stays in the L1 cache while each column is scattered into it.
         */
        boolean writeColumns(Columns chunk, int from, int count, int rowIndex) {
            if (feed.layout() == InputFeed.Layout.ARRAY) {
                return writeArrays(chunk, from, count, rowIndex);
            }
            ensureBuffer();
            Object target = values.array();
            for (int k = 0; k < ordinals.length; k++) {
                columns[k] = chunk.column(ordinals[k]);
            }
            int stride = perRow;
            int base = rowIndex * stride;
            for (int tile = 0; tile < count; tile += TILE_ROWS) {
                int end = Math.min(count, tile + TILE_ROWS);
                for (int k = 0; k < columns.length; k++) {
                    Values column = columns[k];
                    for (int r = tile, position = base + tile * stride + k; r < end; r++, position += stride) {
                        copy.copy(column, from + r, target, position);
                    }
                }
            }
            return values.firstNaN(base, base + count * stride) < 0;
        }

        void write(Values row, int rowIndex) throws RowRejectedException {
            if (feed.layout() == InputFeed.Layout.COLUMNS) {
                ensureBuffer();
                int base = rowIndex * perRow;
                for (int k = 0; k < ordinals.length; k++) {
                    if (row.isNullAt(ordinals[k])) {
                        if (!impute) {
                            throw reject(ordinals[k], "is null");
                        }
                        putImputed(base + k);
                    } else {
                        copy.copy(row, ordinals[k], values.array(), base + k);
                    }
                }
                checkNaN(base, ordinals.length);
                return;
            }
            int ordinal = ordinals[0];
            if (row.isNullAt(ordinal)) {
                if (!impute || perRow < 0) {
                    throw reject(ordinal, "is null");
                }
                ensureBuffer();
                for (int i = 0; i < perRow; i++) {
                    putImputed(rowIndex * perRow + i);
                }
                return;
            }
            Values array = row.getArray(ordinal);
            if (perRow < 0) {
                if (rowIndex != 0) {
                    throw new IllegalStateException("shape unresolved after the first row");
                }
                resolveShape(array);
            }
            ensureBuffer();
            int base = rowIndex * perRow;
            if (feed.arrayDepth() == 1) {
                if (array.size() != perRow) {
                    throw reject(ordinal, "has an array of length " + array.size() + " but model input '"
                            + feed.input() + "' needs " + perRow + " values per row" + shapeNote());
                }
                copyElements(array, base, ordinal);
            } else {
                writeNested(array, 0, base, ordinal);
            }
            checkNaN(base, perRow);
        }

        /** Rejects (or imputes) NaN values the row wrote; only float and double tensors can hold them. */
        private void checkNaN(int base, int count) throws RowRejectedException {
            for (int i = values.firstNaN(base, base + count); i >= 0; i = values.firstNaN(i + 1, base + count)) {
                if (!impute) {
                    String column = feed.layout() == InputFeed.Layout.COLUMNS ? feed.columns().get(i - base)
                            : feed.columns().get(0);
                    throw new RowRejectedException(column, "Column '" + column + "' is NaN"
                            + (feed.layout() == InputFeed.Layout.ARRAY ? " at array index " + (i - base) : ""));
                }
                putImputed(i);
            }
        }

        private void putImputed(int position) {
            values.put(position, imputeValue);
        }

        private void copyElements(Values array, int base, int ordinal) throws RowRejectedException {
            for (int i = 0, n = array.size(); i < n; i++) {
                if (array.isNullAt(i)) {
                    if (!impute) {
                        throw reject(ordinal, "has a null array element at index " + i);
                    }
                    putImputed(base + i);
                } else {
                    copy.copy(array, i, values.array(), base + i);
                }
            }
        }

        /** Writes nested arrays level by level; returns the next buffer position. */
        private int writeNested(Values array, int level, int position, int ordinal) throws RowRejectedException {
            if (array.size() != inner[level]) {
                throw reject(ordinal, "has an array of length " + array.size() + " at nesting level " + (level + 1)
                        + " but model input '" + feed.input() + "' needs " + inner[level] + shapeNote());
            }
            if (level == inner.length - 1) {
                copyElements(array, position, ordinal);
                return position + array.size();
            }
            int next = position;
            for (int i = 0, n = array.size(); i < n; i++) {
                if (array.isNullAt(i)) {
                    throw reject(ordinal, "has a null nested array at level " + (level + 1) + ", index " + i);
                }
                next = writeNested(array.getArray(i), level + 1, next, ordinal);
            }
            return next;
        }

        /** Fixes symbolic dimensions from the batch's first row. */
        private void resolveShape(Values array) throws RowRejectedException {
            if (feed.arrayDepth() == 1) {
                long known = 1;
                int unknownAt = -1;
                for (int i = 0; i < inner.length; i++) {
                    if (inner[i] < 0) {
                        unknownAt = i;
                    } else {
                        known *= inner[i];
                    }
                }
                if (known == 0 || array.size() % known != 0) {
                    throw reject(ordinals[0], "has an array of length " + array.size() + " that does not fill model"
                            + " input '" + feed.input() + "' (a multiple of " + known + " values is needed)");
                }
                inner[unknownAt] = array.size() / known;
            } else {
                Values level = array;
                for (int i = 0; i < inner.length; i++) {
                    if (inner[i] < 0) {
                        inner[i] = level.size();
                    }
                    if (i < inner.length - 1) {
                        if (level.size() == 0 || level.isNullAt(0)) {
                            throw reject(ordinals[0], "has an empty or null nested array at level " + (i + 1));
                        }
                        level = level.getArray(0);
                    }
                }
            }
            perRow = product(inner);
        }

        private String shapeNote() {
            return Arrays.stream(declared).anyMatch(d -> d < 0)
                    ? " (set by the first row of the batch, as the model leaves that dimension symbolic)" : "";
        }

        private void ensureBuffer() {
            long needed = (long) capacity * perRow * feed.elementType().byteWidth();
            if (needed > Integer.MAX_VALUE) {
                throw new IllegalStateException("A batch of " + capacity + " rows of model input '" + feed.input()
                        + "' needs " + needed + " bytes: lower inference.batch-size");
            }
            values.ensure(capacity * perRow);
        }

        OnnxTensor tensor(OrtEnvironment env, int from, int to) throws OrtException {
            ensureBuffer();
            long[] shape = new long[inner.length + 1];
            shape[0] = to - from;
            System.arraycopy(inner, 0, shape, 1, inner.length);
            return values.tensor(env, from * perRow, (to - from) * perRow, shape);
        }

        private RowRejectedException reject(int ordinal, String problem) {
            String column = feed.columns().get(feed.layout() == InputFeed.Layout.COLUMNS
                    ? indexOf(ordinals, ordinal) : 0);
            return new RowRejectedException(column, "Column '" + column + "' " + problem);
        }

        private static int indexOf(int[] values, int value) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == value) {
                    return i;
                }
            }
            return 0;
        }

        private static int product(long[] dims) {
            long p = 1;
            for (long d : dims) {
                if (d < 0) {
                    return -1;
                }
                p *= d;
            }
            return Math.toIntExact(p);
        }
    }
}
