package dev.coldpath.connectors;

import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * A run directory's published rows read on the calling JVM with parquet-hadoop, without Spark: the Parquet files
 * at the top of the directory ({@code _shadow/}, {@code _quarantine/} and hidden files are not published rows), in
 * name order. For {@code coldpath compare} and a run's drift against the previous run; driver-only.
 */
public final class ParquetRunFiles {
    private final Configuration conf;
    private final String directory;
    private final List<Path> files;

    private ParquetRunFiles(Configuration conf, String directory, List<Path> files) {
        this.conf = conf;
        this.directory = directory;
        this.files = files;
    }

    /** The published files of the run directory; a directory without any is the user's error (exit 2). */
    public static ParquetRunFiles of(Configuration conf, String directory) {
        try {
            Path dir = new Path(directory);
            FileSystem fs = dir.getFileSystem(conf);
            List<Path> out = new ArrayList<>();
            for (FileStatus s : fs.listStatus(dir)) {
                String n = s.getPath().getName();
                if (s.isFile() && n.endsWith(".parquet") && !n.startsWith("_") && !n.startsWith(".")) {
                    out.add(s.getPath());
                }
            }
            out.sort(null);
            if (out.isEmpty()) {
                throw new InputDataException("Run directory " + directory + " has no Parquet file");
            }
            return new ParquetRunFiles(conf, directory, out);
        } catch (IOException e) {
            throw new StorageException("Cannot list the files of " + directory + ": " + e.getMessage()
                    + " (check the path and the storage settings)", e);
        }
    }

    /** The first file's schema (a run's files share one). */
    public MessageType schema() {
        try (ParquetFileReader reader = ParquetFooters.open(conf, files.get(0))) {
            return reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException e) {
            throw new StorageException("Cannot read the footer of " + files.get(0) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Gives each row, in file order, to {@code rows}, stopping after {@code limit}; returns how many it read. Only
     * {@code columns} are read (the rows hold those alone), so a wide run costs what its compared columns cost.
     */
    public long read(List<String> columns, long limit, Consumer<Group> rows) {
        Configuration projected = projection(columns);
        long n = 0;
        for (Path file : files) {
            n += read(projected, file, limit - n, rows);
            if (n >= limit) {
                break;
            }
        }
        return n;
    }

    /**
     * Gives about {@code limit} rows to {@code rows}, drawn from every file in proportion to its row count (the
     * first rows of each, from the footers' counts), or every row when the run holds no more: a sample that spans
     * all of a run's tasks rather than its first files. Returns how many it read.
     */
    public long sample(List<String> columns, long limit, Consumer<Group> rows) {
        long[] counts = new long[files.size()];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = rowCount(files.get(i));
            total += counts[i];
        }
        if (total <= limit) {
            return read(columns, limit, rows);
        }
        Configuration projected = projection(columns);
        long n = 0;
        for (int i = 0; i < counts.length; i++) {
            long quota = (long) Math.ceil((double) limit * counts[i] / total);
            n += read(projected, files.get(i), Math.min(quota, limit - n), rows);
        }
        return n;
    }

    private Configuration projection(List<String> columns) {
        MessageType schema = schema();
        List<Type> fields = new ArrayList<>();
        for (String column : new LinkedHashSet<>(columns)) {
            fields.add(schema.getType(column));
        }
        Configuration projected = new Configuration(conf);
        projected.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(schema.getName(), fields).toString());
        return projected;
    }

    private long read(Configuration projected, Path file, long limit, Consumer<Group> rows) {
        long n = 0;
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(projected)
                .build()) {
            for (Group g = n < limit ? reader.read() : null; g != null; g = n < limit ? reader.read() : null) {
                n++;
                rows.accept(g);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot read " + file + " of " + directory + ": " + e.getMessage(), e);
        }
        return n;
    }

    private long rowCount(Path file) {
        try (ParquetFileReader reader = ParquetFooters.open(conf, file)) {
            return reader.getRecordCount();
        } catch (IOException e) {
            throw new StorageException("Cannot read the footer of " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether a column holds one value per row (not an array, map or struct). */
    public static boolean oneValue(Type t) {
        return t.isPrimitive() && t.getRepetition() != Type.Repetition.REPEATED;
    }

    /** Whether a one-value column is floating point: compared as a score, not as a label. */
    public static boolean floatingPoint(Type t) {
        PrimitiveTypeName p = t.asPrimitiveType().getPrimitiveTypeName();
        return p == PrimitiveTypeName.FLOAT || p == PrimitiveTypeName.DOUBLE;
    }

    /** A row's value as text (a string as itself, a number in decimal), or null. */
    public static String text(Group g, String column) {
        int i = g.getType().getFieldIndex(column);
        return g.getFieldRepetitionCount(i) == 0 ? null : g.getValueToString(i, 0);
    }

    /** A floating-point value as a double; a null as NaN, which the statistics leave out. */
    public static double number(Group g, String column) {
        int i = g.getType().getFieldIndex(column);
        if (g.getFieldRepetitionCount(i) == 0) {
            return Double.NaN;
        }
        return g.getType().getType(i).asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.FLOAT
                ? g.getFloat(i, 0) : g.getDouble(i, 0);
    }
}
