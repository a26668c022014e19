package dev.coldpath.connectors;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.model.ModelArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * Remote models (s3a:, hdfs:, ...) kept on an executor's local disk, so each is fetched once per machine rather
 * than once per session: the directory {@code <dir>/<sha256>/} holds the model's .onnx file as {@code model.onnx} and
 * its external-data files beside it under their own names, named by the sha256 the job EXPECTS. ONNX Runtime opens the file there, by
 * path. Files are streamed to disk, never held in the heap, and verified against that hash before they are
 * cached and again each time a cached model is used, so neither a model changed at its source nor a damaged cache
 * file is ever run: the first is refused, the second fetched again. A model is downloaded into a temporary
 * directory that is then renamed into place, so concurrent executors on one machine never read a part. At most
 * {@code maxModels} models are kept (least recently used go first). Local files are opened in place. The job keys
 * {@code executor.model-cache.dir} and {@code executor.model-cache.max} say where and how many.
 *
 * <p>Thread safe; holds no open resources, so one is cheap to make for each session load.
 */
public final class ModelCache {
    private static final Pattern CACHED = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;
    private final int maxModels;

    public ModelCache(Path dir, int maxModels) {
        this.dir = requireNonNull(dir, "dir is null");
        if (maxModels < 1) {
            throw new IllegalArgumentException("maxModels must be >= 1: " + maxModels);
        }
        this.maxModels = maxModels;
    }

    public Path dir() {
        return dir;
    }

    /** The directory where the model with this sha256 is cached. */
    public Path directory(String sha256) {
        return dir.resolve(sha256);
    }

    /**
     * The model on local disk, verified against {@link ModelArtifact#sha256()}: in place for a local file; from the
     * cache when a cached copy verifies; otherwise downloaded from {@link ModelArtifact#location()} (with its
     * external-data files), verified, and cached.
     *
     * @throws ModelLoadException when the files at the location do not match the hash or cannot be read
     */
    public LocalModel fetch(ModelArtifact model, Configuration conf) {
        if (HadoopModelStore.localPath(model.location()).isPresent()) {
            LocalModel local = HadoopModelStore.local(model.location(), Optional.of(model.dataFiles()), dir, conf);
            model.verify(local);
            return local;
        }
        Optional<LocalModel> hit = cached(directory(model.sha256()).resolve(HadoopModelStore.FOLDER_MODEL),
                model.sha256(), model.dataFiles());
        if (hit.isPresent()) {
            return hit.get();
        }
        return download(model.location(), conf, Optional.of(model));
    }

    /**
     * As {@link #fetch(ModelArtifact, Configuration)}, but a remote model is always read again from its location and
     * verified, even when a verified copy is cached: the driver's check that the model at its source is still the one
     * registered, before any task runs. The copy is cached (or the cached one used) afterwards.
     */
    public LocalModel fetchFromSource(ModelArtifact model, Configuration conf) {
        if (HadoopModelStore.localPath(model.location()).isPresent()) {
            return fetch(model, conf);
        }
        return download(model.location(), conf, Optional.of(model));
    }

    /**
     * The model at {@code location} on local disk, where the driver opens it before it knows its sha256: a local
     * file in place, a remote one downloaded and cached under the sha256 it turns out to have.
     */
    public LocalModel fetch(String location, Configuration conf) {
        if (HadoopModelStore.localPath(location).isPresent()) {
            return HadoopModelStore.local(location, dir, conf);
        }
        return download(location, conf, Optional.empty());
    }

    private LocalModel download(String location, Configuration conf, Optional<ModelArtifact> expected) {
        Path temp = dir.resolve("." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(dir);
            LocalModel fetched = HadoopModelStore.local(location, expected.map(ModelArtifact::dataFiles), temp, conf);
            expected.ifPresent(model -> model.verify(fetched)); // never cache files the job did not plan with
            Path target = directory(fetched.sha256());
            Path file = target.resolve(temp.relativize(fetched.file()));
            Optional<LocalModel> theirs = cached(file, fetched.sha256(), fetched.dataFiles());
            if (theirs.isPresent()) { // cached before (by another executor of this machine, or an earlier run)
                deleteTree(temp);
                return theirs.get();
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // another executor of this machine cached it meanwhile: use its copy if it verifies
                theirs = cached(file, fetched.sha256(), fetched.dataFiles());
                if (theirs.isPresent()) {
                    deleteTree(temp);
                    return theirs.get();
                }
                throw e;
            }
            evict(target);
            return relocated(fetched, temp, target);
        } catch (IOException e) {
            deleteTree(temp);
            throw new ModelLoadException("Cannot cache model " + location + " in " + dir + ": " + e.getMessage()
                    + " (check executor.model-cache.dir: it must be a writable local directory)", e);
        } catch (RuntimeException e) {
            deleteTree(temp);
            throw e;
        }
    }

    private static LocalModel relocated(LocalModel model, Path from, Path to) {
        return new LocalModel(to.resolve(from.relativize(model.file())), model.dataFiles(), model.sha256(),
                model.sizeBytes());
    }

    /** The cached model if it is there and still hashes to {@code sha256}; a damaged copy is removed. */
    private static Optional<LocalModel> cached(Path file, String sha256, List<String> dataFiles) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            LocalModel local = LocalModel.of(file, dataFiles);
            if (local.sha256().equals(sha256)) {
                Files.setLastModifiedTime(file.getParent(), FileTime.fromMillis(System.currentTimeMillis()));
                return Optional.of(local);
            }
        } catch (ModelLoadException | IOException e) {
            // damaged or unreadable: fetch again
        }
        deleteTree(file.getParent());
        return Optional.empty();
    }

    /**
     * Deletes the least recently used models beyond {@code maxModels}, never the one just cached, and the temporary
     * directories of downloads that died more than a day ago.
     */
    private void evict(Path keep) throws IOException {
        List<Path> models;
        List<Path> stale;
        long dayAgo = System.currentTimeMillis() - 86_400_000L;
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> all = entries.toList();
            models = all.stream().filter(p -> CACHED.matcher(p.getFileName().toString()).matches()).toList();
            stale = all.stream().filter(p -> p.getFileName().toString().startsWith(".")
                    && p.getFileName().toString().endsWith(".tmp") && lastModified(p) < dayAgo).toList();
        }
        stale.forEach(ModelCache::deleteTree);
        if (models.size() <= maxModels) {
            return;
        }
        List<Path> oldestFirst = models.stream().filter(p -> !p.equals(keep))
                .sorted(Comparator.comparingLong(ModelCache::lastModified)).toList();
        for (int i = 0; i < models.size() - maxModels && i < oldestFirst.size(); i++) {
            deleteTree(oldestFirst.get(i));
        }
    }

    private static long lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Deletes a directory tree; a cache that cannot be cleaned only costs disk until the next eviction. */
    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // left for the next eviction
        }
    }
}
