package dev.coldpath.connectors;

import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Parquet file or directory on any Hadoop file system, checked before it is read: it must exist and hold
 * at least one data file. Driver-only.
 */
public final class ParquetSource {
    /** One data file of the input, as the driver listed it. */
    public record InputFile(String path, long sizeBytes, long modificationTime) {
    }

    private final SparkSession spark;
    private final String path;
    private final List<String> partitions;
    private final List<InputFile> files;
    private Dataset<Row> dataset;

    private ParquetSource(SparkSession spark, String path, List<String> partitions, List<InputFile> files) {
        this.spark = spark;
        this.path = path;
        this.partitions = List.copyOf(partitions);
        this.files = List.copyOf(files);
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
        return new ParquetSource(spark, path, partitions,
                list(spark.sparkContext().hadoopConfiguration(), path, partitions));
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
    private static List<FileStatus> listRecursively(FileSystem fs, Path dir) throws IOException {
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

    /** Hidden files and Spark's markers (_SUCCESS, _temporary, .crc) are not data. */
    private static boolean isDataFile(Path root, Path file) {
        for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
            String name = p.getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                return false;
            }
        }
        return !file.getName().endsWith(".crc");
    }

    public String path() {
        return path;
    }

    public List<InputFile> files() {
        return files;
    }

    /** The partition directories read, relative to {@link #path}; empty when the whole input is read. */
    public List<String> partitions() {
        return partitions;
    }

    /** The input as a DataFrame; made once, as each read lists the files and reads a footer for the schema. */
    public Dataset<Row> read() {
        if (dataset == null) {
            String[] dirs = partitions.stream().map(p -> new Path(new Path(path), p).toString())
                    .toArray(String[]::new);
            dataset = partitions.isEmpty() ? spark.read().parquet(path)
                    : spark.read().option("basePath", path).parquet(dirs);
        }
        return dataset;
    }
}
