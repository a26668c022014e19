package dev.coldpath.connectors;

import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.spec.BadFilesPolicy;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Parquet file or directory on any Hadoop file system, checked before it is read: it must exist and hold
 * at least one data file. With {@link BadFilesPolicy#SKIP} the footer of every data file is read first, files
 * that cannot be read as Parquet are left out (and listed: {@link #skipped}), and Spark is told to skip what turns
 * out to be unreadable later ({@code ignoreCorruptFiles}, {@code ignoreMissingFiles}). Driver-only.
 */
public final class ParquetSource implements InputSource {
    /** One data file of the input, as the driver listed it. */
    public record InputFile(String path, long sizeBytes, long modificationTime) {
    }

    /** A data file left out because it cannot be read as Parquet, and why. */
    public record SkippedFile(String path, long sizeBytes, String reason) {
    }

    private final SparkSession spark;
    private final String path;
    private final List<String> partitions;
    private final List<InputFile> files;
    private final BadFilesPolicy badFiles;
    private final List<SkippedFile> skipped;
    private final long footerRows;
    private Dataset<Row> dataset;

    private ParquetSource(SparkSession spark, String path, List<String> partitions, List<InputFile> files,
                          BadFilesPolicy badFiles, List<SkippedFile> skipped, long footerRows) {
        this.spark = spark;
        this.path = path;
        this.partitions = List.copyOf(partitions);
        this.files = List.copyOf(files);
        this.badFiles = badFiles;
        this.skipped = List.copyOf(skipped);
        this.footerRows = footerRows;
    }

    /** Lists the input's data files, or explains why there are none. */
    public static ParquetSource open(SparkSession spark, String path) {
        return open(spark, path, List.of());
    }

    /**
     * Lists the data files of some partition directories of the input (names relative to {@code path}, such as
     * {@code date=2026-11-28}), or of all of it when {@code partitions} is empty.
     */
    public static ParquetSource open(SparkSession spark, String path, List<String> partitions) {
        return open(spark, path, partitions, BadFilesPolicy.FAIL);
    }

    /**
     * As {@link #open(SparkSession, String, List)}; with {@code badFiles} {@link BadFilesPolicy#SKIP}, reads every
     * data file's footer and leaves out those that cannot be read as Parquet.
     */
    public static ParquetSource open(SparkSession spark, String path, List<String> partitions,
                                     BadFilesPolicy badFiles) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<InputFile> files = list(conf, path, partitions);
        if (badFiles == BadFilesPolicy.FAIL) {
            return new ParquetSource(spark, path, partitions, files, badFiles, List.of(), -1);
        }
        try {
            FileSystem fs = new Path(path).getFileSystem(conf);
            List<InputFile> readable = new ArrayList<>();
            List<SkippedFile> skipped = new ArrayList<>();
            long rows = 0;
            Footer first = null;
            for (InputFile file : files) {
                Footer footer = footer(fs, file, conf);
                if (footer.problem() == null) {
                    if (first == null) {
                        first = footer;
                    } else {
                        checkSameColumnTypes(first, footer);
                    }
                    readable.add(file);
                    rows += footer.rows();
                } else {
                    skipped.add(new SkippedFile(file.path(), file.sizeBytes(), footer.problem()));
                }
            }
            if (readable.isEmpty()) {
                throw new InputDataException("Input " + path + " holds no readable Parquet file: all "
                        + skipped.size() + " data files were skipped (input.bad-files: skip), e.g. "
                        + skipped.get(0).path() + ": " + skipped.get(0).reason());
            }
            return new ParquetSource(spark, path, partitions, readable, badFiles, skipped, rows);
        } catch (IOException e) {
            throw new StorageException(StorageFailures.describe("read input footers", path, e, conf), e);
        }
    }

    /**
     * The data files of some partition directories of the input (all of it when {@code partitions} is empty), in
     * path order, without Spark: the preflight lists the input with this before a SparkSession starts.
     */
    public static List<InputFile> list(Configuration conf, String path, List<String> partitions) {
        Path root = new Path(path);
        try {
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root)) {
                throw new InputDataException(Fault.INPUT_NOT_READY, "Input " + path + " does not exist (yet): check"
                        + " the path, or wait for the upstream job that writes it");
            }
            List<InputFile> files = new ArrayList<>();
            List<Path> dirs = partitions.isEmpty() ? List.of(root)
                    : partitions.stream().map(p -> new Path(root, p)).toList();
            for (Path dir : dirs) {
                for (FileStatus status : listRecursively(fs, dir)) {
                    if (isDataFile(root, status.getPath())) {
                        files.add(new InputFile(status.getPath().toString(), status.getLen(),
                                status.getModificationTime()));
                    }
                }
            }
            if (files.isEmpty()) {
                throw new InputDataException("Input " + path + " holds no Parquet data files: point input.path at"
                        + " a Parquet file or a directory of them");
            }
            files.sort(Comparator.comparing(InputFile::path));
            return List.copyOf(files);
        } catch (IOException e) {
            throw new StorageException(StorageFailures.describe("list input", path, e, conf), e);
        }
    }

    /**
     * Every file under {@code dir}. Object stores list a whole tree in one request ({@code listFiles}); on the
     * local file system that call also reads each file's owner and permissions, which Hadoop does by running a
     * process per file, so there the tree is walked with plain directory listings.
     */
    static List<FileStatus> listRecursively(FileSystem fs, Path dir) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        if (!"file".equals(fs.getScheme())) {
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
            while (it.hasNext()) {
                files.add(it.next());
            }
            return files;
        }
        ArrayDeque<FileStatus> pending = new ArrayDeque<>(List.of(fs.getFileStatus(dir)));
        while (!pending.isEmpty()) {
            FileStatus status = pending.pop();
            if (status.isDirectory()) {
                pending.addAll(List.of(fs.listStatus(status.getPath())));
            } else {
                files.add(status);
            }
        }
        return files;
    }

    /**
     * A data file's footer as read: its path, row count and column types (name to type), or why it cannot be read
     * as Parquet ({@code problem}, null when it can).
     */
    private record Footer(String path, long rows, Map<String, String> columns, String problem) {
        static Footer bad(String path, String problem) {
            return new Footer(path, 0, Map.of(), problem);
        }
    }

    /**
     * A file whose column types differ from the other files' is not a bad file but a wrong one: Spark would skip
     * its rows under ignoreCorruptFiles, so it fails the run, as it does without skip.
     */
    private static void checkSameColumnTypes(Footer first, Footer other) {
        for (Map.Entry<String, String> column : other.columns().entrySet()) {
            String expected = first.columns().get(column.getKey());
            if (expected != null && !expected.equals(column.getValue())) {
                throw new InputDataException("Cannot read input file " + other.path() + ": column '"
                        + column.getKey() + "' is " + column.getValue() + " but " + expected + " in " + first.path()
                        + " (input files must agree on column types, whatever input.bad-files says: rewrite the file)");
            }
        }
    }

    /** Each top-level column's type, without repetition and field ids (which writers set differently). */
    private static Map<String, String> columnTypes(MessageType schema) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (Type field : schema.getFields()) {
            columns.put(field.getName(), describe(field));
        }
        return columns;
    }

    private static String describe(Type type) {
        String logical = type.getLogicalTypeAnnotation() == null ? "" : " (" + type.getLogicalTypeAnnotation() + ")";
        if (type.isPrimitive()) {
            return type.asPrimitiveType().getPrimitiveTypeName().name().toLowerCase(Locale.ROOT) + logical;
        }
        StringBuilder group = new StringBuilder("group" + logical + " {");
        for (Type child : type.asGroupType().getFields()) {
            group.append(' ').append(child.getName()).append(": ").append(describe(child)).append(';');
        }
        return group.append(" }").toString();
    }

    /**
     * Reads the file's footer. A file that is empty, not Parquet, truncated or corrupt, or gone since it was
     * listed, is a bad file; a storage failure is not the file's fault and is thrown.
     */
    private static Footer footer(FileSystem fs, InputFile file, Configuration conf) throws IOException {
        try (ParquetFileReader reader = ParquetFooters.open(conf, new Path(file.path()))) {
            return new Footer(file.path(), reader.getRecordCount(),
                    columnTypes(reader.getFooter().getFileMetaData().getSchema()), null);
        } catch (FileNotFoundException gone) {
            return Footer.bad(file.path(), "gone since the input was listed");
        } catch (EOFException truncated) {
            return Footer.bad(file.path(), "truncated: " + firstLine(truncated));
        } catch (IOException e) {
            if (e.getClass() == IOException.class && fs.exists(new Path(file.path()))) { // parquet-mr's format errors
                return Footer.bad(file.path(), "cannot be read as Parquet: " + firstLine(e));
            }
            throw e;
        } catch (RuntimeException notParquet) { // "is not a Parquet file", "footer is too large", corrupt metadata
            return Footer.bad(file.path(), "cannot be read as Parquet: " + firstLine(notParquet));
        }
    }

    private static String firstLine(Throwable e) {
        return ParquetFooters.problem(String.valueOf(e.getMessage()).lines().findFirst()
                .orElse(e.getClass().getSimpleName()).strip());
    }

    /** Hidden files and Spark's markers (_SUCCESS, _temporary, .crc) are not data. */
    static boolean isDataFile(Path root, Path file) {
        for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
            String name = p.getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                return false;
            }
        }
        return !file.getName().endsWith(".crc");
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public List<InputFile> files() {
        return files;
    }

    /** The partition directories read, relative to {@link #path}; empty when the whole input is read. */
    @Override
    public List<String> partitions() {
        return partitions;
    }

    /** The data files left out ({@link BadFilesPolicy#SKIP}), in path order; empty with {@link BadFilesPolicy#FAIL}. */
    @Override
    public List<SkippedFile> skipped() {
        return skipped;
    }

    /** The rows the footers of the files read hold ({@link BadFilesPolicy#SKIP}); -1 when footers were not read. */
    @Override
    public long footerRows() {
        return footerRows;
    }

    /** The input as a DataFrame; made once, as each read lists the files and reads a footer for the schema. */
    @Override
    public Dataset<Row> read() {
        if (dataset == null) {
            boolean skip = badFiles == BadFilesPolicy.SKIP;
            var reader = spark.read().option("ignoreCorruptFiles", skip).option("ignoreMissingFiles", skip);
            if (!skipped.isEmpty()) { // the readable files only, with partition columns still found under path
                dataset = reader.option("basePath", path).parquet(files.stream().map(InputFile::path)
                        .toArray(String[]::new));
            } else if (partitions.isEmpty()) {
                dataset = reader.parquet(path);
            } else {
                dataset = reader.option("basePath", path).parquet(partitions.stream()
                        .map(p -> new Path(new Path(path), p).toString()).toArray(String[]::new));
            }
        }
        return dataset;
    }
}
