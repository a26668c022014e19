package dev.coldpath.connectors;

import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.ModelLoadException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads model bytes from any Hadoop file system: a local path, file:, hdfs:, s3a:. Executors read through
 * {@link ModelCache}, which keeps remote models on local disk.
 */
public final class HadoopModelStore {
    /** The model file of a model folder (Hugging Face Optimum and sentence-transformers exports). */
    public static final String FOLDER_MODEL = "model.onnx";

    private HadoopModelStore() {
    }

    /**
     * The ONNX file a model location names: the location itself, or for a model folder its {@value #FOLDER_MODEL}. A
     * location that does not exist is returned as it is, for {@link #read} to report.
     */
    public static String modelFile(String location, Configuration conf) {
        Path path = new Path(location);
        try {
            FileSystem fs = path.getFileSystem(conf);
            if (!fs.getFileStatus(path).isDirectory()) {
                return location;
            }
            Path model = new Path(path, FOLDER_MODEL);
            if (!fs.exists(model)) {
                throw new ModelLoadException("Model " + location + " is a directory without " + FOLDER_MODEL
                        + ": name the .onnx file in it, or give a model folder holding " + FOLDER_MODEL
                        + " (and tokenizer.json for a text model)", null);
            }
            return model.toString();
        } catch (FileNotFoundException e) {
            return location;
        } catch (IOException e) {
            throw new ModelLoadException(Fault.EXTERNAL, StorageFailures.describe("read model", location, e, conf), e);
        }
    }

    public static byte[] read(String location, Configuration conf) {
        Path path = new Path(location);
        try {
            FileSystem fs = path.getFileSystem(conf);
            FileStatus status = fs.getFileStatus(path);
            if (status.isDirectory()) {
                throw new ModelLoadException("Model " + location + " is a directory, not an ONNX file: name the"
                        + " .onnx file in it", null);
            }
            long length = status.getLen();
            if (length > Integer.MAX_VALUE - 8) {
                throw new ModelLoadException("Model " + location + " is " + length + " bytes; models over 2 GB"
                        + " need external data files, which coldpath does not load yet", null);
            }
            try (InputStream in = fs.open(path)) {
                return in.readAllBytes();
            }
        } catch (FileNotFoundException e) {
            throw new ModelLoadException("Model " + location + " not found: check the path", e);
        } catch (ChecksumException e) {
            throw new ModelLoadException("Model " + location + " does not match its checksum file: it was changed or"
                    + " corrupted after it was written (restore it, or register the new bytes as a new version)", e);
        } catch (IOException e) {
            throw new ModelLoadException(Fault.EXTERNAL, StorageFailures.describe("read model", location, e, conf), e);
        }
    }
}
