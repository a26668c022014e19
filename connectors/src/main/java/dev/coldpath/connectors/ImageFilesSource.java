package dev.coldpath.connectors;

import dev.coldpath.connectors.ParquetSource.InputFile;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.InputFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A directory tree of image files ({@code input.format: images}), read with Spark's {@code binaryFile} source: one
 * row per file whose name matches {@code input.glob} (in any case), in every subdirectory, with the columns {@code
 * path}, {@code modificationTime}, {@code length} and {@code content}. The driver lists the files first with the same
 * filter, so that an empty folder or a glob that matches nothing is a one-line error before Spark reads anything.
 * Files and folders Spark leaves out are left out, by Spark's rule ({@link #isListed}).
 * Driver-only.
 */
public final class ImageFilesSource implements InputSource {
    /** The columns of an images input, as Spark's binaryFile source gives them. */
    public static final RowSchema SCHEMA = new RowSchema(List.of(new Column(InputFormat.PATH, ColumnType.STRING),
            new Column("modificationTime", ColumnType.other("timestamp")), new Column("length", ColumnType.LONG),
            new Column(InputFormat.CONTENT, ColumnType.BINARY)));
    /** Files per task slot and partition above which the input is read in more partitions than slots. */
    public static final int FILES_PER_PARTITION = 2048;

    private final SparkSession spark;
    private final String path;
    private final String glob;
    private final List<InputFile> files;
    private Dataset<Row> dataset;

    private ImageFilesSource(SparkSession spark, String path, String glob, List<InputFile> files) {
        this.spark = spark;
        this.path = path;
        this.glob = glob;
        this.files = List.copyOf(files);
    }

    /** Lists the input's image files, or explains why there are none. */
    public static ImageFilesSource open(SparkSession spark, String path, String glob) {
        return new ImageFilesSource(spark, path, glob, list(spark.sparkContext().hadoopConfiguration(), path, glob));
    }

