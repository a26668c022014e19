package dev.coldpath.spark;

import dev.coldpath.core.error.StorageException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.codec.CodecConfig;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.util.AutoCloseables;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;

/**
 * One Parquet file of {@link LineageParquetFiles}: each row's own columns written into parquet-column's column
 * writers by {@link ParquetDirectRows} where their types allow, else encoded by Spark's {@link ParquetWriteSupport}
 * (the same values, levels and bytes either way), the constant columns written once per row group
 * ({@link ConstantColumn}), all into one page store of the whole file's schema, flushed in the schema's column order.
 * Row groups are cut as parquet-hadoop 1.16's {@code InternalParquetRecordWriter} cuts them (its row-count limit and
 * its buffered-size checks against {@code parquet.block.size}), with the codec, page settings and encryption Spark's
 * writer would use; the footer carries the metadata of Spark's writer of the whole schema. Two differences: the
 * constant columns' bytes are not counted in the buffered size (Spark's writer counts each one's unflushed page at
 * its raw size, at most a page per column: with small blocks its row groups hold fewer rows), and instead of
 * parquet-hadoop's memory manager (package-private) the open writers of this class share the same pool,
 * {@code parquet.memory.pool.ratio} of the heap, in equal parts, as that manager scales equal blocks. Used by one
 * thread.
 */
final class LineageParquetWriter extends OutputWriter {
    /** The writers of this class open in this JVM, which share {@link #memoryPool}. */
    private static final AtomicInteger OPEN = new AtomicInteger();
    /** parquet-hadoop's {@code MemoryManager.DEFAULT_MEMORY_POOL_RATIO}. */
    private static final float DEFAULT_MEMORY_POOL_RATIO = 0.95f;
    private final long memoryPool;
    private final String path;
    private final LineageParquetFiles files;
    private final ParquetProperties props;
    private final long blockSize;
    private final PartOutputFile output;
    private final ParquetFileWriter file;
    private final CodecFactory codecs;
    private final BytesInputCompressor compressor;
    private final ParquetWriteSupport rows = new ParquetWriteSupport();
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore columns;
    /** The rows' writer into {@link #columns}: ours where the schema allows, else Spark's write support's. */
    private ParquetDirectRows.RowGroup direct;
    private RecordConsumer consumer;
    private long rowCount;
    private long nextSizeCheck;
    private long nextRowGroupSize;
    private int rowGroupOrdinal;
    /** A write failed: the file is not finished (as parquet-hadoop's writer, which then writes no footer). */
    private boolean failed;
    private boolean closed;

    LineageParquetWriter(String path, LineageParquetFiles files) {
        this.path = path;
        this.files = files;
        this.props = files.settings().properties();
        this.blockSize = files.settings().blockSize();
        this.nextRowGroupSize = blockSize;
        Configuration conf = files.configuration();
        if (!rows.init(files.rowsConf()).getSchema().equals(files.rowsSchema())) {
            throw new IllegalStateException("Spark's Parquet schema of the rows changed between files");
        }
        try {
            output = new PartOutputFile(new Path(path), conf);
            file = new ParquetFileWriter(output, files.file().getSchema(), ParquetFileWriter.Mode.CREATE, blockSize,
                    files.settings().maxPaddingSize(), ParquetOutputFormat.createEncryptionProperties(conf,
                            new Path(path), files.file()), props);
            file.start();
        } catch (IOException e) {
            throw new StorageException("Cannot create the Parquet file " + path + ": " + e.getMessage()
                    + " (check the output location and its permissions, then run again)", e);
        }
        codecs = new CodecFactory(conf, props.getPageSizeThreshold());
        compressor = codecs.getCompressor(CodecConfig.getParquetCompressionCodec(conf));
        nextSizeCheck = props.getMinRowCountForPageSizeCheck();
        memoryPool = (long) (Runtime.getRuntime().maxMemory()
                * conf.getFloat(ParquetOutputFormat.MEMORY_POOL_RATIO, DEFAULT_MEMORY_POOL_RATIO));
        newRowGroup();
        OPEN.incrementAndGet();
    }

    private void newRowGroup() {
        pages = new ColumnChunkPageWriteStore(compressor, files.file().getSchema(), props.getAllocator(),
                props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled(), file.getEncryptor(),
                rowGroupOrdinal);
        columns = props.newColumnWriteStore(files.rowsSchema(), pages, pages);
        if (files.directRows() != null) {
            direct = files.directRows().bind(columns);
        } else {
            consumer = new ColumnIOFactory(files.settings().validating()).getColumnIO(files.rowsSchema())
                    .getRecordWriter(columns);
            rows.prepareForWrite(consumer);
        }
    }

