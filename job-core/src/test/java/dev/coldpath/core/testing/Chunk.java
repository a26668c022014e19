package dev.coldpath.core.testing;

import dev.coldpath.core.tensor.Columns;
import dev.coldpath.core.tensor.Values;
import java.util.List;

/** {@link Columns} over a few {@link Row}s, as a columnar engine would hand them over. */
public final class Chunk implements Columns {
    private final List<Row> rows;

    private Chunk(List<Row> rows) {
        this.rows = rows;
    }

    public static Chunk of(Row... rows) {
        return new Chunk(List.of(rows));
    }

    @Override
    public int rows() {
        return rows.size();
    }

    @Override
    public Values column(int ordinal) {
        return new Column(ordinal);
    }

    @Override
    public boolean mayHaveNulls(int ordinal) {
        return rows.stream().anyMatch(r -> r.isNullAt(ordinal));
    }

    /** An array column's elements, numbered across rows in row order. */
    @Override
    public ArrayElements arrays(int ordinal) {
        int[] offsets = new int[rows.size() + 1];
        for (int r = 0; r < rows.size(); r++) {
            offsets[r + 1] = offsets[r] + (rows.get(r).isNullAt(ordinal) ? 0 : rows.get(r).getArray(ordinal).size());
        }
        Values elements = new Elements(ordinal, offsets);
        boolean nullElement = false;
        for (int i = 0; i < offsets[rows.size()]; i++) {
            nullElement |= elements.isNullAt(i);
        }
        boolean anyNull = nullElement;
        return new ArrayElements() {
            @Override
            public Values elements() {
                return elements;
            }

            @Override
            public int offset(int row) {
                return offsets[row];
            }

            @Override
            public int length(int row) {
                return offsets[row + 1] - offsets[row];
            }

            @Override
            public boolean elementsMayHaveNulls() {
                return anyNull;
            }
        };
    }

    /** The elements of all rows' arrays in one column, back to back. */
    private final class Elements implements Values {
        private final int ordinal;
        private final int[] offsets;

        Elements(int ordinal, int[] offsets) {
            this.ordinal = ordinal;
            this.offsets = offsets;
        }

        /** The row whose array holds element {@code i}. */
        private int rowOf(int i) {
            int r = 0;
            while (offsets[r + 1] <= i) {
                r++;
            }
            return r;
        }

        private Values array(int i) {
            return rows.get(rowOf(i)).getArray(ordinal);
        }

        private int index(int i) {
            return i - offsets[rowOf(i)];
        }

        @Override
        public int size() {
            return offsets[offsets.length - 1];
        }

        @Override
        public boolean isNullAt(int i) {
            return array(i).isNullAt(index(i));
        }

        @Override
        public boolean getBoolean(int i) {
            return array(i).getBoolean(index(i));
        }

        @Override
        public byte getByte(int i) {
            return array(i).getByte(index(i));
        }

        @Override
        public short getShort(int i) {
            return array(i).getShort(index(i));
        }

        @Override
        public int getInt(int i) {
            return array(i).getInt(index(i));
        }

        @Override
        public long getLong(int i) {
            return array(i).getLong(index(i));
        }

        @Override
        public float getFloat(int i) {
            return array(i).getFloat(index(i));
        }

        @Override
        public double getDouble(int i) {
            return array(i).getDouble(index(i));
        }

        @Override
        public String getString(int i) {
            return array(i).getString(index(i));
        }

        @Override
        public Values getArray(int i) {
            return array(i).getArray(index(i));
        }
    }

    /** One column, indexed by row. */
    private final class Column implements Values {
        private final int ordinal;

        Column(int ordinal) {
            this.ordinal = ordinal;
        }

        @Override
        public int size() {
            return rows.size();
        }

        @Override
        public boolean isNullAt(int i) {
            return rows.get(i).isNullAt(ordinal);
        }

        @Override
        public boolean getBoolean(int i) {
            return rows.get(i).getBoolean(ordinal);
        }

        @Override
        public byte getByte(int i) {
            return rows.get(i).getByte(ordinal);
        }

        @Override
        public short getShort(int i) {
            return rows.get(i).getShort(ordinal);
        }

        @Override
        public int getInt(int i) {
            return rows.get(i).getInt(ordinal);
        }

        @Override
        public long getLong(int i) {
            return rows.get(i).getLong(ordinal);
        }

        @Override
        public float getFloat(int i) {
            return rows.get(i).getFloat(ordinal);
        }

        @Override
        public double getDouble(int i) {
            return rows.get(i).getDouble(ordinal);
        }

        @Override
        public String getString(int i) {
            return rows.get(i).getString(ordinal);
        }

        @Override
        public Values getArray(int i) {
            return rows.get(i).getArray(ordinal);
        }
    }
}
