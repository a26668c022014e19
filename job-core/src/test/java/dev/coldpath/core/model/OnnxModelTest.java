package dev.coldpath.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.testing.SampleModels;
import dev.coldpath.core.testing.TestGraphs;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OnnxModelTest {
    static Stream<Arguments> notModels() {
        byte[] wine = SampleModels.bytes(SampleModels.WINE);
        return Stream.of(
                Arguments.of("garbage.onnx", "this is not an onnx model".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("empty.onnx", new byte[0]),
                Arguments.of("s3a://b/truncated.onnx", Arrays.copyOf(wine, wine.length / 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notModels")
    void bytesThatAreNotAModelGiveModelLoadExceptionNamingTheModel(String name, byte[] bytes) {
        assertThatThrownBy(() -> OnnxModel.open(name, bytes, SessionSettings.cpu(1)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("Cannot load model " + name + ": ")
                .hasMessageEndingWith(" (is it a valid .onnx file, with its external-data files beside it? try 'coldpath"
                        + " inspect')")
                .hasCauseInstanceOf(OrtException.class)
                .satisfies(e -> assertThat(((ModelLoadException) e).fault()).isEqualTo(Fault.USER));
    }

    @Test
    void signatureListsInputsAndOutputsInDeclarationOrder() {
        try (OnnxModel model = OnnxModel.open("wine", SampleModels.bytes(SampleModels.WINE),
                SessionSettings.cpu(2))) {
            assertThat(model.signature().inputNames()).containsExactly("features");
            assertThat(model.signature().outputNames()).containsExactly("probabilities", "label");
            assertThat(ModelSignature.describe(model.signature().outputs()))
                    .isEqualTo("probabilities float[N,3], label int64[N]");
            assertThat(model.displayName()).isEqualTo("wine");
            assertThat(model.settings()).isEqualTo(SessionSettings.cpu(2));
            assertThat(model.loadNanos()).isPositive();
        }
    }

    @Test
    void dimensionsKeepTheirSymbolsAndSizes() {
        try (OnnxModel model = OnnxModel.open("m", TestGraphs.symbolicInner(), SessionSettings.cpu(1))) {
            ValueSpec x = model.signature().input("x").orElseThrow();
            assertThat(x.shape()).containsExactly(new Dimension(-1, "N"), new Dimension(-1, "K"));
            assertThat(x.elementType()).isEqualTo(OnnxJavaType.FLOAT);
            assertThat(x.describe()).isEqualTo("float[N,K]");
            assertThat(model.signature().output("nope")).isEmpty();
        }
        try (OnnxModel model = OnnxModel.open("m", TestGraphs.fixedBatch(4), SessionSettings.cpu(1))) {
            assertThat(model.signature().input("x").orElseThrow().shape())
                    .containsExactly(new Dimension(4, ""), new Dimension(3, ""));
        }
    }

    @Test
    void dimensionPrintsItsSizeItsSymbolOrAQuestionMark() {
        assertThat(List.of(new Dimension(4, null), new Dimension(-1, "batch"), new Dimension(-1, null)))
                .extracting(Dimension::toString).containsExactly("4", "batch", "?");
    }

    @Test
    void sessionSettingsRejectImpossibleValues() {
        assertThatThrownBy(() -> SessionSettings.cpu(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("intraOpThreads must be >= 1: 0");
        assertThatThrownBy(() -> new SessionSettings(1, Device.CPU, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gpuId must be -1 on cpu: 0");
    }
}
