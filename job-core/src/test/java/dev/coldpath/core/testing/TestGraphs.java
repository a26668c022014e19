package dev.coldpath.core.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Small ONNX models for the shapes and types the sample models lack, as serialized bytes. Dimensions are given
 * as a {@code String} (symbolic) or a {@code Number} (fixed). IR version 8, default opset 13.
 */
public final class TestGraphs {
    /** The symbolic batch dimension. */
    public static final String N = "N";

    private TestGraphs() {
    }

    /**
     * {@code x float[N,3]}, {@code y int64[N,2]} → Cast(y) → Concat → {@code joined float[N,5]}, and ReduceSum
     * over axis 1 → {@code total float[N]}.
     */
    public static byte[] twoInputs() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("two_inputs");
        input(g, "x", DataType.FLOAT, N, 3);
        input(g, "y", DataType.INT64, N, 2);
        node(g, "Cast", List.of("y"), List.of("y_float"), intAttribute("to", DataType.FLOAT_VALUE));
        node(g, "Concat", List.of("x", "y_float"), List.of("joined"), intAttribute("axis", 1));
        axes(g, "sum_axes", 1);
        node(g, "ReduceSum", List.of("joined", "sum_axes"), List.of("total"), intAttribute("keepdims", 0));
        output(g, "joined", DataType.FLOAT, N, 5);
        output(g, "total", DataType.FLOAT, N);
        return bytes(g);
    }

    /** {@code x TYPE[dims]} → Identity → {@code y TYPE[dims]}. */
    public static byte[] identity(DataType type, Object... dims) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("identity_" + type.name().toLowerCase());
        input(g, "x", type, dims);
        node(g, "Identity", List.of("x"), List.of("y"));
        output(g, "y", type, dims);
        return bytes(g);
    }

    /**
     * {@code x float[N,2,3]} → Identity → {@code same float[N,2,3]}, and ReduceSum over axes 1, 2 →
     * {@code sum float[N]}.
     */
    public static byte[] rank3() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("rank3");
        input(g, "x", DataType.FLOAT, N, 2, 3);
        node(g, "Identity", List.of("x"), List.of("same"));
        axes(g, "sum_axes", 1, 2);
        node(g, "ReduceSum", List.of("x", "sum_axes"), List.of("sum"), intAttribute("keepdims", 0));
        output(g, "same", DataType.FLOAT, N, 2, 3);
        output(g, "sum", DataType.FLOAT, N);
        return bytes(g);
    }

    /** {@code x float[N,2]} → Cast → {@code y TYPE[N,2]}: an output of another element type. */
    public static byte[] castTo(DataType type) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("cast_to_" + type.name().toLowerCase());
        input(g, "x", DataType.FLOAT, N, 2);
        node(g, "Cast", List.of("x"), List.of("y"), intAttribute("to", type.getNumber()));
        output(g, "y", type, N, 2);
        return bytes(g);
    }

    /**
     * {@code x float[N,L]} → Identity → {@code padded float[N,L]}, and {@code mask int64[N,L]} → Cast → ReduceSum over
     * axis 1 → {@code length float[N]}: a sequence model fed a padding mask, as text models are.
     */
    public static byte[] sequenceWithMask() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("sequence_with_mask");
        input(g, "x", DataType.FLOAT, N, "L");
        input(g, "mask", DataType.INT64, N, "L");
        node(g, "Identity", List.of("x"), List.of("padded"));
        node(g, "Cast", List.of("mask"), List.of("mask_float"), intAttribute("to", DataType.FLOAT_VALUE));
        axes(g, "sum_axes", 1);
        node(g, "ReduceSum", List.of("mask_float", "sum_axes"), List.of("length"), intAttribute("keepdims", 0));
        output(g, "padded", DataType.FLOAT, N, "L");
        output(g, "length", DataType.FLOAT, N);
        return bytes(g);
    }

    /**
     * A two-class text classifier by length: {@code input_ids int64[N,L]} (unused but fed) and
     * {@code attention_mask int64[N,L]} → n = the row's tokens (sum of the mask) → {@code logits float[N,2]} =
     * [n - 10, 10 - n]: class 0 for texts of more than 10 tokens, class 1 for fewer. It has no sequence output.
     */
    public static byte[] tokenLengthClassifier() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("token_length_classifier");
        input(g, "input_ids", DataType.INT64, N, "L");
        input(g, "attention_mask", DataType.INT64, N, "L");
        node(g, "Cast", List.of("attention_mask"), List.of("mask_float"), intAttribute("to", DataType.FLOAT_VALUE));
        axes(g, "sum_axes", 1);
        node(g, "ReduceSum", List.of("mask_float", "sum_axes"), List.of("n"), intAttribute("keepdims", 1));
        g.addInitializer(TensorProto.newBuilder().setName("ten").setDataType(DataType.FLOAT_VALUE).addFloatData(10));
        node(g, "Sub", List.of("n", "ten"), List.of("longer"));
        node(g, "Neg", List.of("longer"), List.of("shorter"));
        node(g, "Concat", List.of("longer", "shorter"), List.of("logits"), intAttribute("axis", 1));
        output(g, "logits", DataType.FLOAT, N, 2);
        return bytes(g);
    }

    /** {@code x float[batch,3]} → Identity → {@code y float[batch,3]}: a model exported with a fixed batch. */
    public static byte[] fixedBatch(long batch) {
        return identity(DataType.FLOAT, batch, 3);
    }

    /** {@code x float[N]} → Cast to string → {@code text string[N]}: a string output. */
    public static byte[] floatToString() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("float_to_string");
        input(g, "x", DataType.FLOAT, N);
        node(g, "Cast", List.of("x"), List.of("text"), intAttribute("to", DataType.STRING_VALUE));
        output(g, "text", DataType.STRING, N);
        return bytes(g);
    }

    /**
     * {@code x float[N,K]} → Identity → {@code same float[N,K]}, and ReduceSum over axis 1 → {@code sum float[N]}:
     * an inner dimension the model leaves symbolic.
     */
    public static byte[] symbolicInner() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("symbolic_inner");
        input(g, "x", DataType.FLOAT, N, "K");
        node(g, "Identity", List.of("x"), List.of("same"));
        axes(g, "sum_axes", 1);
        node(g, "ReduceSum", List.of("x", "sum_axes"), List.of("sum"), intAttribute("keepdims", 0));
        output(g, "same", DataType.FLOAT, N, "K");
        output(g, "sum", DataType.FLOAT, N);
        return bytes(g);
    }

    /**
     * {@code idx int64[N]} → Gather from a constant {@code [0, 10, 20, 30, 40]} → {@code value float[N]}: ONNX
     * Runtime fails a batch that holds an index outside 0..4, so some rows make the model fail.
     */
    public static byte[] gather() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("gather");
        input(g, "idx", DataType.INT64, N);
        g.addInitializer(TensorProto.newBuilder().setName("table").setDataType(DataType.FLOAT_VALUE).addDims(5)
                .addFloatData(0).addFloatData(10).addFloatData(20).addFloatData(30).addFloatData(40));
        node(g, "Gather", List.of("table", "idx"), List.of("value"), intAttribute("axis", 0));
        output(g, "value", DataType.FLOAT, N);
        return bytes(g);
    }

    private static void input(GraphProto.Builder g, String name, DataType type, Object... dims) {
        g.addInput(ValueInfoProto.newBuilder().setName(name).setType(tensorType(type, dims)));
    }

    /** {@code model} with its input {@code from} renamed {@code to}: the same computation under another name. */
    public static byte[] renameInput(byte[] model, String from, String to) {
        try {
            ModelProto.Builder m = ModelProto.parseFrom(model).toBuilder();
            GraphProto.Builder g = m.getGraphBuilder();
            for (int i = 0; i < g.getInputCount(); i++) {
                if (g.getInput(i).getName().equals(from)) {
                    g.getInputBuilder(i).setName(to);
                }
            }
            for (NodeProto.Builder node : g.getNodeBuilderList()) {
                for (int i = 0; i < node.getInputCount(); i++) {
                    if (node.getInput(i).equals(from)) {
                        node.setInput(i, to);
                    }
                }
            }
            return m.build().toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code model} with its float initializer {@code name} times {@code factor}: the same inputs and outputs, other
     * values (a second model to compare with the first).
     */
    public static byte[] scaleInitializer(byte[] model, String name, float factor) {
        try {
            ModelProto.Builder m = ModelProto.parseFrom(model).toBuilder();
            boolean found = false;
            for (TensorProto.Builder t : m.getGraphBuilder().getInitializerBuilderList()) {
                if (!t.getName().equals(name) || t.getDataType() != DataType.FLOAT.getNumber()) {
                    continue;
                }
                found = true;
                if (t.getRawData().isEmpty()) {
                    for (int i = 0; i < t.getFloatDataCount(); i++) {
                        t.setFloatData(i, t.getFloatData(i) * factor);
                    }
                } else {
                    ByteBuffer raw = ByteBuffer.wrap(t.getRawData().toByteArray())
                            .order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < raw.limit(); i += Float.BYTES) {
                        raw.putFloat(i, raw.getFloat(i) * factor);
                    }
                    t.setRawData(ByteString.copyFrom(raw.array()));
                }
            }
            if (!found) {
                throw new IllegalArgumentException("no float initializer " + name);
            }
            return m.build().toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void output(GraphProto.Builder g, String name, DataType type, Object... dims) {
        g.addOutput(ValueInfoProto.newBuilder().setName(name).setType(tensorType(type, dims)));
    }

    /** A tensor type; each dimension a {@code String} (symbolic) or a {@code Number} (fixed). */
    public static TypeProto tensorType(DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof String symbol) {
                d.setDimParam(symbol);
            } else {
                d.setDimValue(((Number) dim).longValue());
            }
            shape.addDim(d);
        }
        return TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))
                .build();
    }

    private static void axes(GraphProto.Builder g, String name, long... axes) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE)
                .addDims(axes.length);
        for (long axis : axes) {
            t.addInt64Data(axis);
        }
        g.addInitializer(t);
    }

    private static void node(GraphProto.Builder g, String op, List<String> inputs, List<String> outputs,
                             AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(op + "_" + g.getNodeCount())
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        g.addNode(node);
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value)
                .build();
    }

    private static byte[] bytes(GraphProto.Builder graph) {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("coldpath-job-core-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph)
                .build()
                .toByteArray();
    }
}
