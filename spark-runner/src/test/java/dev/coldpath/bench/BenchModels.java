package dev.coldpath.bench;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.coldpath.core.testing.TestGraphs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The benchmark's two models, built with ONNX protos and fixed-seed weights: {@code tiny} (logistic regression,
 * 32 features to one sigmoid probability) and {@code mlp} (32 → 256 → 256 → 2, ReLU, softmax). Both take
 * {@code input float[N,K]}. IR version 8, opset 13.
 */
enum BenchModels {
    /** Gemm + Sigmoid + Squeeze: {@code probability float[N]}, written as a float column. */
    TINY("probability"),
    /** Three Gemms with ReLU and Softmax: {@code probabilities float[N,2]}, written as an array of 2 floats. */
    MLP("probabilities");

    static final String INPUT = "input";
    private static final String N = "N";

    private final String output;

    BenchModels(String output) {
        this.output = output;
    }

    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    String output() {
        return output;
    }

    static BenchModels of(String key) {
        return valueOf(key.strip().toUpperCase(Locale.ROOT));
    }

    /** The serialized model for {@code features} inputs; the same bytes for the same arguments. */
    byte[] bytes(int features) {
        return bytes(features, 0);
    }

    /**
     * The model "retrained": the same graph and size with other weights ({@code retrain} 0 is {@link #bytes(int)}),
     * a challenger for the several-models variants.
     */
    byte[] bytes(int features, int retrain) {
        SplittableRandom random = new SplittableRandom(20_260_501L + ordinal() + 1_000L * retrain);
        GraphProto.Builder g = GraphProto.newBuilder().setName("bench_" + key());
        g.addInput(value(INPUT, N, features));
        if (this == TINY) {
            dense(g, random, "x", INPUT, features, 1);
            node(g, "Sigmoid", List.of("x"), "p");
            long[] axes = {1};
            g.addInitializer(TensorProto.newBuilder().setName("squeeze_axes").setDataType(DataType.INT64_VALUE)
                    .addDims(1).addInt64Data(axes[0]));
            node(g, "Squeeze", List.of("p", "squeeze_axes"), output);
            g.addOutput(value(output, N));
        } else {
            dense(g, random, "h1", INPUT, features, 256);
            node(g, "Relu", List.of("h1"), "a1");
            dense(g, random, "h2", "a1", 256, 256);
            node(g, "Relu", List.of("h2"), "a2");
            dense(g, random, "logits", "a2", 256, 2);
            NodeProto.Builder softmax = NodeProto.newBuilder().setOpType("Softmax").setName("softmax")
                    .addInput("logits").addOutput(output)
                    .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                            .setI(1));
            g.addNode(softmax);
            g.addOutput(value(output, N, 2));
        }
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("coldpath-bench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(g).build().toByteArray();
    }

    /** {@code out = in · W + b} with W uniform in ±sqrt(6 / fanIn) (He), b small. */
    private static void dense(GraphProto.Builder g, SplittableRandom random, String out, String in, int fanIn,
                              int fanOut) {
        double limit = Math.sqrt(6.0 / fanIn);
        float[] w = new float[fanIn * fanOut];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextDouble(-limit, limit);
        }
        float[] b = new float[fanOut];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextDouble(-0.1, 0.1);
        }
        g.addInitializer(floats(out + "_w", w, fanIn, fanOut));
        g.addInitializer(floats(out + "_b", b, fanOut));
        node(g, "Gemm", List.of(in, out + "_w", out + "_b"), out);
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static void node(GraphProto.Builder g, String op, List<String> inputs, String output) {
        g.addNode(NodeProto.newBuilder().setOpType(op).setName(op + "_" + g.getNodeCount()).addAllInput(inputs)
                .addOutput(output));
    }

    private static ValueInfoProto value(String name, Object... dims) {
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TestGraphs.tensorType(DataType.FLOAT, dims)).build();
    }
}
