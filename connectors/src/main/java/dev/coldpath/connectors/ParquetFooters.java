package dev.coldpath.connectors;

import static java.util.Objects.requireNonNull;

import dev.coldpath.connectors.ParquetSource.InputFile;
import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.ColumnType.Kind;
import dev.coldpath.core.schema.RowSchema;
import java.io.EOFException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The input's schema and row count from Parquet footers, read directly with parquet-hadoop through Hadoop's file
 * systems (local, HDFS, s3a), without Spark: what the preflight checks a job against before a SparkSession starts.
 *
 * <p>Which footers: every file's when the input has at most {@link #MAX_FOOTERS} files, else {@link #MAX_FOOTERS}
 * files spread evenly over the sorted listing (the first and the last among them). A footer costs one or two reads
 * of the file's tail: on local disk and HDFS reading them all would be cheap, but on S3 it is a request per file,
 * so a large input is sampled; a file whose footer is not read is still refused when its listed size is too small
 * to be Parquet. The schema is the union of the read footers' columns (so that the preflight is never stricter
 * than Spark, which takes one file's), followed by partition columns from {@code key=value} directories. Parquet
 * footers do not record list lengths, so an array of the wrong length is found per row, while scoring.
 */
public final class ParquetFooters {
    /** At most this many footers are read. */
    public static final int MAX_FOOTERS = 64;
    /** "PAR1", a footer length and "PAR1": a Parquet file is at least this long. */
    private static final long MIN_PARQUET_BYTES = 12;
    private static final Pattern FOOTER_TOO_LARGE = Pattern.compile("footer is too large: (\\d+)");
    private static final Pattern BAD_FILE = Pattern.compile("is not a Parquet file|corrupted|footer|magic number"
            + "|can not read class org\\.apache\\.parquet", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIMESTAMP =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?");
    private static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";
    private static final Set<Kind> NUMBERS = EnumSet.of(Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG, Kind.FLOAT,
            Kind.DOUBLE);

    /** A column whose type differs between two files, in a way no reader converts. */
    public record Conflict(String column, String file, ColumnType type, String firstFile, ColumnType firstType) {
        /** The user's error: the file and the column. */
        public InputDataException error() {
            return new InputDataException("Cannot read input file " + file + ": column '" + column + "' is " + type
                    + " there but " + firstType + " in " + firstFile + " (the files of an input must agree on column"
                    + " types: rewrite or remove the file)");
        }
    }

    /**
     * What the footers say.
     *
     * @param schema      the data columns of the read footers, then the partition columns
     * @param footersRead how many footers were read (all files' when it equals {@code files})
     * @param rows        the input's row count, when every footer was read
     * @param conflicts   columns whose types differ between read files
     * @param read        the read footers' file metadata (schema and key-value metadata), by file path as listed:
     *                    at most {@link #MAX_FOOTERS}, so that a runner reads no footer twice
     * @param rowGroups   the row groups of the files whose footers were read, by file path, in the footer's order
     */
    public record Footers(RowSchema schema, int footersRead, int files, OptionalLong rows, List<Conflict> conflicts,
                          Map<String, FileMetaData> read, Map<String, List<RowGroup>> rowGroups) {
        public Footers {
            requireNonNull(schema, "schema is null");
            requireNonNull(rows, "rows is null");
            conflicts = List.copyOf(conflicts);
            read = Collections.unmodifiableMap(new LinkedHashMap<>(read));
            rowGroups = Collections.unmodifiableMap(new LinkedHashMap<>(rowGroups));
        }

        /** The footer of {@code path} as read, if it was. */
        public Optional<FileMetaData> footer(String path) {
            return Optional.ofNullable(read.get(path));
        }

        /** The row groups of {@code path} as its footer lists them, if it was read. */
        public Optional<List<RowGroup>> rowGroups(String path) {
            return Optional.ofNullable(rowGroups.get(path));
        }
    }

    /**
     * Where a row group lies in its file, as its footer says: what a reader of a byte range of the file picks its
     * row groups by.
     *
     * @param start          the offset of its first page
     * @param compressedSize its bytes in the file
     */
    public record RowGroup(long start, long compressedSize) {
        /** Of a row group as parquet-hadoop reads it from a footer. */
        public static RowGroup of(BlockMetaData block) {
            return new RowGroup(block.getStartingPos(), block.getCompressedSize());
        }
    }

    private ParquetFooters() {
    }

    /** Reads the footers of {@code files}, the data files of the input at {@code root} as listed, in path order. */
    public static Footers read(Configuration conf, String root, List<InputFile> files) {
        return read(conf, root, files, false);
    }

    /**
     * As {@link #read(Configuration, String, List)}; with {@code skipBadFiles} ({@code input.bad-files: skip}) a
     * file that cannot be read as Parquet is left out of the schema instead of failing, unless none can be read.
     */
    public static Footers read(Configuration conf, String root, List<InputFile> files, boolean skipBadFiles) {
        List<Integer> chosen = new ArrayList<>();
        for (int i : sample(files.size())) {
            InputFile file = files.get(i);
            if (file.sizeBytes() >= MIN_PARQUET_BYTES) {
                chosen.add(i);
            }
        }
        if (!skipBadFiles) {
            for (InputFile file : files) {
                if (file.sizeBytes() < MIN_PARQUET_BYTES) {
                    throw badFile(file.path(), "is not a Parquet file (" + file.sizeBytes() + " bytes)", null);
                }
            }
        }
        InputDataException firstBad = null;
        List<Future<Footer>> reads = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, chosen.size())), r -> {
            Thread t = new Thread(r, "coldpath-footers");
            t.setDaemon(true);
            return t;
        });
        List<Footer> footers = new ArrayList<>();
        try {
            for (int i : chosen) {
                String path = files.get(i).path();
                reads.add(pool.submit(() -> footer(conf, path)));
            }
            for (Future<Footer> read : reads) {
                try {
                    footers.add(read.get());
                } catch (ExecutionException e) {
                    if (!skipBadFiles || !(e.getCause() instanceof InputDataException bad)) {
                        throw e;
                    }
                    firstBad = firstBad == null ? bad : firstBad;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("reading Parquet footers failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading Parquet footers", e);
        } finally {
            pool.shutdownNow();
        }
        if (footers.isEmpty()) {
            throw new InputDataException("Input " + root + " holds no readable Parquet file among the "
                    + chosen.size() + " footers read (input.bad-files: skip)"
                    + (firstBad == null ? "" : ", e.g. " + firstBad.getMessage()));
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        Map<String, String> firstFile = new LinkedHashMap<>();
        List<Conflict> conflicts = new ArrayList<>();
        long rows = 0;
        Map<String, FileMetaData> read = new LinkedHashMap<>();
        Map<String, List<RowGroup>> rowGroups = new LinkedHashMap<>();
        for (Footer footer : footers) {
            read.put(footer.path(), footer.meta());
            rowGroups.put(footer.path(), footer.rowGroups());
            rows += footer.rows();
            for (Column c : footer.schema().columns()) {
                Column first = columns.putIfAbsent(c.name(), c);
                firstFile.putIfAbsent(c.name(), footer.path());
                if (first != null && !compatible(first.type(), c.type())) {
                    conflicts.add(new Conflict(c.name(), footer.path(), c.type(), firstFile.get(c.name()),
                            first.type()));
                }
            }
        }
        List<Column> schema = new ArrayList<>(columns.values());
        for (Column partition : partitionColumns(root, files)) {
            if (!columns.containsKey(partition.name())) {
                schema.add(partition);
            }
        }
        return new Footers(new RowSchema(schema), footers.size(), files.size(),
                footers.size() == files.size() ? OptionalLong.of(rows) : OptionalLong.empty(), conflicts, read,
                rowGroups);
    }

    /** The files whose footers are read: all, or {@link #MAX_FOOTERS} spread evenly, first and last included. */
    static List<Integer> sample(int files) {
        List<Integer> chosen = new ArrayList<>();
        if (files <= MAX_FOOTERS) {
            for (int i = 0; i < files; i++) {
                chosen.add(i);
            }
            return chosen;
        }
        for (int i = 0; i < MAX_FOOTERS; i++) {
            chosen.add((int) ((long) i * (files - 1) / (MAX_FOOTERS - 1)));
        }
        return chosen;
    }

    private record Footer(String path, RowSchema schema, long rows, FileMetaData meta, List<RowGroup> rowGroups) {
    }

    private static Footer footer(Configuration conf, String path) {
        try (ParquetFileReader reader = open(conf, new Path(path))) {
            FileMetaData meta = reader.getFooter().getFileMetaData();
            return new Footer(path, ParquetSchemas.toRowSchema(meta.getSchema()), reader.getRecordCount(), meta,
                    reader.getFooter().getBlocks().stream().map(RowGroup::of).toList());
        } catch (ColdpathException e) {
            throw e;
        } catch (EOFException e) {
            throw badFile(path, firstLine(e), e);
        } catch (IOException e) {
            if (BAD_FILE.matcher(String.valueOf(e.getMessage())).find()) {
                throw badFile(path, firstLine(e), e);
            }
            throw new StorageException(StorageFailures.describe("read the Parquet footer of", path, e, conf), e);
        } catch (RuntimeException e) { // parquet-mr's way of saying the bytes are not a Parquet file
            throw badFile(path, firstLine(e), e);
        }
    }

    /**
     * Opens {@code file} (for its footer) with the read options of {@code conf}. {@code ParquetFileReader.open} with
     * no options takes them from a new Configuration, which parses Hadoop's default files (150-450 KB of XML) again
     * for each file it opens.
     */
    public static ParquetFileReader open(Configuration conf, Path file) throws IOException {
        return ParquetFileReader.open(HadoopInputFile.fromPath(file, conf),
                HadoopReadOptions.builder(conf, file).build());
    }

    private static InputDataException badFile(String path, String problem, Throwable cause) {
        return new InputDataException("Cannot read input file " + path + ": " + problem + " (a corrupt, truncated"
                + " or non-Parquet file: remove or rewrite it)", cause);
    }

    private static String firstLine(Throwable e) {
        return problem(String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip());
    }

    /** parquet-mr's first line about a file it cannot read, in words a user can act on. */
    public static String problem(String firstLine) {
        Matcher footer = FOOTER_TOO_LARGE.matcher(firstLine);
        if (footer.find()) { // parquet-mr: "footer is too large: 3358874711to be read"
            return "truncated or corrupt: its footer claims " + footer.group(1) + " bytes, more than the file holds";
        }
        return firstLine;
    }

    /** Whether a reader can read a column of type {@code b} as {@code a}, or might (types coldpath does not know). */
    private static boolean compatible(ColumnType a, ColumnType b) {
        if (a.equals(b) || a.kind() == Kind.OTHER || b.kind() == Kind.OTHER) {
            return true;
        }
        if (NUMBERS.contains(a.kind()) && NUMBERS.contains(b.kind())) {
            return true; // widening or not: Spark's reader decides, when it reads
        }
        if (a.kind() != b.kind()) {
            return false;
        }
        return switch (a.kind()) {
            case ARRAY -> compatible(a.element(), b.element());
            case MAP -> compatible(a.key(), b.key()) && compatible(a.element(), b.element());
            default -> true;
        };
    }

    /**
     * Columns from {@code key=value} directories between the input's root and its files, typed as Spark infers
     * them: int, bigint or double when every value parses as one, a date or timestamp (not fed to models), else
     * a string.
     */
    static List<Column> partitionColumns(String root, List<InputFile> files) {
        Set<String> names = new LinkedHashSet<>();
        Map<String, ColumnType> types = new LinkedHashMap<>();
        Path base = new Path(root);
        for (InputFile file : files) {
            List<String[]> pairs = new ArrayList<>();
            for (Path dir = new Path(file.path()).getParent(); dir != null && !sameDir(dir, base);
                 dir = dir.getParent()) {
                String name = dir.getName();
                int eq = name.indexOf('=');
                if (eq <= 0) {
                    break;
                }
                pairs.add(0, new String[] {unescape(name.substring(0, eq)), unescape(name.substring(eq + 1))});
            }
            for (String[] pair : pairs) {
                names.add(pair[0]);
                if (!pair[1].equals(NULL_PARTITION)) {
                    types.merge(pair[0], inferType(pair[1]), ParquetFooters::wider);
                }
            }
        }
        return names.stream().map(n -> new Column(n, types.getOrDefault(n, ColumnType.STRING))).toList();
    }

    private static boolean sameDir(Path dir, Path base) {
        return dir.toUri().getPath().equals(base.toUri().getPath());
    }

    private static String unescape(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    static ColumnType inferType(String value) {
        try {
            Integer.parseInt(value);
            return ColumnType.INT;
        } catch (NumberFormatException e) {
            // not an int
        }
        try {
            Long.parseLong(value);
            return ColumnType.LONG;
        } catch (NumberFormatException e) {
            // not a bigint
        }
        if (value.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            return ColumnType.DOUBLE;
        }
        try {
            LocalDate.parse(value);
            return ColumnType.other("date");
        } catch (DateTimeParseException e) {
            // not a date
        }
        return TIMESTAMP.matcher(value).matches() ? ColumnType.other("timestamp") : ColumnType.STRING;
    }

    private static ColumnType wider(ColumnType a, ColumnType b) {
        if (a.equals(b)) {
            return a;
        }
        if (NUMBERS.contains(a.kind()) && NUMBERS.contains(b.kind())) {
            return a.kind() == Kind.DOUBLE || b.kind() == Kind.DOUBLE ? ColumnType.DOUBLE : ColumnType.LONG;
        }
        return ColumnType.STRING;
    }
}
