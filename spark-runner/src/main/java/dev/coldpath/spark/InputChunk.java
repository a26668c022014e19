package dev.coldpath.spark;

import dev.coldpath.core.tensor.Columns;
import dev.coldpath.core.tensor.Values;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * A run of a task's input rows: one of the Parquet reader's columnar batches as it is, or rows of any other plan
 * gathered up. A chunk, its rows and its columns are valid until the next chunk is read, which is why a task
 * scores a chunk's rows and hands them on before it reads the next; chunks of rows ({@link #ofRows}) stay valid one
 * chunk longer, so that a task may read the next chunk early (to decode its images ahead). Not thread safe.
 */
interface InputChunk {
    int rows();

    /** Row {@code r}, as a view that is valid until the next call. */
    InternalRow row(int r);

    /** The chunk's columns, or null when it has only rows. */
    Columns columns();

    /** The chunks of a columnar scan: each batch as it is, without copying. */
    static Iterator<InputChunk> ofBatches(Iterator<ColumnarBatch> batches) {
        BatchChunk chunk = new BatchChunk();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return batches.hasNext();
            }

            @Override
            public InputChunk next() {
                return chunk.pointTo(batches.next());
            }
        };
    }

    /**
     * Chunks of up to {@code chunkRows} rows, copied, as the rows' iterator may reuse them; a chunk stays valid until
     * the second chunk after it is read.
     */
    static Iterator<InputChunk> ofRows(Iterator<InternalRow> rows, int chunkRows) {
        InternalRow[][] buffers = new InternalRow[2][];
        return new Iterator<>() {
            private int turn;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public InputChunk next() {
                if (!rows.hasNext()) {
                    throw new NoSuchElementException();
                }
                turn ^= 1;
                if (buffers[turn] == null) {
                    buffers[turn] = new InternalRow[chunkRows];
                }
                InternalRow[] held = buffers[turn];
                Arrays.fill(held, null);
                int n = 0;
                while (n < held.length && rows.hasNext()) {
                    held[n++] = rows.next().copy();
                }
                int size = n;
                return new InputChunk() {
                    @Override
                    public int rows() {
                        return size;
                    }

                    @Override
                    public InternalRow row(int r) {
                        return held[r];
                    }

                    @Override
                    public Columns columns() {
                        return null;
                    }
                };
            }
        };
    }

    /** A columnar batch, its rows and its columns; re-pointed at each batch of a task. */
    final class BatchChunk implements InputChunk, Columns {
        private final SparkValues rowValues = new SparkValues();
        private ColumnarBatch batch;
        private VectorValues[] columns = new VectorValues[0];
        private VectorArrays[] arrays = new VectorArrays[0];

        BatchChunk pointTo(ColumnarBatch next) {
            this.batch = next;
            if (columns.length != next.numCols()) {
                columns = new VectorValues[next.numCols()];
                arrays = new VectorArrays[next.numCols()];
            }
            for (int i = 0; i < columns.length; i++) {
                if (columns[i] == null) {
                    columns[i] = new VectorValues();
                }
                columns[i].vector = next.column(i);
                columns[i].rows = next.numRows();
            }
            return this;
        }

        @Override
        public int rows() {
            return batch.numRows();
        }

        @Override
        public InternalRow row(int r) {
            return batch.getRow(r);
        }

        @Override
        public Columns columns() {
            return this;
        }

        @Override
        public Values rowValues(int r) {
            return rowValues.wrap(batch.getRow(r), batch.numCols());
        }

        @Override
        public Values column(int ordinal) {
            return columns[ordinal];
        }

        @Override
        public boolean mayHaveNulls(int ordinal) {
            return columns[ordinal].vector.hasNull();
        }

        /** The elements of an array column as the Parquet reader stores them: one child vector and offsets. */
        @Override
        public ArrayElements arrays(int ordinal) {
            if (!(columns[ordinal].vector instanceof WritableColumnVector vector)
                    || !(vector.dataType() instanceof ArrayType)) {
                return null;
            }
            if (arrays[ordinal] == null) {
                arrays[ordinal] = new VectorArrays();
            }
            return arrays[ordinal].pointTo(vector);
        }
    }

    /** An array column vector's elements (its child vector) and each row's offset and length into them. */
    final class VectorArrays implements Columns.ArrayElements {
        private final VectorValues elements = new VectorValues();
        private WritableColumnVector vector;

        VectorArrays pointTo(WritableColumnVector arrays) {
            this.vector = arrays;
            elements.vector = arrays.arrayData();
            elements.rows = arrays.arrayData().getElementsAppended();
            return this;
        }

        @Override
        public Values elements() {
            return elements;
        }

        @Override
        public int offset(int row) {
            return vector.getArrayOffset(row);
        }

        @Override
        public int length(int row) {
            return vector.getArrayLength(row);
        }

        @Override
        public boolean elementsMayHaveNulls() {
            return vector.arrayData().hasNull();
        }
    }

    /** One column vector's values, indexed by row. */
    final class VectorValues implements Values {
        private ColumnVector vector;
        private int rows;

        @Override
        public int size() {
            return rows;
        }

        @Override
        public boolean isNullAt(int i) {
            return vector.isNullAt(i);
        }

        @Override
        public boolean getBoolean(int i) {
            return vector.getBoolean(i);
        }

        @Override
        public byte getByte(int i) {
            return vector.getByte(i);
        }

        @Override
        public short getShort(int i) {
            return vector.getShort(i);
        }

        @Override
        public int getInt(int i) {
            return vector.getInt(i);
        }

        @Override
        public long getLong(int i) {
            return vector.getLong(i);
        }

        @Override
        public float getFloat(int i) {
            return vector.getFloat(i);
        }

        @Override
        public double getDouble(int i) {
            return vector.getDouble(i);
        }

        @Override
        public String getString(int i) {
            return vector.getUTF8String(i).toString();
        }

        @Override
        public byte[] getBinary(int i) {
            return vector.getBinary(i);
        }

        @Override
        public Values getArray(int i) {
            ColumnarArray array = vector.getArray(i);
            return new SparkValues().wrap(array, array.numElements());
        }
    }
}
