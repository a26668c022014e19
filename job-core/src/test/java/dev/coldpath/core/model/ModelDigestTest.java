package dev.coldpath.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDigestTest {
    @TempDir
    Path dir;

    @Test
    void aFileIsReadOnceWhileItsStampStaysTheSame() throws Exception {
        Path file = Files.write(dir.resolve("model.onnx"), bytes(1 << 20, 1));
        String expected = ModelDigest.sha256(new ByteArrayInputStream(bytes(1 << 20, 1)));

        long before = ModelDigest.filesRead();
        String first = ModelDigest.sha256(file, Duration.ZERO);
        String again = ModelDigest.sha256(dir.resolve("./model.onnx"), Duration.ZERO);

        assertThat(first).isEqualTo(expected);
        assertThat(again).isEqualTo(expected);
        assertThat(ModelDigest.filesRead() - before).as("files read").isEqualTo(1);
    }

    @Test
    void aFileChangedAMomentAgoIsReadEachTime() throws Exception {
        Path file = Files.write(dir.resolve("model.onnx"), bytes(4096, 1));

        long before = ModelDigest.filesRead();
        ModelDigest.sha256(file);
        ModelDigest.sha256(file);

        assertThat(ModelDigest.filesRead() - before).as("files read (changed within %s)", ModelDigest.SETTLED)
                .isEqualTo(2);
    }

    @Test
    void aFileRewrittenWithItsSizeAndModificationTimeKeptIsHashedAgain() throws Exception {
        Path file = Files.write(dir.resolve("model.onnx"), bytes(4096, 1));
        FileTime modified = Files.getLastModifiedTime(file);
        Thread.sleep(ModelDigest.SETTLED.toMillis() + 100); // settled, so that its hash is remembered
        long before = ModelDigest.filesRead();
        String first = ModelDigest.sha256(file);
        assertThat(ModelDigest.sha256(file)).isEqualTo(first);
        assertThat(ModelDigest.filesRead() - before).as("files read").isEqualTo(1);

        Files.write(file, bytes(4096, 2)); // same size, other bytes
        Files.setLastModifiedTime(file, modified);

        assertThat(ModelDigest.sha256(file)).isNotEqualTo(first)
                .isEqualTo(ModelDigest.sha256(new ByteArrayInputStream(bytes(4096, 2))));
    }

    @Test
    void aFileReplacedByAnotherIsHashedAgain() throws Exception {
        Path file = Files.write(dir.resolve("model.onnx"), bytes(4096, 1));
        String first = ModelDigest.sha256(file, Duration.ZERO);
        Path other = Files.write(dir.resolve("other.onnx"), bytes(4096, 3));

        Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(ModelDigest.sha256(file, Duration.ZERO)).isNotEqualTo(first)
                .isEqualTo(ModelDigest.sha256(new ByteArrayInputStream(bytes(4096, 3))));
    }

    private static byte[] bytes(int size, int seed) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) seed);
        bytes[size / 2] = (byte) (seed * 31);
        return bytes;
    }
}
