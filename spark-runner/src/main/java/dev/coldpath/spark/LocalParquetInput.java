package dev.coldpath.spark;

import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetInputFormat;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.catalyst.util.RebaseDateTime;
import org.apache.spark.sql.execution.datasources.DataSourceUtils$;
import org.apache.spark.sql.execution.datasources.parquet.ParquetReadSupport;
import org.apache.spark.sql.execution.datasources.parquet.ParquetReadSupport$;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.execution.datasources.parquet.VectorizedParquetRecordReader;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Parquet files on local disk read into column vectors in this JVM, without a SparkSession (the local runner): with
 * Spark's own vectorized reader and schema conversion, at Spark's default SQL settings over the job's Hadoop
 * configuration, initialised as Spark's Parquet scan initialises it (the requested schema, INT96 as timestamp,
 * binary as binary, TIMESTAMP_NTZ inferred, dates rebased per the file's writer), so that the batches, their types
 * and their nulls are those the Spark runner's scan gives the same partition function. Reads only the columns asked
 * for. Not thread safe: one per worker.
 */
final class LocalParquetInput {
    /** Rows per batch of Spark's vectorized reader by default ({@code spark.sql.parquet.columnarReaderBatchSize}). */
    static final int DEFAULT_BATCH_ROWS = 4096;

    private LocalParquetInput() {
    }

    /** The settings of Spark's schema conversion and reader, at Spark's defaults, that a scan sets. */
    private static final List<String> READ_KEYS = List.of(SQLConf.PARQUET_BINARY_AS_STRING().key(),
            SQLConf.PARQUET_INT96_AS_TIMESTAMP().key(), SQLConf.PARQUET_INFER_TIMESTAMP_NTZ_ENABLED().key(),
            SQLConf.LEGACY_PARQUET_NANOS_AS_LONG().key(), SQLConf.CASE_SENSITIVE().key(),
            SQLConf.NESTED_SCHEMA_PRUNING_ENABLED().key(), SQLConf.PARQUET_FIELD_ID_READ_ENABLED().key(),
            SQLConf.SESSION_LOCAL_TIMEZONE().key());

    /** {@code hadoop} (the job's, with its {@code spark.hadoop.*} settings) with Spark's read settings. */
    private static Configuration readConfiguration(Configuration hadoop) {
        Configuration conf = new Configuration(hadoop);
        SQLConf defaults = new SQLConf();
        for (String key : READ_KEYS) {
            conf.set(key, defaults.getConfString(key));
        }
        conf.set(ParquetInputFormat.READ_SUPPORT_CLASS, ParquetReadSupport.class.getName());
        return conf;
    }

    /**
     * The file's columns as Spark reads them (every column nullable, as a Spark scan makes them), over the job's
     * Hadoop configuration {@code hadoop}.
     */
    static StructType schema(Configuration hadoop, String file) {
        Configuration conf = readConfiguration(hadoop);
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
            return new ParquetToSparkSchemaConverter(conf)
                    .convert(reader.getFooter().getFileMetaData().getSchema()).asNullable();
        } catch (IOException e) {
            throw new StorageException("Cannot read the footer of input file " + file + ": " + e.getMessage()
                    + " (check the file, or run with --runner spark)", e);
        }
    }

    /**
     * The batches of {@code files} over the job's Hadoop configuration {@code hadoop}, one file after another, {@code columns} of each (null for all), up to
     * {@code capacity} rows each. A batch is valid until the next is read; a file is closed when its last batch has
     * been passed on or when {@code close} runs.
     */
    static Batches batches(Configuration hadoop, List<String> files, List<String> columns, int capacity) {
        return new Batches(readConfiguration(hadoop), files, columns, capacity);
    }

    /** The batches of a worker's files; close it when done, read to the end or not. */
    static final class Batches implements Iterator<ColumnarBatch>, AutoCloseable {
        private final Configuration conf;
        private final Iterator<String> files;
        private final List<String> columns;
        private final int capacity;
        private VectorizedParquetRecordReader reader;
        private String file;
        private boolean ready;

        private Batches(Configuration conf, List<String> files, List<String> columns, int capacity) {
            this.conf = conf;
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
            } catch (IOException | RuntimeException e) { // a page that does not decode: a corrupt file
                if (e instanceof ColdpathException known) {
                    throw known;
                }
                throw new InputDataException("Cannot read input file " + file + ": " + e.getMessage()
                        + " (check the file, or set input.bad-files: skip with --runner spark)", e);
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
            file = files.next();
            try {
                open(file);
            } catch (IOException | InterruptedException | RuntimeException e) {
                throw new InputDataException("Cannot read input file " + file + ": " + e.getMessage()
                        + " (check the file, or set input.bad-files: skip with --runner spark)", e);
            }
            reader.initBatch(null, null);
            return true;
        }

        /**
         * Opens {@code path} as Spark's Parquet scan does: its requested columns in the configuration, one split of
         * the whole file (a {@code mapred} split, as Spark's reader casts it), no INT96 time zone conversion ({@code spark.sql.parquet.int96TimestampConversion} is off
         * by default), and the dates and timestamps rebased as the file's writer asks (LEGACY for files of Spark
         * 2, else Spark's default CORRECTED).
         */
        private void open(String path) throws IOException, InterruptedException {
            HadoopInputFile input = HadoopInputFile.fromPath(new Path(path), conf);
            Map<String, String> meta;
            StructType fileSchema;
            try (ParquetFileReader footer = ParquetFileReader.open(input)) {
                meta = footer.getFooter().getFileMetaData().getKeyValueMetaData();
                fileSchema = new ParquetToSparkSchemaConverter(conf)
                        .convert(footer.getFooter().getFileMetaData().getSchema()).asNullable();
            }
            StructType requested = fileSchema;
            if (columns != null) {
                requested = new StructType(columns.stream().map(c -> fileSchema.apply(c))
                        .toArray(StructField[]::new));
            }
            Configuration task = new Configuration(conf);
            task.set(ParquetReadSupport$.MODULE$.SPARK_ROW_REQUESTED_SCHEMA(), requested.json());
            SQLConf defaults = new SQLConf();
            RebaseDateTime.RebaseSpec datetime = DataSourceUtils$.MODULE$.datetimeRebaseSpec(meta::get,
                    defaults.getConfString(SQLConf.PARQUET_REBASE_MODE_IN_READ().key()));
            RebaseDateTime.RebaseSpec int96 = DataSourceUtils$.MODULE$.int96RebaseSpec(meta::get,
                    defaults.getConfString(SQLConf.PARQUET_INT96_REBASE_MODE_IN_READ().key()));
            reader = new VectorizedParquetRecordReader(null, datetime.mode().toString(), datetime.timeZone(),
                    int96.mode().toString(), int96.timeZone(), false, capacity);
            TaskAttemptID attempt = new TaskAttemptID(new TaskID(new JobID(), TaskType.MAP, 0), 0);
            reader.initialize(new FileSplit(new Path(path), 0, input.getLength(), new String[0]),
                    new TaskAttemptContextImpl(task, attempt));
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
