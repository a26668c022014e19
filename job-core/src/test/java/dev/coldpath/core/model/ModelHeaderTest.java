package dev.coldpath.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.testing.SampleModels;
import dev.coldpath.core.testing.TestGraphs;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ModelHeaderTest {
    @Test
    void treesModelHasIr8AndBothOpsets() {
        ModelHeader header = ModelHeader.read(SampleModels.bytes(SampleModels.TREES));

        assertThat(header.irVersion()).isEqualTo(8);
        assertThat(header.opsets()).isEqualTo(Map.of("", 13L, "ai.onnx.ml", 3L));
        assertThat(header.producerName()).isEqualTo("coldpath-sample-data");
        assertThat(header.producerVersion()).isEqualTo("1");
    }

    @Test
    void neuralModelsImportOnlyTheDefaultDomain() {
        assertThat(ModelHeader.read(SampleModels.bytes(SampleModels.LOGREG)).opsets()).isEqualTo(Map.of("", 13L));
        assertThat(ModelHeader.read(TestGraphs.rank3()).producerName()).isEqualTo("coldpath-job-core-tests");
    }

    static Stream<Arguments> notModels() {
        byte[] trees = SampleModels.bytes(SampleModels.TREES);
        byte[] ones = new byte[16];
        Arrays.fill(ones, (byte) 0xFF);
        return Stream.of(
                Arguments.of("truncated in half", Arrays.copyOf(trees, trees.length / 2)),
                Arguments.of("truncated near the end", Arrays.copyOf(trees, trees.length - 3)),
                Arguments.of("a malformed varint", ones),
                Arguments.of("text", "<html><body>404 Not Found</body></html>".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notModels")
    void garbageOrTruncatedBytesGiveModelLoadException(String what, byte[] bytes) {
        assertThatThrownBy(() -> ModelHeader.read(bytes))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("Cannot read the ONNX header: ")
                .hasMessageEndingWith(" (the file is not an ONNX model or is truncated)");
    }
}
