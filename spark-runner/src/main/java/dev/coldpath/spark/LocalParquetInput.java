package dev.coldpath.spark;

import dev.coldpath.connectors.ParquetFooters;
import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetInputFormat;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.SeekableInputStream;
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
import scala.Option;

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
    /** Parquet's switch for Hadoop's vectored reads ({@code ParquetReadOptions}; on by default). */
    static final String VECTORED_READS = "parquet.hadoop.vectored.io.enabled";
    /** The largest heap buffer Parquet reads column chunks into, when it does not read vectored (default 8 MB). */
    static final String READ_BUFFER_SIZE = "parquet.read.allocation.size";
    /** A quarter of G1's smallest region (1 MB): no read buffer is a humongous object (half a region or more). */
    static final int READ_BUFFER_BYTES = 256 * 1024;

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
        return schema(hadoop, file, Optional.empty());
    }

    /**
     * As {@link #schema(Configuration, String)}, from the file's footer as the preflight read it
     * ({@link ParquetFooters.Footers#read}) when it did, so that no footer is read twice; else read now.
     */
    static StructType schema(Configuration hadoop, String file, Optional<ParquetFooters.Footers> footers) {
        Configuration conf = readConfiguration(hadoop);
        Optional<FileMetaData> read = footers.flatMap(f -> f.footer(file));
        if (read.isPresent()) {
            return schema(conf, read.get());
        }
        try (ParquetFileReader reader = ParquetFooters.open(conf, new Path(file))) {
            return schema(conf, reader.getFooter().getFileMetaData());
        } catch (IOException e) {
            throw new StorageException("Cannot read the footer of input file " + file + ": " + e.getMessage()
                    + " (check the file, or run with --runner spark)", e);
        }
    }

    /** The columns of a file of footer {@code footer} as Spark reads them, over the read configuration {@code conf}. */
    private static StructType schema(Configuration conf, FileMetaData footer) {
        return new ParquetToSparkSchemaConverter(conf).convert(footer.getSchema()).asNullable();
    }

    /**
     * A byte range of one input file, as a Spark scan's file split: the row groups whose middle lies in the bytes
     * {@code start} to {@code start + length} ({@code length} -1: the whole file), so that ranges share no row and
     * lose none, whatever the order of the row groups in the footer.
     */
    record Range(String path, long start, long length) {
        static Range whole(String path) {
            return new Range(path, 0, -1);
        }
    }

    /**
     * What one worker reads into one part file, as a Spark scan's partition: file ranges, read one after another.
     *
     * @param bytes the ranges' size, as Spark weighs them
     */
    record Split(List<Range> ranges, long bytes) {
        Split {
            ranges = List.copyOf(ranges);
        }
    }

    /**
     * The input's files cut into splits as a Spark scan cuts and packs them at a default parallelism of
     * {@code cores} (the job's local master's) (Spark's
     * {@code FilePartition.maxSplitBytes} and {@code getFilePartitions}): a split holds at most {@code maxBytes}, the
     * smaller of {@code maxSplitBytes} ({@code spark.sql.files.maxPartitionBytes}) and the larger of
     * {@code openCost} ({@code spark.sql.files.openCostInBytes}) and the input's bytes (each file counting
     * {@code openCost} more) over the cores. A file larger than {@code maxBytes} is cut into ranges of
     * {@code maxBytes} from its start (the last one shorter); the ranges, largest first (a file's equal ranges in
     * the file's order), go into splits in turn, a split closed when the next range would take it over
     * {@code maxBytes}, each range counting {@code openCost} more ("next fit decreasing"), so that many small files
     * share a split and a part file. A split whose ranges hold no row group's middle is left out (it has no rows
     * to write). A split's index in this list names its part file. The row groups of a file cut into ranges come
     * from {@code footers}, as the preflight read them, when it read that file's; else its footer is read now.
     */
    static List<Split> splits(Configuration hadoop, List<String> files, List<Long> sizes, int cores,
                              long maxSplitBytes, long openCost, Optional<ParquetFooters.Footers> footers) {
        long total = 0;
        for (long size : sizes) {
            total += size + openCost;
        }
        long maxBytes = Math.min(maxSplitBytes, Math.max(openCost, total / Math.max(1, cores)));
        List<Range> ranges = new ArrayList<>();
        Map<String, List<ParquetFooters.RowGroup>> cut = new HashMap<>(); // the row groups of each file cut in ranges
        Configuration conf = null;
        for (int f = 0; f < files.size(); f++) {
            String file = files.get(f);
            long size = sizes.get(f);
            if (size <= maxBytes) {
                ranges.add(new Range(file, 0, size));
                continue;
            }
            Optional<List<ParquetFooters.RowGroup>> listed = footers.flatMap(read -> read.rowGroups(file));
            if (listed.isPresent()) {
                cut.put(file, listed.get());
            } else {
                conf = conf == null ? readConfiguration(hadoop) : conf;
                cut.put(file, rowGroups(conf, file));
            }
            for (long offset = 0; offset < size; offset += maxBytes) {
                ranges.add(new Range(file, offset, Math.min(maxBytes, size - offset)));
            }
        }
        ranges.sort(Comparator.comparingLong(Range::length).reversed()); // stable, as Spark's sortBy
        List<Split> splits = new ArrayList<>();
        List<Range> current = new ArrayList<>();
        long currentBytes = 0;
        long currentSize = 0;
        for (Range range : ranges) {
            if (currentSize + range.length() > maxBytes) {
                close(splits, current, currentBytes, cut);
                current.clear();
                currentBytes = 0;
                currentSize = 0;
            }
            currentSize += range.length() + openCost;
            currentBytes += range.length();
            current.add(range);
        }
        close(splits, current, currentBytes, cut);
        return splits;
    }

    /** {@code ranges} as a split, unless they hold no rows: those of files cut into ranges that hold no row group. */
    private static void close(List<Split> splits, List<Range> ranges, long bytes,
                              Map<String, List<ParquetFooters.RowGroup>> cut) {
        List<Range> read = ranges.stream().filter(r -> !cut.containsKey(r.path()) || cut.get(r.path()).stream()
                .anyMatch(g -> middleIn(g, r))).toList();
        if (!read.isEmpty()) {
            splits.add(new Split(read, bytes));
        }
    }

    /** Whether row group {@code group}'s middle lies in {@code range}, as Parquet's reader picks a split's groups. */
    private static boolean middleIn(ParquetFooters.RowGroup group, Range range) {
        long middle = group.start() + group.compressedSize() / 2;
        return middle >= range.start() && middle < range.start() + range.length();
    }

    private static List<ParquetFooters.RowGroup> rowGroups(Configuration conf, String file) {
        try (ParquetFileReader reader = ParquetFooters.open(conf, new Path(file))) {
            return reader.getFooter().getBlocks().stream().map(ParquetFooters.RowGroup::of).toList();
        } catch (IOException e) {
            throw readFailure(file, e);
        }
    }

    /**
     * A failure reading input file {@code file}, classified as the Spark runner classifies it: a file Spark's reader
     * finds corrupt, truncated or not Parquet ({@link InputFileFailures}) is the user's (exit 2); any other failure
     * (a storage error after its retries, a reset connection, a checksum that disagrees) is the storage's (exit 6), so
     * that a scheduler retries it.
     */
    static RuntimeException readFailure(String file, Throwable e) {
        if (e instanceof ColdpathException known) {
            return known;
        }
        return InputFileFailures.classify(e, file).<RuntimeException>map(bad -> bad)
                .orElseGet(() -> new StorageException("Cannot read input file " + file + ": "
                        + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst()
                        .orElse("") + " (check the storage, then run again)", e));
    }

    /**
     * The batches of {@code files} over the job's Hadoop configuration {@code hadoop}, one file after another,
     * {@code columns} of each (null for all), up to {@code capacity} rows each. A batch is valid until the next is
     * read; a file is closed when its last batch has been passed on or when {@code close} runs.
     */
    static Batches batches(Configuration hadoop, List<String> files, List<String> columns, int capacity) {
        return new Batches(readConfiguration(hadoop), files.stream().map(Range::whole).toList(), columns, capacity);
    }

    /**
     * As {@link #batches(Configuration, List, List, int)}, over one split's file ranges, one after another: a batch
     * holds rows of one range only, as on Spark's columnar path.
     */
    static Batches batches(Configuration hadoop, Split split, List<String> columns, int capacity) {
        return new Batches(readConfiguration(hadoop), split.ranges(), columns, capacity);
    }

    /** The batches of a worker's files; close it when done, read to the end or not. */
    static final class Batches implements Iterator<ColumnarBatch>, AutoCloseable {
        private final Configuration conf;
        private final Iterator<Range> files;
        private final List<String> columns;
        private final int capacity;
        private VectorizedParquetRecordReader reader;
        private String file;
        private boolean ready;

        private Batches(Configuration conf, List<Range> files, List<String> columns, int capacity) {
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
            } catch (IOException | RuntimeException e) {
                throw readFailure(file, e);
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
            Range split = files.next();
            file = split.path();
            try {
                open(split);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted opening input file " + file);
            } catch (IOException | RuntimeException e) {
                throw readFailure(file, e);
            }
            reader.initBatch(null, null);
            return true;
        }

        /**
         * Opens {@code split} as Spark's Parquet scan does: its requested columns in the configuration, the split's
         * bytes (a {@code mapred} split, as Spark's reader casts it: the row groups whose middle lies in it), no INT96
         * time zone conversion ({@code spark.sql.parquet.int96TimestampConversion} is off by default), and the dates
         * and timestamps rebased as the file's writer asks (LEGACY for files of Spark 2, else Spark's default
         * CORRECTED). The file is opened once, as Spark's scan opens it
         * ({@code ParquetFooterReader.openFileAndReadFooter}): its footer, of the split's row groups, is read from
         * the stream the record reader then reads the rows from, and both are handed to the reader.
         */
        private void open(Range split) throws IOException, InterruptedException {
            Path path = new Path(split.path());
            HadoopInputFile input = HadoopInputFile.fromPath(path, conf);
            long length = split.length() < 0 ? input.getLength() : split.length();
            SeekableInputStream stream = input.newStream();
            try {
                ParquetMetadata footer;
                try (ParquetFileReader opened = ParquetFileReader.open(input, HadoopReadOptions.builder(conf, path)
                        .withRange(split.start(), split.start() + length).build(), stream)) {
                    footer = opened.getFooter();
                    opened.detachFileInputStream(); // the record reader's from now on
                }
                Map<String, String> meta = footer.getFileMetaData().getKeyValueMetaData();
                StructType fileSchema = new ParquetToSparkSchemaConverter(conf)
                        .convert(footer.getFileMetaData().getSchema()).asNullable();
                StructType requested = fileSchema;
                if (columns != null) {
                    requested = new StructType(columns.stream().map(c -> fileSchema.apply(c))
                            .toArray(StructField[]::new));
                }
                Configuration task = new Configuration(conf);
                task.set(ParquetReadSupport$.MODULE$.SPARK_ROW_REQUESTED_SCHEMA(), requested.json());
                smallReadBuffers(task, input.getPath());
                SQLConf defaults = new SQLConf();
                RebaseDateTime.RebaseSpec datetime = DataSourceUtils$.MODULE$.datetimeRebaseSpec(meta::get,
                        defaults.getConfString(SQLConf.PARQUET_REBASE_MODE_IN_READ().key()));
                RebaseDateTime.RebaseSpec int96 = DataSourceUtils$.MODULE$.int96RebaseSpec(meta::get,
                        defaults.getConfString(SQLConf.PARQUET_INT96_REBASE_MODE_IN_READ().key()));
                reader = new VectorizedParquetRecordReader(null, datetime.mode().toString(), datetime.timeZone(),
                        int96.mode().toString(), int96.timeZone(), false, capacity);
                TaskAttemptID attempt = new TaskAttemptID(new TaskID(new JobID(), TaskType.MAP, 0), 0);
                reader.initialize(new FileSplit(path, split.start(), length, new String[0]),
                        new TaskAttemptContextImpl(task, attempt), Option.apply(input), Option.apply(stream),
                        Option.apply(footer));
            } catch (IOException | InterruptedException | RuntimeException e) {
                try {
                    stream.close(); // the reader's close closes it too once it holds it: a second close is harmless
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        /**
         * On the local file system, reads a row group's column chunks into heap buffers of at most
         * {@value #READ_BUFFER_BYTES} bytes, unless the job sets either key. Parquet's vectored read (its default)
         * allocates each run of consecutive column chunks as one buffer, a whole row group when the job reads every
         * column (16 MB for 125,000 rows of 32 floats): a buffer of half a G1 region or more is a humongous object,
         * which starts a collection and, when no run of free regions that long is left, grows the heap, so that a
         * long run's peak memory grew with its row groups (docs/performance.md, What grows from 1 M to 10 M rows).
         * A local file gains nothing from vectored reads; a remote store's parallel range reads are kept.
         */
        private static void smallReadBuffers(Configuration task, Path file) {
            if ("file".equals(file.toUri().getScheme())) { // the file's status path: qualified
                task.setIfUnset(VECTORED_READS, "false");
                task.setIfUnset(READ_BUFFER_SIZE, String.valueOf(READ_BUFFER_BYTES));
            }
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
