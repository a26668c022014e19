package dev.coldpath.spark;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ParquetSource.InputFile;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
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
     * store) and read whole; a file whose bytes are not as many as listed changed after the listing, and is an input
     * error (Spark's binaryFile looks the file up again when it reads it, and would give the new length).
     */
    static byte[] read(Configuration conf, InputFile file) {
        if (file.sizeBytes() > MAX_BYTES) {
            throw new InputDataException("Image file " + file.path() + " is " + file.sizeBytes() + " bytes, more than"
                    + " a row holds (2 GB): leave it out with input.glob, or move it");
        }
        Path path = new Path(file.path());
        byte[] bytes;
        try {
            FileSystem fs = path.getFileSystem(conf);
            try (FSDataInputStream in = fs.openFile(path)
                    .opt(Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY,
                            Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_WHOLE_FILE)
                    .opt(Options.OpenFileOptions.FS_OPTION_OPENFILE_LENGTH, file.sizeBytes())
                    .build().get()) {
                bytes = in.readAllBytes();
            }
        } catch (ExecutionException e) {
            throw cannotRead(conf, file, e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        } catch (IOException e) {
            throw cannotRead(conf, file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cannotRead(conf, file, new InterruptedIOException("interrupted"));
        }
        if (bytes.length != file.sizeBytes()) {
            throw new InputDataException("Image file " + file.path() + " changed after the input was listed ("
                    + file.sizeBytes() + " bytes listed, " + bytes.length + " read): run the job again once its"
                    + " input is complete");
        }
        return bytes;
    }

    /**
     * A file removed since it was listed, or one that is there but cannot be opened (permissions), is the input's
     * fault; anything else, the file system's. Described by the storage errors' rules (one line, no secrets).
     */
    private static RuntimeException cannotRead(Configuration conf, InputFile file, IOException cause) {
        String described = HadoopFileStore.describe("read image file", file.path(), cause, conf);
        if (cause instanceof FileNotFoundException) {
            Path path = new Path(file.path());
            boolean exists;
            try {
                exists = path.getFileSystem(conf).exists(path);
            } catch (IOException e) {
                return HadoopFileStore.failure("read image file", file.path(), e, conf);
            }
            if (exists) {
                return new InputDataException(described + " (the file is there but unreadable: check its"
                        + " permissions, or leave it out with input.glob)", cause);
            }
            return new InputDataException("Image file " + file.path() + " was removed after the input was listed:"
                    + " run the job again once its input is complete", cause);
        }
        return new StorageException(described, cause);
    }
}
