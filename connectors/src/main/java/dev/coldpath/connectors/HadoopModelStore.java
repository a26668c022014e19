package dev.coldpath.connectors;

import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.model.ExternalData;
import dev.coldpath.core.model.LocalModel;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Finds models on any Hadoop file system (a local path, file:, hdfs:, s3a:) and brings them to local disk, where ONNX
 * Runtime opens them by path. Executors read through {@link ModelCache}, which keeps remote models on local disk.
 */
public final class HadoopModelStore {
    /** The name a remote model's .onnx file is given on local disk. */
    public static final String FOLDER_MODEL = "model.onnx";

    private HadoopModelStore() {
    }

    /**
     * The model at {@code location} on local disk: a local path as it is; a remote one (s3a:, hdfs:) downloaded,
     * streamed, into {@code workDir} as {@value #FOLDER_MODEL} (a model's sha256 does not depend on its file's name),
     * with the external-data files its graph names, fetched from beside it under their own names.
     */
    public static LocalModel local(String location, java.nio.file.Path workDir, Configuration conf) {
        return local(location, Optional.empty(), workDir, conf);
    }

    /**
     * As {@link #local(String, java.nio.file.Path, Configuration)}, with the data files known (a job's artifact):
     * they are fetched and hashed without reading the graph, so a file that changed is refused by its hash.
     */
    public static LocalModel local(String location, Optional<List<String>> dataFiles, java.nio.file.Path workDir,
                                   Configuration conf) {
        Optional<java.nio.file.Path> local = localPath(location);
        if (local.isPresent()) {
            return dataFiles.map(names -> LocalModel.of(local.get(), names)).orElseGet(() -> LocalModel.of(local.get()));
        }
        Path remote = new Path(location);
        java.nio.file.Path file = workDir.resolve(FOLDER_MODEL);
        download(location, file, conf);
        List<String> names = dataFiles.orElseGet(() -> ExternalData.locations(file));
        for (String data : names) {
            download(new Path(remote.getParent(), data).toString(), workDir.resolve(data), conf);
        }
        return LocalModel.of(file, names);
    }

    /** The local file a location names (a plain path or a file: URI); empty for a remote location. */
    public static Optional<java.nio.file.Path> localPath(String location) {
        URI uri = new Path(location).toUri();
        if (uri.getScheme() == null) {
            return Optional.of(Paths.get(location));
        }
        return uri.getScheme().equals("file") ? Optional.of(Paths.get(uri.getPath())) : Optional.empty();
    }

    /** Copies one file to local disk, streamed. */
    static void download(String location, java.nio.file.Path target, Configuration conf) {
        Path path = new Path(location);
        try {
            FileSystem fs = path.getFileSystem(conf);
            if (fs.getFileStatus(path).isDirectory()) {
                throw new ModelLoadException("Model " + location + " is a directory, not an ONNX file: name the"
                        + " .onnx file in it", null);
            }
            Files.createDirectories(target.getParent());
            try (InputStream in = fs.open(path)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
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
