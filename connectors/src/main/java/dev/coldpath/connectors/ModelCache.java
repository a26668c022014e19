package dev.coldpath.connectors;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.model.ModelArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * Remote models (s3a:, hdfs:, ...) kept on an executor's local disk, so each is fetched once per machine rather
 * than once per session: {@code <dir>/<sha256>.onnx}, named by the sha256 the job EXPECTS. Bytes are verified
 * against that hash before they are cached and again each time a cached file is used, so neither a model changed
 * at its source nor a damaged cache file is ever run: the first is refused, the second fetched again. Files are
 * written to a temporary name and renamed into place, so concurrent executors on one machine never read a part.
 * At most {@code maxModels} files are kept (least recently used go first). Local files are read in place. The
 * job keys {@code executor.model-cache.dir} and {@code executor.model-cache.max} say where and how many.
 *
 * <p>Thread safe; holds no open resources, so one is cheap to make for each session load.
 */
public final class ModelCache {
    private static final Pattern CACHED = Pattern.compile("[0-9a-f]{64}\\.onnx");

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

    /** Where the model with this sha256 is cached. */
    public Path file(String sha256) {
        return dir.resolve(sha256 + ".onnx");
    }

    /**
     * The model's bytes, verified against {@link ModelArtifact#sha256()}: from the cache when a cached copy
     * verifies, otherwise read from {@link ModelArtifact#location()}, verified, and cached.
     *
     * @throws dev.coldpath.core.error.ModelLoadException when the bytes at the location do not match the hash
     *                                                    or cannot be read
     */
    public byte[] fetch(ModelArtifact model, Configuration conf) {
        if (isLocal(model.location())) {
            byte[] bytes = HadoopModelStore.read(model.location(), conf);
            model.verify(bytes);
            return bytes;
        }
        Path cached = file(model.sha256());
        byte[] hit = readCached(cached, model.sha256());
        if (hit != null) {
            return hit;
        }
        byte[] bytes = HadoopModelStore.read(model.location(), conf);
        model.verify(bytes); // never cache bytes the job did not plan with
        store(cached, bytes);
        return bytes;
    }

    /** The cached bytes if they are there and still hash to {@code sha256}; a damaged file is removed. */
    private static byte[] readCached(Path cached, String sha256) {
        try {
            byte[] bytes = Files.readAllBytes(cached);
            if (ModelArtifact.sha256(bytes).equals(sha256)) {
                Files.setLastModifiedTime(cached, FileTime.fromMillis(System.currentTimeMillis()));
                return bytes;
            }
            Files.deleteIfExists(cached);
        } catch (NoSuchFileException e) {
            // a miss
        } catch (IOException e) {
            // unreadable: fetch again
        }
        return null;
    }

    /** Writes the bytes atomically; a cache that cannot be written only costs another fetch next time. */
    private void store(Path cached, byte[] bytes) {
        Path temp = dir.resolve("." + cached.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.write(temp, bytes);
            Files.move(temp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            evict(cached);
        } catch (IOException | UnsupportedOperationException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // left for the next eviction
            }
        }
    }

    /** Deletes the least recently used models beyond {@code maxModels}, never the one just written. */
    private void evict(Path keep) throws IOException {
        List<Path> models;
        try (Stream<Path> files = Files.list(dir)) {
            models = files.filter(p -> CACHED.matcher(p.getFileName().toString()).matches()).toList();
        }
        if (models.size() <= maxModels) {
            return;
        }
        List<Path> oldestFirst = models.stream().filter(p -> !p.equals(keep))
                .sorted(Comparator.comparingLong(ModelCache::lastModified)).toList();
        for (int i = 0; i < models.size() - maxModels && i < oldestFirst.size(); i++) {
            Files.deleteIfExists(oldestFirst.get(i));
        }
    }

    private static long lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean isLocal(String location) {
        String scheme = new org.apache.hadoop.fs.Path(location).toUri().getScheme();
        return scheme == null || scheme.equals("file");
    }
}
