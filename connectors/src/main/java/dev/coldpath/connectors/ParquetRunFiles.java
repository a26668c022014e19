package dev.coldpath.connectors;

import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
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
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(files.get(0), conf))) {
            return reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException e) {
            throw new StorageException("Cannot read the footer of " + files.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** Gives each row, in file order, to {@code rows}, stopping after {@code limit}; returns how many it read. */
    public long read(long limit, Consumer<Group> rows) {
        long n = 0;
        for (Path file : files) {
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf)
                    .build()) {
                for (Group g = reader.read(); g != null && n < limit; g = reader.read()) {
                    n++;
                    rows.accept(g);
                }
            } catch (IOException e) {
                throw new StorageException("Cannot read " + file + " of " + directory + ": " + e.getMessage(), e);
            }
            if (n >= limit) {
                break;
            }
        }
        return n;
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
