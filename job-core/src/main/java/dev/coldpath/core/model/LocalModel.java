package dev.coldpath.core.model;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.ModelLoadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model on local disk, as ONNX Runtime opens it: its .onnx file and the external-data files beside it, with the
 * sha256 that covers them all ({@link ModelDigest}). ONNX Runtime reads (or maps) the files itself; nothing here
 * holds their bytes.
 *
 * @param file      the .onnx file
 * @param dataFiles the external-data files its tensors name, relative to the file's directory, sorted
 * @param sha256    the model's sha256 ({@link ModelDigest})
 * @param sizeBytes the size of all its files together
 */
public record LocalModel(Path file, List<String> dataFiles, String sha256, long sizeBytes) {
    public LocalModel {
        requireNonNull(file, "file is null");
        requireNonNull(sha256, "sha256 is null");
        dataFiles = List.copyOf(dataFiles);
    }

    /**
     * Finds the model's external-data files and hashes every file, streaming.
     *
     * @throws ModelLoadException when the file is not there, is not an ONNX model, or a data file it names is missing
     */
    public static LocalModel of(Path file) {
        checkFile(file);
        return of(file, ExternalData.locations(file));
    }

    /**
     * The model with the data files a job expects ({@link ModelArtifact#dataFiles()}), hashed without reading its
     * graph: a file changed into something that is no longer a model is then refused by its hash, not by a parse.
     *
     * @throws ModelLoadException when a file is missing or cannot be read
     */
    public static LocalModel of(Path file, List<String> dataFiles) {
        checkFile(file);
        List<ModelDigest.FileHash> hashes = new ArrayList<>();
        try {
            long size = Files.size(file);
            for (String name : dataFiles) {
                Path data = file.resolveSibling(name);
                if (!Files.isRegularFile(data)) {
                    throw new ModelLoadException("Model " + file + " stores tensors in " + name + ", which is not"
                            + " beside it: copy the model's external-data files with it", null);
                }
                size += Files.size(data);
                hashes.add(new ModelDigest.FileHash(name, ModelDigest.sha256(data)));
            }
            return new LocalModel(file, dataFiles, ModelDigest.combine(ModelDigest.sha256(file), hashes), size);
        } catch (IOException | UncheckedIOException e) {
            throw new ModelLoadException("Cannot read model " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkFile(Path file) {
        if (Files.isDirectory(file)) {
            throw new ModelLoadException("Model " + file + " is a directory, not an ONNX file: name the .onnx file in"
                    + " it", null);
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("Model " + file + " not found: check the path", null);
        }
    }

    /** Every file of the model: the .onnx file first, then its data files. */
    public List<Path> files() {
        List<Path> all = new ArrayList<>();
        all.add(file);
        dataFiles.forEach(name -> all.add(file.resolveSibling(name)));
        return all;
    }
}
