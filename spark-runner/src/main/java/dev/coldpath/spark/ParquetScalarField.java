package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import org.apache.parquet.column.ColumnWriter;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * A top-level primitive field: a value at repetition level 0 and the column's definition level, a null at levels
 * 0 and 0, as {@code MessageColumnIO} writes a field Spark's writer leaves out; a null in a required column (which
 * neither writes correctly) is an error.
 */
final class ParquetScalarField implements ParquetFieldWriter {
    private final ColumnWriter column;
    private final ParquetValueWriter value;
    private final int definitionLevel;

    ParquetScalarField(ColumnWriter column, ParquetValueWriter value, int definitionLevel) {
        this.column = requireNonNull(column, "column is null");
        this.value = requireNonNull(value, "value is null");
        this.definitionLevel = definitionLevel;
    }

    @Override
    public void write(InternalRow row, int ordinal) {
        if (row.isNullAt(ordinal)) {
            if (definitionLevel == 0) { // a page with fewer values than rows: a corrupt file, written without a word
                throw new IllegalStateException("Field " + ordinal + " of a row is null, but its Spark type is not"
                        + " nullable and its Parquet column is required");
            }
            column.writeNull(0, 0);
        } else {
            value.write(column, row, ordinal, 0, definitionLevel);
        }
    }

    @Override
    public void flush() {
    }
}
