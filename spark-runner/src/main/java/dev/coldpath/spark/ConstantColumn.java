package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.statistics.geospatial.GeospatialStatistics;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;

/**
 * A top-level column whose every row holds one value, or null, written a row group at a time without visiting its
 * rows: as parquet-hadoop's version-1 column writer with dictionary encoding writes such a column (a dictionary page
 * of the one value, PLAIN_DICTIONARY data pages of index 0, definition levels RLE-encoded; all-null pages PLAIN with
 * no values and no dictionary), each data page of at most {@code parquet.page.row.count.limit} rows, with the same
 * page statistics (min = max = the value, the null count), size statistics and, through the page writer, column and
 * offset indexes. Immutable.
 */
final class ConstantColumn {
    private final ColumnDescriptor column;
    /** An Integer, Long or Binary as Parquet stores the column's type, or null. */
    private final Object value;
    private final int pageRows;
    private final boolean statistics;
    private final boolean sizeStatistics;

    private ConstantColumn(ColumnDescriptor column, Object value, ParquetProperties props) {
        this.column = column;
        this.value = value;
        this.pageRows = props.getPageRowCountLimit();
        this.statistics = props.getStatisticsEnabled(column);
        this.sizeStatistics = props.getSizeStatisticsEnabled(column);
    }

    /**
     * The constant column {@code column} of {@code value} (as {@link ParquetWriteSupport} hands it to Parquet), or
     * null where its writer would not write it as this class does: a nested or repeated column, a type other than
     * INT32, INT64 and BINARY, version-2 pages, no dictionary, or a bloom filter.
     */
    static ConstantColumn of(ColumnDescriptor column, Object value, ParquetProperties props) {
        requireNonNull(column, "column is null");
        PrimitiveType.PrimitiveTypeName type = column.getPrimitiveType().getPrimitiveTypeName();
        boolean typed = switch (type) {
            case INT32 -> value == null || value instanceof Integer;
            case INT64 -> value == null || value instanceof Long;
            case BINARY -> value == null || value instanceof Binary;
            default -> false;
        };
        boolean supported = typed && column.getPath().length == 1 && column.getMaxRepetitionLevel() == 0
                && column.getMaxDefinitionLevel() <= 1 && (value != null || column.getMaxDefinitionLevel() == 1)
                && props.getWriterVersion() == ParquetProperties.WriterVersion.PARQUET_1_0
                && props.isDictionaryEnabled(column) && !props.isBloomFilterEnabled(column);
        return supported ? new ConstantColumn(column, value instanceof Binary b ? b.copy() : value, props) : null;
    }

    ColumnDescriptor column() {
        return column;
    }

    /** Writes {@code rows} rows of the value to {@code pages}, the column's writer of one row group. */
    void write(PageWriter pages, long rows) throws IOException {
        if (value != null) {
            pages.writeDictionaryPage(new DictionaryPage(plain(), 1, Encoding.PLAIN_DICTIONARY));
        }
        for (long written = 0; written < rows; ) {
            int page = (int) Math.min(pageRows, rows - written);
            writePage(pages, page);
            written += page;
        }
    }

    private void writePage(PageWriter pages, int rows) throws IOException {
        BytesInput levels = BytesInput.empty(); // a required column has none: no bytes, BIT_PACKED as parquet says
        Encoding levelEncoding = Encoding.BIT_PACKED;
        if (column.getMaxDefinitionLevel() == 1) {
            BytesInput run = run(rows, value == null ? 0 : 1, 1);
            levels = BytesInput.concat(BytesInput.fromInt(Math.toIntExact(run.size())), run);
            levelEncoding = Encoding.RLE;
        }
        BytesInput values = value == null ? BytesInput.empty()
                : BytesInput.concat(BytesInput.from(new byte[] {0}), run(rows, 0, 0)); // index bit width 0: one entry
        PrimitiveType type = column.getPrimitiveType();
        Statistics<?> stats = statistics ? Statistics.createStats(type) : Statistics.noopStats(type);
        if (value == null) {
            stats.incrementNumNulls(rows);
        } else if (value instanceof Integer i) {
            stats.updateStats(i.intValue());
        } else if (value instanceof Long l) {
            stats.updateStats(l.longValue());
        } else {
            stats.updateStats((Binary) value);
        }
        SizeStatistics sizes = sizeStatistics
                ? new SizeStatistics(type, value instanceof Binary b ? (long) rows * b.length() : 0, List.of(),
                        List.of()) // level histograms are omitted for levels of at most 1, as parquet omits them
                : SizeStatistics.noopBuilder(type, 0, column.getMaxDefinitionLevel()).build();
        GeospatialStatistics geospatial = statistics ? GeospatialStatistics.newBuilder(type).build()
                : GeospatialStatistics.noopBuilder().build();
        pages.writePage(BytesInput.concat(levels, values), rows, rows, stats, sizes, geospatial,
                Encoding.BIT_PACKED, levelEncoding, value == null ? Encoding.PLAIN : Encoding.PLAIN_DICTIONARY);
    }

    /** The value PLAIN-encoded: the dictionary page's one entry. */
    private BytesInput plain() {
        if (value instanceof Integer i) {
            return BytesInput.fromInt(i);
        }
        if (value instanceof Long l) {
            return BytesInput.from(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, l));
        }
        Binary binary = (Binary) value;
        return BytesInput.concat(BytesInput.fromInt(binary.length()), BytesInput.from(binary.getBytes()));
    }

    /** One run of the RLE/bit-packing hybrid: {@code count} times {@code repeated}, {@code bitWidth} bits wide. */
    private static BytesInput run(int count, int repeated, int bitWidth) {
        BytesInput header = BytesInput.fromUnsignedVarInt(count << 1);
        return bitWidth == 0 ? header : BytesInput.concat(header, BytesInput.from(new byte[] {(byte) repeated}));
    }
}
