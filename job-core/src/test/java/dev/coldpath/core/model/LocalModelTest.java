package dev.coldpath.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.testing.ExternalDataModels;
import dev.coldpath.core.testing.SampleModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models on local disk, opened by path: external-data files, their hash, and sessions with memory options. */
class LocalModelTest {
    @TempDir
    Path dir;

    private Path externalWine() {
        return ExternalDataModels.externalize(SampleModels.bytes(SampleModels.WINE), dir.resolve("model.onnx"),
                "model.onnx_data");
    }

    @Test
    void aModelWithExternalDataIsFoundWholeAndHashedOverEveryFileInTheDocumentedOrder() throws Exception {
        Path file = externalWine();

        LocalModel model = LocalModel.of(file);

        assertThat(model.dataFiles()).containsExactly("model.onnx_data");
        long weights = (13 * 16 + 16 + 16 * 3 + 3) * 4; // the 13-16-3 MLP's float weights and biases
        assertThat(Files.size(dir.resolve("model.onnx_data"))).as("the weights left the .onnx file")
                .isGreaterThanOrEqualTo(weights);
        assertThat(Files.size(file)).isLessThan(Files.size(SampleModels.dir().resolve(SampleModels.WINE)));
        assertThat(model.sizeBytes()).isEqualTo(Files.size(file) + Files.size(dir.resolve("model.onnx_data")));
        String listing = hex(Files.readAllBytes(file)) + "\n" + hex(Files.readAllBytes(dir.resolve("model.onnx_data")))
                + "  model.onnx_data\n";
        assertThat(model.sha256()).isEqualTo(hex(listing.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aModelInOneFileIsHashedAsItsFile() throws Exception {
        Path file = SampleModels.dir().resolve(SampleModels.WINE);

        assertThat(LocalModel.of(file).sha256()).isEqualTo(hex(Files.readAllBytes(file)));
        assertThat(LocalModel.of(file).dataFiles()).isEmpty();
    }

    @Test
    void aSessionOpenedByPathFromExternalDataScoresExactlyAsTheSingleFile() throws Exception {
        Path external = externalWine();
        Path single = SampleModels.dir().resolve(SampleModels.WINE);
        SessionSettings lean = SessionSettings.cpu(1).withMemory(false, false);

        try (OnnxModel a = OnnxModel.open("single", single, SessionSettings.cpu(1));
             OnnxModel b = OnnxModel.open("external", external, lean)) {
            assertThat(b.signature()).isEqualTo(a.signature());
            assertThat(outputs(b)).isEqualTo(outputs(a)).isNotEmpty();
        }
    }

    @Test
    void aMissingDataFileIsNamed() throws Exception {
        Path file = externalWine();
        Files.delete(dir.resolve("model.onnx_data"));

        assertThatThrownBy(() -> LocalModel.of(file)).isInstanceOf(ModelLoadException.class)
                .hasMessage("Model " + file + " stores tensors in model.onnx_data, which is not beside it: copy the"
                        + " model's external-data files with it");
    }

    @Test
    void aDataLocationOutsideTheModelsDirectoryIsRefused() throws Exception {
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(externalWine()));
        var graph = proto.getGraph().toBuilder();
        TensorProto first = graph.getInitializer(0);
        graph.setInitializer(0, first.toBuilder().setExternalData(0, StringStringEntryProto.newBuilder()
                .setKey("location").setValue("../secrets").build()).build());
        Path file = Files.write(dir.resolve("escape.onnx"), proto.toBuilder().setGraph(graph).build().toByteArray());

        assertThatThrownBy(() -> LocalModel.of(file)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("stores a tensor in '../secrets': external data must be a relative path inside"
                        + " the model's directory");
    }

    /** Every output of the model for 64 fixed rows, as nested arrays (lists for comparison). */
    private static List<Object> outputs(OnnxModel model) throws Exception {
        ValueSpec input = model.signature().inputs().get(0);
        int width = (int) input.shape().get(1).size();
        float[][] rows = new float[64][width];
        Random random = new Random(19);
        for (float[] row : rows) {
            for (int i = 0; i < width; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        List<Object> values = new ArrayList<>();
        try (OnnxTensor tensor = OnnxTensor.createTensor(OnnxModel.environment(), rows);
             OrtSession.Result result = model.run(Map.of(input.name(), tensor),
                     Set.copyOf(model.signature().outputs().stream().map(ValueSpec::name).toList()))) {
            for (var entry : result) {
                values.add(deepList(entry.getValue().getValue()));
            }
        }
        return values;
    }

    private static Object deepList(Object value) {
        if (value instanceof float[] f) {
            List<Float> list = new ArrayList<>();
            for (float v : f) {
                list.add(v);
            }
            return list;
        }
        if (value instanceof long[] l) {
            return Arrays.stream(l).boxed().toList();
        }
        if (value instanceof Object[] array) {
            return Arrays.stream(array).map(LocalModelTest::deepList).toList();
        }
        return value;
    }

    private static String hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
