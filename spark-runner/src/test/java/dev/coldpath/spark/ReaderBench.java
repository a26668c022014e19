package dev.coldpath.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;

import com.sun.management.OperatingSystemMXBean;
import dev.coldpath.bench.BenchInput;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.dataset.source.DatasetFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Issue 20, item 2: the local runner's Parquet reader (Spark's {@code VectorizedParquetRecordReader} through
 * {@link LocalParquetInput}) against Arrow Java's Dataset API (Arrow C++'s reader over JNI) and parquet-hadoop's
 * column readers filling Arrow vectors, reading only, in one JVM, alternating, on the throughput benchmark's input
 * (32 scalar float columns) and the same rows as one {@code array<float>} column. Every variant sums every value it
 * read, and the sums must agree. Reports rows/s (wall) and rows per CPU second (the process's CPU time: Arrow C++
 * may use threads of its own). Not a test: {@code scripts/bench.sh --reader [--rows N] [--files F] [--rounds R]
 * [--batch B] [--out DIR]}.
 */
public final class ReaderBench {
    private static final long SEED = 42;
    private static final int FEATURES = 32;

    private ReaderBench() {
    }

    private interface Variant {
        /** Reads every file and returns {rows, sum of every value as a double bit pattern}. */
        double[] read(List<String> files, List<String> columns, boolean list, int batch) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        // ArrowBuf reads unchecked, as Spark's on-heap vectors are read: set before any Arrow class loads
        System.setProperty("arrow.enable_unsafe_memory_access", "true");
        long rows = 2_000_000;
        int files = 8;
        int rounds = 3;
        int batch = LocalParquetInput.DEFAULT_BATCH_ROWS;
        Path out = Path.of("target/bench");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[i + 1].replace("_", ""));
                case "--files" -> files = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        Path scalarDir;
        Path listDir;
        SparkSession spark = SparkSession.builder().master("local[2]").appName("reader-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            scalarDir = BenchInput.ensure(spark, out.toAbsolutePath(), rows, files, FEATURES, SEED);
            listDir = ensureList(spark, scalarDir, files);
        } finally {
            spark.stop();
        }
        List<String> scalarColumns = BenchInput.featureNames(FEATURES);
        List<String> listColumns = List.of("features");
        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("spark-vectorized", ReaderBench::spark);
        variants.put("arrow-dataset", ReaderBench::arrowDataset);
        variants.put("parquet-hadoop-arrow", ReaderBench::parquetHadoop);
        String[] layouts = {"32 float columns", "array<float>[32]"};
        List<List<String>> inputs = List.of(dataFiles(scalarDir), dataFiles(listDir));
        System.out.printf(Locale.ROOT, "reader bench: %,d rows x %d floats, %d files each (%s scalar, %s array),"
                + " batch %d, %d rounds, %d cpus, load %s%n", rows, FEATURES, files,
                BenchInput.humanBytes(BenchInput.size(scalarDir)), BenchInput.humanBytes(BenchInput.size(listDir)),
                batch, rounds, Runtime.getRuntime().availableProcessors(), load());
        for (int l = 0; l < 2; l++) { // warm-up: one file each
            for (Variant v : variants.values()) {
                v.read(inputs.get(l).subList(0, 1), l == 0 ? scalarColumns : listColumns, l == 1, batch);
            }
        }
        List<String> names = new ArrayList<>(variants.keySet());
        double[][][] wall = new double[2][names.size()][rounds];
        double[][][] cpu = new double[2][names.size()][rounds];
        double[][] sums = new double[2][names.size()];
        for (int round = 0; round < rounds; round++) {
            for (int l = 0; l < 2; l++) {
                for (int j = 0; j < names.size(); j++) {
                    int v = (j + round) % names.size(); // a different variant goes first each round
                    long cpu0 = cpuNanos();
                    long t0 = System.nanoTime();
                    double[] r = variants.get(names.get(v)).read(inputs.get(l),
                            l == 0 ? scalarColumns : listColumns, l == 1, batch);
                    wall[l][v][round] = (System.nanoTime() - t0) / 1e9;
                    cpu[l][v][round] = (cpuNanos() - cpu0) / 1e9;
                    if (r[0] != rows) {
                        throw new IllegalStateException(names.get(v) + " read " + r[0] + " rows, not " + rows);
                    }
                    sums[l][v] = r[1];
                    System.out.printf(Locale.ROOT, "  round %d  %-17s %-21s %6.2f s wall %6.2f s cpu  sum %.6e%n",
                            round + 1, layouts[l], names.get(v), wall[l][v][round], cpu[l][v][round], r[1]);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nmedian of %d rounds, load %s:%n", rounds, load());
        System.out.printf(Locale.ROOT, "| input | reader | rows/s (wall) | x Spark's | rows per cpu-s | x Spark's |%n");
        System.out.printf(Locale.ROOT, "|---|---|---:|---:|---:|---:|%n");
        for (int l = 0; l < 2; l++) {
            double sparkWall = median(wall[l][0]);
            double sparkCpu = median(cpu[l][0]);
            for (int v = 0; v < names.size(); v++) {
                if (Math.abs(sums[l][v] - sums[l][0]) > 1e-6 * Math.max(1, Math.abs(sums[l][0])) + 1e-3) {
                    throw new IllegalStateException(names.get(v) + " summed " + sums[l][v] + ", Spark " + sums[l][0]);
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.2f | %,.0f | %.2f |%n", layouts[l], names.get(v),
                        rows / median(wall[l][v]), sparkWall / median(wall[l][v]), rows / median(cpu[l][v]),
                        sparkCpu / median(cpu[l][v]));
            }
        }
    }

    /** (a) The local runner's reader: Spark's vectorized reader as {@link LocalParquetInput} sets it up. */
    private static double[] spark(List<String> files, List<String> columns, boolean list, int batch) {
        long rows = 0;
        double sum = 0;
        try (LocalParquetInput.Batches batches = LocalParquetInput.batches(new org.apache.hadoop.conf.Configuration(), files, columns, batch)) {
            while (batches.hasNext()) {
                ColumnarBatch b = batches.next();
                int n = b.numRows();
                rows += n;
                for (int c = 0; c < b.numCols(); c++) {
                    ColumnVector v = b.column(c);
                    if (list) {
                        WritableColumnVector w = (WritableColumnVector) v;
                        WritableColumnVector data = w.arrayData();
                        int end = w.getArrayOffset(n - 1) + w.getArrayLength(n - 1);
                        for (int i = w.getArrayOffset(0); i < end; i++) {
                            sum += data.getFloat(i);
                        }
                    } else {
                        for (int r = 0; r < n; r++) {
                            sum += v.getFloat(r);
                        }
                    }
                }
            }
        }
        return new double[] {rows, sum};
    }

    /** (b) Arrow Java's Dataset API: Arrow C++'s Parquet reader, batches handed over through the C data interface. */
    private static double[] arrowDataset(List<String> files, List<String> columns, boolean list, int batch)
            throws Exception {
        long rows = 0;
        double sum = 0;
        String[] uris = files.stream().map(f -> Path.of(f).toUri().toString()).toArray(String[]::new);
        ScanOptions options = new ScanOptions.Builder(batch).columns(Optional.of(columns.toArray(String[]::new)))
                .build();
        try (BufferAllocator allocator = new RootAllocator();
             DatasetFactory factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(),
                     FileFormat.PARQUET, uris);
             Dataset dataset = factory.finish();
             Scanner scanner = dataset.newScan(options);
             ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                int n = root.getRowCount();
                rows += n;
                for (FieldVector v : root.getFieldVectors()) {
                    sum += list ? sumList((ListVector) v, n) : sumFloats((Float4Vector) v, 0, n);
                }
            }
        }
        return new double[] {rows, sum};
    }

