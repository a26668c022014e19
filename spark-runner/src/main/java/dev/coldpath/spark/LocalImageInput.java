package dev.coldpath.spark;

import dev.coldpath.connectors.ParquetSource.InputFile;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.execution.datasources.binaryfile.BinaryFileFormat$;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Image files ({@code input.format: images}) read in this JVM, without a SparkSession (the local runner): one row
 * per file as Spark's {@code binaryFile} source makes it, with its columns and types ({@link #SCHEMA}: {@code path},
 * the file's qualified path, {@code modificationTime}, {@code length} and {@code content}, the file's bytes), from
 * the files {@code ImageFilesSource.list} listed with the Spark runner's rules. Files are read through Hadoop's
 * FileSystem over the job's configuration (local disk, s3a), each whole and when its row is asked for. Not thread
 * safe: one iterator per worker.
 */
final class LocalImageInput {
    /** The rows' columns, as Spark's binaryFile source gives them to a scan (every column nullable). */
    static final StructType SCHEMA = BinaryFileFormat$.MODULE$.schema().asNullable();
    /** The largest file a row holds (a Java array's bound). */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private LocalImageInput() {
    }

    /** The rows of {@code files}, in their order, read over the job's Hadoop configuration {@code conf}. */
    static Iterator<InternalRow> rows(Configuration conf, List<InputFile> files) {
        Iterator<InputFile> next = List.copyOf(files).iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return next.hasNext();
            }

            @Override
            public InternalRow next() {
                if (!next.hasNext()) {
                    throw new NoSuchElementException();
                }
                InputFile file = next.next();
                return new GenericInternalRow(new Object[] {UTF8String.fromString(file.path()),
                    Math.multiplyExact(file.modificationTime(), 1000L), file.sizeBytes(), read(conf, file)});
            }
        };
    }

    /**
     * The file's bytes, opened with the length it was listed with (no second look-up of the file on an object
     * store) and read whole.
     */
    static byte[] read(Configuration conf, InputFile file) {
        if (file.sizeBytes() > MAX_BYTES) {
            throw new InputDataException("Image file " + file.path() + " is " + file.sizeBytes() + " bytes, more than"
                    + " a row holds (2 GB): leave it out with input.glob, or move it");
        }
        Path path = new Path(file.path());
        try {
            FileSystem fs = path.getFileSystem(conf);
            try (FSDataInputStream in = fs.openFile(path)
                    .opt(Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY,
                            Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_WHOLE_FILE)
                    .opt(Options.OpenFileOptions.FS_OPTION_OPENFILE_LENGTH, file.sizeBytes())
                    .build().get()) {
                return in.readAllBytes();
            }
        } catch (ExecutionException e) {
            throw cannotRead(file, e.getCause() == null ? e : e.getCause());
        } catch (IOException e) {
            throw cannotRead(file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cannotRead(file, e);
        }
    }

    /** A file removed since it was listed is the input's fault; anything else, the file system's. */
    private static RuntimeException cannotRead(InputFile file, Throwable cause) {
        if (cause instanceof FileNotFoundException) {
            return new InputDataException("Image file " + file.path() + " was removed after the input was listed:"
                    + " run the job again once its input is complete", cause);
        }
        return new StorageException("Cannot read image file " + file.path() + ": " + cause.getMessage()
                + " (check that the file system can be reached, then run the job again)", cause);
    }
}
