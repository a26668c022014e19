package dev.coldpath.cli;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample logistic regression and tree ensemble given the outputs the other has, so that a run of both compares
 * a label and a score: the regression also writes {@code label} (int64, 1 when its probability is at least 0.5, as
 * its trainer labels), the trees also write {@code probability} (float, their probability of class 1). Their own
 * outputs are unchanged.
 */
final class ComparedModels {
    private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
    private static final int INT64 = TensorProto.DataType.INT64.getNumber();

    private ComparedModels() {
    }

    /** The logistic regression with a {@code label} output, written in {@code directory}. */
    static Path logregWithLabel(Path directory) throws IOException {
        ModelProto.Builder model = read("breast_cancer_logreg");
        GraphProto.Builder graph = model.getGraphBuilder();
        graph.addInitializer(TensorProto.newBuilder().setName("half").setDataType(FLOAT).addFloatData(0.5f));
        graph.addNode(NodeProto.newBuilder().setName("at_least_half").setOpType("GreaterOrEqual")
                .addInput("probability").addInput("half").addOutput("is_benign"));
        graph.addNode(NodeProto.newBuilder().setName("to_label").setOpType("Cast").addInput("is_benign")
                .addOutput("label").addAttribute(AttributeProto.newBuilder().setName("to")
                        .setType(AttributeProto.AttributeType.INT).setI(INT64)));
        graph.addOutput(like(graph, "probability", "label", INT64, "1 when probability >= 0.5, else 0"));
        return write(model, directory.resolve("logreg_labelled.onnx"));
    }

    /** The tree ensemble with a {@code probability} output, written in {@code directory}. */
    static Path treesWithProbability(Path directory) throws IOException {
        ModelProto.Builder model = read("breast_cancer_trees");
        GraphProto.Builder graph = model.getGraphBuilder();
        graph.addInitializer(TensorProto.newBuilder().setName("class_1").setDataType(INT64).addInt64Data(1));
        graph.addNode(NodeProto.newBuilder().setName("benign_column").setOpType("Gather")
                .addInput("probability_tensor").addInput("class_1").addOutput("probability")
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                        .setI(1)));
        graph.addOutput(like(graph, "label", "probability", FLOAT, "probability of class 1"));
        return write(model, directory.resolve("trees_with_probability.onnx"));
    }

    private static ModelProto.Builder read(String sample) throws IOException {
        return ModelProto.parseFrom(Files.readAllBytes(Path.of(CliHarness.model(sample)))).toBuilder();
    }

    /** A graph output shaped as the output {@code shapeOf} (one value per row), of another element type. */
    private static ValueInfoProto like(GraphProto.Builder graph, String shapeOf, String name, int elementType,
                                       String doc) {
        ValueInfoProto model = graph.getOutputList().stream().filter(o -> o.getName().equals(shapeOf)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no output " + shapeOf));
        ValueInfoProto.Builder out = model.toBuilder().setName(name).setDocString(doc);
        out.getTypeBuilder().getTensorTypeBuilder().setElemType(elementType);
        return out.build();
    }

    private static Path write(ModelProto.Builder model, Path path) throws IOException {
        Files.write(path, model.build().toByteArray());
        return path;
    }
}
