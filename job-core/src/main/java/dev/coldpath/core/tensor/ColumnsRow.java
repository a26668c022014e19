package dev.coldpath.core.tensor;

/** One row of a {@link Columns} chunk, read through its columns. */
final class ColumnsRow implements Values {
    private final Columns chunk;
    private final int row;

    ColumnsRow(Columns chunk, int row) {
        this.chunk = chunk;
        this.row = row;
    }

    @Override
    public int size() {
        throw new UnsupportedOperationException("a chunk row does not know its column count");
    }

    @Override
    public boolean isNullAt(int i) {
        return chunk.column(i).isNullAt(row);
    }

    @Override
    public boolean getBoolean(int i) {
        return chunk.column(i).getBoolean(row);
    }

    @Override
    public byte getByte(int i) {
        return chunk.column(i).getByte(row);
    }

    @Override
    public short getShort(int i) {
        return chunk.column(i).getShort(row);
    }

    @Override
    public int getInt(int i) {
        return chunk.column(i).getInt(row);
    }

    @Override
    public long getLong(int i) {
        return chunk.column(i).getLong(row);
    }

    @Override
    public float getFloat(int i) {
        return chunk.column(i).getFloat(row);
    }

    @Override
    public double getDouble(int i) {
        return chunk.column(i).getDouble(row);
    }

    @Override
    public String getString(int i) {
        return chunk.column(i).getString(row);
    }

    @Override
    public Values getArray(int i) {
        return chunk.column(i).getArray(row);
    }
}
