package dev.coldpath.spark;

import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.execution.datasources.parquet.VectorizedParquetRecordReader;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Parquet files on local disk read into column vectors in this JVM, without a SparkSession (the local runner): with
 * Spark's own vectorized reader and schema conversion, at Spark's default settings, so that the batches, their types
 * and their nulls are those the Spark runner's scan gives the same partition function. Reads only the columns
 * asked for. Not thread safe: one per worker.
 */
final class LocalParquetInput {
    /** Rows per batch of Spark's vectorized reader by default ({@code spark.sql.parquet.columnarReaderBatchSize}). */
    static final int DEFAULT_BATCH_ROWS = 4096;

    private LocalParquetInput() {
    }

    /** The file's columns as Spark reads them (every column nullable, as a Spark scan makes them). */
    static StructType schema(String file) {
        Configuration conf = new Configuration();
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
            return new ParquetToSparkSchemaConverter(new SQLConf())
                    .convert(reader.getFooter().getFileMetaData().getSchema()).asNullable();
        } catch (IOException e) {
            throw new StorageException("Cannot read the footer of input file " + file + ": " + e.getMessage()
                    + " (check the file, or run with --runner spark)", e);
        }
    }

    /**
     * The batches of {@code files}, one file after another, {@code columns} of each (null for all), up to
     * {@code capacity} rows each. A batch is valid until the next is read; a file is closed when its last batch has
     * been passed on or when {@code close} runs.
     */
    static Batches batches(List<String> files, List<String> columns, int capacity) {
        return new Batches(files, columns, capacity);
    }

    /** The batches of a worker's files; close it when done, read to the end or not. */
    static final class Batches implements Iterator<ColumnarBatch>, AutoCloseable {
        private final Iterator<String> files;
        private final List<String> columns;
        private final int capacity;
        private VectorizedParquetRecordReader reader;
        private boolean ready;

        private Batches(List<String> files, List<String> columns, int capacity) {
            this.files = List.copyOf(files).iterator();
            this.columns = columns;
            this.capacity = capacity;
        }

        @Override
        public boolean hasNext() {
            try {
                while (!ready) {
                    if (reader != null && reader.nextBatch()) {
                        ready = true;
                    } else if (!openNext()) {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public ColumnarBatch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ready = false;
            return reader.resultBatch();
        }

        private boolean openNext() throws IOException {
            close();
            if (!files.hasNext()) {
                return false;
            }
            String file = files.next();
            // Spark's defaults: no INT96 time zone conversion, dates and timestamps read as written (CORRECTED)
            reader = new VectorizedParquetRecordReader(null, "CORRECTED", "UTC", "CORRECTED", "UTC", false,
                    capacity);
            try {
                reader.initialize(file, columns);
            } catch (IOException | RuntimeException e) {
                throw new InputDataException("Cannot read input file " + file + ": " + e.getMessage()
                        + " (check the file, or set input.bad-files: skip with --runner spark)", e);
            }
            reader.initBatch(null, null);
            return true;
        }

        @Override
        public void close() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    // a reader's close only releases its file
                } finally {
                    reader = null;
                }
            }
        }
    }
}