    /** Writes {@code row}'s own columns: the file's columns before the constant ones. */
    @Override
    public void write(InternalRow row) {
        try {
            if (direct != null) {
                direct.write(row);
            } else {
                rows.write(row);
            }
            rowCount++;
            checkRowGroupSize();
        } catch (RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    /** As {@code InternalParquetRecordWriter.checkBlockSizeReached}. */
    private void checkRowGroupSize() {
        if (rowCount >= props.getRowGroupRowCountLimit()) {
            endRowGroup();
        } else if (rowCount >= nextSizeCheck) {
            long buffered = columns.getBufferedSize();
            long rowSize = buffered / rowCount;
            long limit = Math.min(nextRowGroupSize, memoryPool / Math.max(1, OPEN.get()));
            if (buffered > limit - 2 * rowSize) { // within ~2 rows of the limit
                endRowGroup();
            } else {
                nextSizeCheck = Math.min(Math.max(props.getMinRowCountForPageSizeCheck(),
                        (rowCount + (long) (limit / (float) rowSize)) / 2),
                        rowCount + props.getMaxRowCountForPageSizeCheck());
            }
        }
    }

    private void endRowGroup() {
        flushRowGroup();
        newRowGroup();
        nextSizeCheck = props.getMinRowCountForPageSizeCheck(); // parquet-hadoop's: its row count is 0 by then
    }

    private void flushRowGroup() {
        try {
            if (direct != null) {
                direct.flush();
            } else {
                consumer.flush();
            }
            if (rowCount > 0) {
                rowGroupOrdinal++;
                file.startBlock(rowCount);
                columns.flush();
                for (ConstantColumn constant : files.constants()) {
                    constant.write(pages.getPageWriter(constant.column()), rowCount);
                }
                pages.flushToFileWriter(file);
                rowCount = 0;
                file.endBlock();
                nextRowGroupSize = Math.min(file.getNextRowGroupSize(), blockSize);
            }
        } catch (IOException e) {
            failed = true;
            throw new StorageException("Cannot write the Parquet file " + path + ": " + e.getMessage()
                    + " (check the output location, then run again)", e);
        } finally {
            AutoCloseables.uncheckedClose(columns, pages);
            columns = null;
            pages = null;
        }
    }

    /** Writes the last row group and the footer, and closes the file; after a failed write, only closes it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!failed) {
                flushRowGroup();
                Map<String, String> metadata = new HashMap<>(files.file().getExtraMetaData());
                if (rows.getName() != null) {
                    metadata.put(ParquetWriter.OBJECT_MODEL_NAME_PROP, rows.getName());
                }
                metadata.putAll(rows.finalizeWrite().getExtraMetaData());
                file.end(metadata);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot finish the Parquet file " + path + ": " + e.getMessage()
                    + " (check the output location, then run again)", e);
        } finally {
            release();
        }
    }

    /**
     * Stops without finishing the file, as {@link SparkInternals#abandon} stops Spark's: no last row group and no
     * footer, the stream aborted where the file system can (an S3A upload: no object appears) and else closed.
     */
    void abandon() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            FSDataOutputStream stream = output.stream;
            if (stream != null && stream.hasCapability(StreamCapabilities.ABORTABLE_STREAM)) {
                stream.abort();
            }
        } finally {
            release();
        }
    }

    private void release() {
        OPEN.decrementAndGet();
        try {
            AutoCloseables.uncheckedClose(columns, pages, file);
        } finally {
            columns = null;
            pages = null;
            codecs.release();
        }
    }

    @Override
    public String path() {
        return path;
    }

    /** The file on a Hadoop file system, as parquet-hadoop's {@code HadoopOutputFile}, keeping its stream to abort. */
    private static final class PartOutputFile implements OutputFile {
        private static final int BUFFER_SIZE = 4096; // HadoopOutputFile's
        private final FileSystem fs;
        private final Path path;
        private FSDataOutputStream stream;

        PartOutputFile(Path path, Configuration conf) throws IOException {
            this.fs = path.getFileSystem(conf);
            this.path = fs.makeQualified(path);
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) throws IOException {
            return open(false, blockSizeHint);
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
            return open(true, blockSizeHint);
        }

        private PositionOutputStream open(boolean overwrite, long blockSizeHint) throws IOException {
            stream = fs.create(path, overwrite, BUFFER_SIZE, fs.getDefaultReplication(path),
                    Math.max(fs.getDefaultBlockSize(path), blockSizeHint));
            return HadoopStreams.wrap(stream);
        }

        @Override
        public boolean supportsBlockSize() {
            return HadoopOutputFile.getBlockFileSystems().contains(fs.getUri().getScheme());
        }

        @Override
        public long defaultBlockSize() {
            return fs.getDefaultBlockSize(path);
        }

        @Override
        public String getPath() {
            return path.toString();
        }
    }
}