    private static double sumList(ListVector v, int n) {
        ArrowBuf offsets = v.getOffsetBuffer();
        return sumFloats((Float4Vector) v.getDataVector(), offsets.getInt(0), offsets.getInt((long) n * 4));
    }

    private static double sumFloats(Float4Vector v, int from, int to) {
        ArrowBuf data = v.getDataBuffer();
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += data.getFloat((long) i * 4);
        }
        return sum;
    }

    /** (c) parquet-hadoop's column readers (no Hadoop file system) writing Arrow vectors of {@code batch} rows. */
    private static double[] parquetHadoop(List<String> files, List<String> columns, boolean list, int batch)
            throws IOException {
        long rows = 0;
        double sum = 0;
        try (BufferAllocator allocator = new RootAllocator()) {
            for (String file : files) {
                try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(Path.of(file)))) {
                    MessageType full = reader.getFileMetaData().getSchema();
                    List<Type> fields = new ArrayList<>();
                    for (String c : columns) {
                        fields.add(full.getType(c));
                    }
                    MessageType projection = new MessageType(full.getName(), fields);
                    reader.setRequestedSchema(projection);
                    String createdBy = reader.getFileMetaData().getCreatedBy();
                    List<ColumnDescriptor> descriptors = projection.getColumns();
                    PageReadStore pages;
                    while ((pages = reader.readNextRowGroup()) != null) {
                        ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
                                new GroupRecordConverter(projection).getRootConverter(), projection, createdBy);
                        ColumnReader[] readers = new ColumnReader[descriptors.size()];
                        long[] consumed = new long[descriptors.size()];
                        for (int c = 0; c < readers.length; c++) {
                            readers[c] = store.getColumnReader(descriptors.get(c));
                        }
                        long left = pages.getRowCount();
                        while (left > 0) {
                            int n = (int) Math.min(batch, left);
                            left -= n;
                            rows += n;
                            for (int c = 0; c < readers.length; c++) {
                                ColumnDescriptor d = descriptors.get(c);
                                if (list) {
                                    try (ListVector v = ListVector.empty("features", allocator)) {
                                        fillList(readers[c], d.getMaxDefinitionLevel(), v, n, consumed, c);
                                        sum += sumList(v, n);
                                    }
                                } else {
                                    try (Float4Vector v = new Float4Vector(d.getPath()[0], allocator)) {
                                        fillFloats(readers[c], d.getMaxDefinitionLevel(), v, n);
                                        sum += sumFloats(v, 0, n);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[] {rows, sum};
    }

    private static void fillFloats(ColumnReader r, int maxDef, Float4Vector v, int n) {
        v.allocateNew(n);
        for (int i = 0; i < n; i++) {
            if (r.getCurrentDefinitionLevel() == maxDef) {
                v.set(i, r.getFloat());
            } else {
                v.setNull(i);
            }
            r.consume();
        }
        v.setValueCount(n);
    }

    /** A 3-level list of optional floats: a value at the full level, a null element one below, else an empty list. */
    private static void fillList(ColumnReader r, int maxDef, ListVector v, int n, long[] consumed, int c) {
        long total = r.getTotalValueCount();
        Float4Vector data = (Float4Vector) v.addOrGetVector(FieldType.nullable(
                new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))).getVector();
        v.allocateNew();
        data.allocateNew(n * FEATURES);
        int element = 0;
        for (int row = 0; row < n; row++) {
            v.startNewValue(row);
            int size = 0;
            do {
                int def = r.getCurrentDefinitionLevel();
                if (def == maxDef) {
                    data.setSafe(element++, r.getFloat());
                    size++;
                } else if (def == maxDef - 1) {
                    data.setNull(element++);
                    size++;
                }
                r.consume();
            } while (++consumed[c] < total && r.getCurrentRepetitionLevel() > 0);
            v.endValue(row, size);
        }
        data.setValueCount(element);
        v.setValueCount(n);
    }

    /** The same rows as one {@code features array<float>} column (a 3-level list, as Spark writes it). */
    private static Path ensureList(SparkSession spark, Path scalarDir, int files) throws IOException {
        Path dir = scalarDir.resolveSibling(scalarDir.getFileName() + "-array");
        Path marker = dir.resolve("_bench");
        String shape = Files.readString(scalarDir.resolve("_bench")) + " array";
        if (Files.exists(marker) && Files.readString(marker).equals(shape)) {
            return dir;
        }
        BenchInput.delete(dir);
        spark.read().parquet(scalarDir.toString())
                .select(col("id"), array(BenchInput.featureNames(FEATURES).stream().map(c -> col(c))
                        .toArray(Column[]::new)).as("features"))
                .coalesce(files).write().mode(SaveMode.Overwrite).parquet(dir.toString());
        Files.writeString(marker, shape);
        return dir;
    }

    private static List<String> dataFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().map(Path::toString)
                    .toList();
        }
    }

    private static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip().split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
