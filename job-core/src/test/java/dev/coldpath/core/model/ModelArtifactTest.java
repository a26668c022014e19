package dev.coldpath.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.testing.SampleModels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {
    private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void sha256IsLowerCaseHex() {
        assertThat(ModelArtifact.sha256("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC_SHA256);
    }

    @Test
    void changedBytesAreRefusedNamingBothHashes(@TempDir Path dir) throws Exception {
        byte[] bytes = SampleModels.bytes(SampleModels.LOGREG);
        String expected = ModelArtifact.sha256(bytes);
        ModelArtifact artifact = new ModelArtifact("s3a://models/logreg.onnx", expected, bytes.length, "logreg", "",
                Map.of());
        Path file = Files.write(dir.resolve("logreg.onnx"), bytes);
        assertThatCode(() -> artifact.verify(LocalModel.of(file))).doesNotThrowAnyException();

        byte[] changed = bytes.clone();
        changed[changed.length - 1] ^= 1;
        Files.write(file, changed);
        assertThatThrownBy(() -> artifact.verify(LocalModel.of(file)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("Model s3a://models/logreg.onnx has sha256 " + ModelArtifact.sha256(changed)
                        + " but the job expects " + expected + ": the file changed after the job was planned or was"
                        + " tampered with (restore it, or register the new bytes as a new version)")
                .satisfies(e -> assertThat(((ModelLoadException) e).fault()).isEqualTo(Fault.USER));
    }

    @Test
    void artifactSurvivesJavaSerialization() throws Exception {
        ModelArtifact artifact = new ModelArtifact("/m.onnx", ABC_SHA256, 3, "m", "2", Map.of("dataset", "d"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(artifact);
        }

        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(artifact);
        }
    }

    @Test
    void requiredFieldsAreNamedWhenNull() {
        assertThatThrownBy(() -> new ModelArtifact("/m.onnx", null, 3, "m", "", Map.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("sha256 is null");
        assertThatThrownBy(() -> new ModelArtifact(null, ABC_SHA256, 3, "m", "", Map.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("location is null");
    }
}
