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
        public Values getArray(int i) {
            return rows.get(i).getArray(ordinal);
        }
    }
}
