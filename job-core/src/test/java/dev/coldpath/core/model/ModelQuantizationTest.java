package dev.coldpath.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.testing.SampleModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelQuantizationTest {
    /** At the root of the langchain4j test jars. */
    private static final String QUANTIZED_MINILM = "/all-minilm-l6-v2-q.onnx";
    private static final String FULL_MINILM = "/all-minilm-l6-v2.onnx";

    @Test
    void dynamicallyQuantizedMiniLmIsBatchDependent() {
        ModelQuantization quantization = ModelQuantization.scan(resource(QUANTIZED_MINILM));

        assertThat(quantization.operators()).isEqualTo(Map.of("DynamicQuantizeLinear", 24, "MatMulInteger", 36));
        assertThat(quantization.batchDependent()).isTrue();
        assertThat(quantization.quantized()).isTrue();
        assertThat(quantization.describe()).isEqualTo("dynamic int8 quantization (DynamicQuantizeLinear x24, "
                + "MatMulInteger x36): outputs depend on which rows share a batch");
    }

    @Test
    void fullPrecisionMiniLmIsNotQuantized() {
        ModelQuantization quantization = ModelQuantization.scan(resource(FULL_MINILM));

        assertThat(quantization.operators()).isEmpty();
        assertThat(quantization.batchDependent()).isFalse();
        assertThat(quantization.describe()).isEqualTo("not quantized");
    }

    @ParameterizedTest
    @ValueSource(strings = {SampleModels.LOGREG, SampleModels.WINE, SampleModels.TREES})
    void sampleModelsAreNotQuantized(String model) {
        assertThat(ModelQuantization.scan(SampleModels.bytes(model)).quantized()).isFalse();
    }

    @Test
    void staticQuantizationWithIntegerMatMulIsNotBatchDependent() {
        ModelProto model = model(graph("static",
                node("QuantizeLinear", "x", "x_q"),
                node("MatMulInteger", "x_q", "y")));

        ModelQuantization quantization = ModelQuantization.scan(model.toByteArray());

        assertThat(quantization.operators()).isEqualTo(Map.of("MatMulInteger", 1));
        assertThat(quantization.batchDependent()).isFalse();
        assertThat(quantization.describe())
                .isEqualTo("integer quantization (MatMulInteger x1): outputs do not depend on the batch");
    }

    @Test
    void dynamicQuantizationInsideAnIfBranchIsFound() {
        GraphProto branch = graph("then", node("DynamicQuantizeLinear", "x", "x_q"));
        NodeProto ifNode = node("If", "condition", "y").toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeType.GRAPH)
                        .setG(branch))
                .addAttribute(AttributeProto.newBuilder().setName("else_branch").setType(AttributeType.GRAPH)
                        .setG(graph("else", node("Identity", "x", "y"))))
                .build();

        ModelQuantization quantization = ModelQuantization.scan(model(graph("outer", ifNode)).toByteArray());

        assertThat(quantization.operators()).isEqualTo(Map.of("DynamicQuantizeLinear", 1));
        assertThat(quantization.batchDependent()).isTrue();
    }

    @Test
    void dynamicQuantizationInsideAModelLocalFunctionIsFound() {
        FunctionProto function = FunctionProto.newBuilder().setName("quantized_linear").setDomain("local")
                .addNode(node("DynamicQuantizeMatMul", "x", "y").toBuilder().setDomain("com.microsoft"))
                .build();
        ModelProto model = model(graph("calls", node("quantized_linear", "x", "y").toBuilder()
                .setDomain("local").build())).toBuilder().addFunctions(function).build();

        assertThat(ModelQuantization.scan(model.toByteArray()).operators())
                .isEqualTo(Map.of("DynamicQuantizeMatMul", 1));
    }

    @Test
    void truncatedModelGivesModelLoadException() {
        byte[] model = resource(QUANTIZED_MINILM);

        assertThatThrownBy(() -> ModelQuantization.scan(Arrays.copyOf(model, model.length / 2)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("Cannot read the ONNX graph: ")
                .hasMessageEndingWith("(the file is not an ONNX model or is truncated)");
    }

    private static ModelProto model(GraphProto graph) {
        return ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .build();
    }

    private static GraphProto graph(String name, NodeProto... nodes) {
        return GraphProto.newBuilder().setName(name).addAllNode(List.of(nodes)).build();
    }

    private static NodeProto node(String opType, String input, String output) {
        return NodeProto.newBuilder().setOpType(opType).addInput(input).addOutput(output).build();
    }

    private static byte[] resource(String name) {
        try (InputStream in = ModelQuantizationTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test classpath (the langchain4j test jars)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
