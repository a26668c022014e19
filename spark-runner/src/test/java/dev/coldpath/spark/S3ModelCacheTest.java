package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.connectors.HadoopModelStore;
import dev.coldpath.connectors.ModelCache;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.model.ModelArtifact;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executors' local-disk model cache, reading from a real S3 server (s3proxy). No Spark. */
@Tag("slow") // excluded by mvn -Pquick
class S3ModelCacheTest {
    @TempDir
    Path cacheDir;

    private static S3ProxyServer server;
    private static Configuration conf;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.shared();
        conf = new Configuration();
        server.configure(conf);
        conf.set("fs.s3a.impl.disable.cache", "true"); // this test's own file systems, closed with the JVM
    }

    private static String upload(byte[] bytes) throws Exception {
        String bucket = "cache-" + UUID.randomUUID().toString().substring(0, 8);
        String location = server.createBucket(bucket) + "/models/wine_mlp.onnx";
        put(location, bytes);
        return location;
    }

    private static void put(String location, byte[] bytes) throws Exception {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
        try (FileSystem fs = path.getFileSystem(conf); OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
    }

    private static ModelArtifact artifact(String location, byte[] bytes) {
        return new ModelArtifact(location, ModelArtifact.sha256(bytes), bytes.length, "wine_mlp", "1.0.0", Map.of());
    }

    /** Where the cache keeps a model's .onnx file. */
    private static Path cached(ModelCache cache, ModelArtifact model) {
        return cache.directory(model.sha256()).resolve("model.onnx");
    }

    @Test
    void aModelFetchedFromS3IsServedFromLocalDiskWhileTheServerIsDown() throws Exception {
        byte[] bytes = Files.readAllBytes(SampleData.model("wine_mlp"));
        String location = upload(bytes);
        ModelCache cache = new ModelCache(cacheDir, 4);
        ModelArtifact model = artifact(location, bytes);

        assertThat(cache.fetch(model, conf).file()).isEqualTo(cached(cache, model)).hasBinaryContent(bytes);
        server.stop();
        try {
            assertThat(cache.fetch(model, conf).file()).isEqualTo(cached(cache, model)).hasBinaryContent(bytes);
            assertThatThrownBy(() -> HadoopModelStore.local(location, cacheDir.resolve("direct"), conf))
                    .as("the server really is down").isInstanceOf(ModelLoadException.class);
        } finally {
            server.restart();
        }
    }

    @Test
    void aDamagedCacheFileIsFetchedAgainNotRun() throws Exception {
        byte[] bytes = Files.readAllBytes(SampleData.model("wine_mlp"));
        ModelArtifact model = artifact(upload(bytes), bytes);
        ModelCache cache = new ModelCache(cacheDir, 4);
        cache.fetch(model, conf);
        Files.write(cached(cache, model), new byte[] {1, 2, 3});

        assertThat(cache.fetch(model, conf).file()).hasBinaryContent(bytes);
        assertThat(cached(cache, model)).hasBinaryContent(bytes);
    }

    @Test
    void aModelWhoseBytesChangedOnS3IsRefusedAndNotCached() throws Exception {
        byte[] bytes = Files.readAllBytes(SampleData.model("wine_mlp"));
        String location = upload(bytes);
        ModelArtifact model = artifact(location, bytes);
        put(location, Files.readAllBytes(SampleData.model("breast_cancer_logreg")));
        ModelCache cache = new ModelCache(cacheDir, 4);

        assertThatThrownBy(() -> cache.fetch(model, conf))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(location)
                .hasMessageContaining("but the job expects " + model.sha256());
        assertThat(cache.directory(model.sha256())).doesNotExist();
        assertThat(cacheDir).isEmptyDirectory();
    }

    @Test
    void aDownloadThatDiedADayAgoIsCleanedUpAndARecentOneIsLeft() throws Exception {
        Path old = Files.createDirectories(cacheDir.resolve(".dead.tmp"));
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 2 * 86_400_000L));
        Path recent = Files.createDirectories(cacheDir.resolve(".running.tmp"));
        byte[] bytes = Files.readAllBytes(SampleData.model("wine_mlp"));

        new ModelCache(cacheDir, 4).fetch(artifact(upload(bytes), bytes), conf);

        assertThat(old).doesNotExist();
        assertThat(recent).exists();
    }

    @Test
    void theCacheKeepsAtMostItsLimitDroppingTheLeastRecentlyUsed() throws Exception {
        ModelCache cache = new ModelCache(cacheDir, 2);
        String[] names = {"wine_mlp", "breast_cancer_logreg", "breast_cancer_trees"};
        ModelArtifact[] models = new ModelArtifact[names.length];
        for (int i = 0; i < names.length; i++) {
            byte[] bytes = Files.readAllBytes(SampleData.model(names[i]));
            models[i] = artifact(upload(bytes), bytes);
            cache.fetch(models[i], conf);
            Files.setLastModifiedTime(cache.directory(models[i].sha256()),
                    FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        assertThat(cache.directory(models[0].sha256())).doesNotExist();
        assertThat(cache.directory(models[1].sha256())).exists();
        assertThat(cache.directory(models[2].sha256())).exists();
    }
}
