package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import org.apache.parquet.column.ColumnWriter;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * A top-level array of primitives in the 3-level list Spark writes ({@code <name> (LIST) { repeated group list {
 * <element> } }}): each element at repetition level 0 (the first) or 1, a null element at the {@code list} group's
 * definition level. A null array (levels 0, 0) and an empty one (0, the array's own definition level) are held back
 * as {@code MessageColumnIO} holds them in its group null caches, and written when it writes them: before the next
 * non-empty array, before an empty one after a null array, and at {@link #flush} (before each page-size check of
 * the column store and before the row group is flushed). Held-back values are not yet in the column's page, so the
 * pages end where Spark's writer ends them only if they are written at those same points. Held back are always some
 * empty arrays followed by some null ones (an empty array after a null one writes both), so two counts keep them.
 */
final class ParquetListField implements ParquetFieldWriter {
    private final ColumnWriter column;
    private final ParquetValueWriter value;
    private final int emptyLevel;
    private final int nullElementLevel;
    private final int elementLevel;
    private final boolean nullableElements;
    private int heldEmpty;
    private int heldNull;

    /**
     * @param emptyLevel       the array's own definition level (0 where it is required)
     * @param nullElementLevel the definition level of the {@code list} group
     * @param elementLevel     the element column's definition level
     */
    ParquetListField(ColumnWriter column, ParquetValueWriter value, int emptyLevel, int nullElementLevel,
                     int elementLevel) {
        this.column = requireNonNull(column, "column is null");
        this.value = requireNonNull(value, "value is null");
        this.emptyLevel = emptyLevel;
        this.nullElementLevel = nullElementLevel;
        this.elementLevel = elementLevel;
        this.nullableElements = elementLevel > nullElementLevel;
    }

    @Override
    public void write(InternalRow row, int ordinal) {
        if (row.isNullAt(ordinal)) {
            if (emptyLevel == 0) { // a required array: no level says null
                throw new IllegalStateException("Field " + ordinal + " of a row is null, but its Spark type is not"
                        + " nullable and its Parquet column is required");
            }
            heldNull++;
            return;
        }
        ArrayData array = row.getArray(ordinal);
        int n = array.numElements();
        if (n == 0) {
            if (heldNull > 0) {
                flush();
            }
            heldEmpty++;
            return;
        }
        flush();
        for (int i = 0; i < n; i++) {
            int repetitionLevel = i == 0 ? 0 : 1;
            if (nullableElements && array.isNullAt(i)) {
                column.writeNull(repetitionLevel, nullElementLevel);
            } else {
                value.write(column, array, i, repetitionLevel, elementLevel);
            }
        }
    }

    @Override
    public void flush() {
        for (; heldEmpty > 0; heldEmpty--) {
            column.writeNull(0, emptyLevel);
        }
        for (; heldNull > 0; heldNull--) {
            column.writeNull(0, 0);
        }
    }
}