    /**
     * The image files under {@code path} whose names match {@code glob} in any case, in path order, without Spark:
     * the preflight lists the input with this before a SparkSession starts.
     */
    public static List<InputFile> list(Configuration conf, String path, String glob) {
        GlobFilter filter = filter(glob);
        Path root = new Path(path);
        try {
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root)) {
                throw new InputDataException(Fault.INPUT_NOT_READY, "Input " + path + " does not exist (yet): check"
                        + " the path, or wait for the upstream job that writes it");
            }
            List<FileStatus> all = ParquetSource.listRecursively(fs, root);
            Path listed = fs.makeQualified(root);
            List<InputFile> files = new ArrayList<>();
            int hidden = 0;
            for (FileStatus status : all) {
                if (!isListed(listed, status)) {
                    hidden++;
                } else if (filter.accept(status.getPath())) {
                    files.add(new InputFile(status.getPath().toString(), status.getLen(),
                            status.getModificationTime()));
                }
            }
            if (files.isEmpty()) {
                int visible = all.size() - hidden;
                throw new InputDataException(visible == 0
                        ? "Input " + path + " holds no files (input.format: images): point input.path at a folder of"
                                + " image files"
                        : "Input " + path + " holds " + visible + " file" + (visible == 1 ? "" : "s") + " but none"
                                + " whose name matches input.glob " + glob + " (in any case): e.g. "
                                + firstVisible(listed, all) + "; set input.glob");
            }
            files.sort(Comparator.comparing(InputFile::path));
            return List.copyOf(files);
        } catch (IOException e) {
            throw new StorageException(StorageFailures.describe("list input", path, e, conf), e);
        }
    }

    private static String firstVisible(Path root, List<FileStatus> all) {
        return all.stream().filter(s -> isListed(root, s)).map(FileStatus::getPath)
                .map(Path::getName).sorted().findFirst().orElse("");
    }

    /**
     * Whether Spark's binaryFile scan of {@code root} (qualified, as the listing's paths) reads the file {@code status}, by Spark 4.1's rule: no folder
     * between them is left out of the listing (HadoopFSUtils.shouldFilterOutPathName: a name starting with {@code
     * .}, ending with {@code ._COPYING_}, or starting with {@code _} without an {@code =}, unless it starts with
     * {@code _metadata} or {@code _common_metadata}), and the file is a data file (its name as a folder's, and not
     * starting with {@code _} without an {@code =} at all) of at least one byte (PartitioningAwareFileIndex).
     */
    static boolean isListed(Path root, FileStatus status) {
        Path file = status.getPath();
        String name = file.getName();
        if (status.getLen() == 0 || leftOutOfListing(name) || name.startsWith("_") && !name.contains("=")) {
            return false;
        }
        for (Path dir = file.getParent(); dir != null && dir.depth() > root.depth(); dir = dir.getParent()) {
            if (leftOutOfListing(dir.getName())) {
                return false;
            }
        }
        return true;
    }

    private static boolean leftOutOfListing(String name) {
        boolean excluded = name.startsWith("_") && !name.contains("=") || name.startsWith(".")
                || name.endsWith("._COPYING_");
        return excluded && !name.startsWith("_common_metadata") && !name.startsWith("_metadata");
    }

    private static GlobFilter filter(String glob) {
        try {
            return new GlobFilter(anyCase(glob));
        } catch (IOException | IllegalArgumentException e) {
            throw new JobSpecException("Invalid input.glob: " + glob + " (" + e.getMessage().lines().findFirst()
                    .orElse("") + ")");
        }
    }

    /**
     * The glob matching what {@code glob} matches in any case: each letter {@code x} becomes {@code [xX]}, and a
     * letter inside brackets gets its other case beside it (not in ranges, which are kept as written).
     */
    static String anyCase(String glob) {
        StringBuilder out = new StringBuilder();
        boolean inClass = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '\\' && i + 1 < glob.length()) {
                out.append(c).append(glob.charAt(++i));
            } else if (c == '[' && !inClass) {
                inClass = true;
                out.append(c);
            } else if (c == ']' && inClass) {
                inClass = false;
                out.append(c);
            } else if (Character.isLetter(c) && Character.toUpperCase(c) != Character.toLowerCase(c)) {
                char other = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
                boolean inRange = inClass && (i > 0 && glob.charAt(i - 1) == '-'
                        || i + 1 < glob.length() && glob.charAt(i + 1) == '-');
                if (!inClass) {
                    out.append('[').append(c).append(other).append(']');
                } else if (inRange) {
                    out.append(c);
                } else {
                    out.append(c).append(other);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public List<InputFile> files() {
        return files;
    }

    @Override
    public long footerRows() {
        return files.size();
    }

    /**
     * How many partitions {@code files} image files are scored in on {@code slots} task slots: a multiple of the
     * slots, each partition holding up to {@value #FILES_PER_PARTITION} files (the local runner's runs of files too).
     */
    public static int partitions(int files, int slots) {
        int n = Math.max(1, slots);
        return n * (int) Math.max(1, (files + (long) n * FILES_PER_PARTITION - 1) / ((long) n * FILES_PER_PARTITION));
    }

    /**
     * The files as rows. Spark packs small files into partitions by size; the input is then coalesced to a multiple of
     * the task slots holding up to {@value #FILES_PER_PARTITION} files each, so that tasks are few and long enough
     * for batches (and the decode-ahead) to fill.
     */
    @Override
    public Dataset<Row> read() {
        if (dataset == null) {
            Dataset<Row> files = spark.read().format("binaryFile").option("pathGlobFilter", anyCase(glob))
                    .option("recursiveFileLookup", "true").load(path);
            int partitions = partitions(this.files.size(), spark.sparkContext().defaultParallelism());
            dataset = partitions < files.rdd().getNumPartitions() ? files.coalesce(partitions) : files;
        }
        return dataset;
    }
}
