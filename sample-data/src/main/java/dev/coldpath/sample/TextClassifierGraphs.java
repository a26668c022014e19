package dev.coldpath.sample;

import static dev.coldpath.sample.OnnxGraphBuilder.FLOAT;
import static dev.coldpath.sample.OnnxGraphBuilder.intAttribute;
import static dev.coldpath.sample.OnnxGraphBuilder.intsAttribute;
import static dev.coldpath.sample.OnnxGraphBuilder.tensorType;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sequence classifier as Hugging Face exports one: a text encoder's graph, mean pooling over the attention mask,
 * and a linear head, in one ONNX model with the encoder's inputs and a {@code logits} output.
 */
public final class TextClassifierGraphs {
    /** sentence-transformers clamps the token count from below by this before dividing. */
    static final float MIN_TOKEN_COUNT = 1e-9f;

    private TextClassifierGraphs() {}

    /**
     * {@code encoder} (inputs {@code input_ids}, {@code attention_mask}, ...; output {@code hiddenOutput}
     * float[batch, sequence, hidden]) → Mul by the mask, ReduceSum over the sequence, Div by the mask's sum (at
     * least 1e-9) → {@code sentence_embedding} [batch, hidden] → Sub, Div (the head's standardisation) → Gemm →
     * {@code logits} float[batch, 2], where logit 1 − logit 0 is the logistic regression's log-odds: class 1's
     * softmax probability is the regression's probability. Nodes and constants added here are prefixed
     * {@code pool_} and {@code head_}. The encoder's IR version and opsets are kept (opset 11 or later).
     */
    public static ModelProto meanPooledClassifier(ModelProto encoder, String hiddenOutput,
            LogisticRegressionModel head, String description, Map<String, String> metadata) {
        long opset = encoder.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OperatorSetIdProto::getVersion).findFirst()
                .orElseThrow(() -> new SampleDataException("The encoder imports no default-domain opset"));
        if (opset < 11) {
            throw new SampleDataException("Cannot extend an encoder of opset " + opset + ": 11 or later is needed");
        }
        TensorShapeProto.Dimension batch = encoder.getGraph().getInputList().stream()
                .filter(input -> input.getName().equals("attention_mask")).findFirst()
                .orElseThrow(() -> new SampleDataException("The encoder has no attention_mask input"))
                .getType().getTensorType().getShape().getDim(0);
        int hidden = head.weights().length;

        OnnxGraphBuilder graph = new OnnxGraphBuilder(encoder.getGraph(), encoder.getGraph().getName()
                + "_mean_pooled_classifier");
        String mask = graph.node("Cast", "pool_mask_to_float", List.of("attention_mask"), List.of("pool_mask"),
                intAttribute("to", FLOAT));
        String mask3d = opset >= 13
                ? graph.node("Unsqueeze", "pool_mask_per_token", List.of(mask,
                        graph.longs("pool_axis_2", new long[] {2}, 1)), List.of("pool_mask_3d"))
                : graph.node("Unsqueeze", "pool_mask_per_token", List.of(mask), List.of("pool_mask_3d"),
                        intsAttribute("axes", new long[] {2}));
        String masked = graph.node("Mul", "pool_zero_padding", List.of(hiddenOutput, mask3d),
                List.of("pool_masked"));
        String sum = sumOverSequence(graph, opset, masked, "pool_sum");
        String count = sumOverSequence(graph, opset, mask3d, "pool_count");
        String floor = graph.floats("pool_min_count", new float[] {MIN_TOKEN_COUNT}, 1);
        String clamped = graph.node("Max", "pool_clamp_count", List.of(count, floor), List.of("pool_count_clamped"));
        String embedding = graph.node("Div", "pool_mean", List.of(sum, clamped), List.of("sentence_embedding"));

        String mean = graph.floats("head_feature_mean", toFloats(head.scaling().mean()), hidden);
        String scale = graph.floats("head_feature_scale", toFloats(head.scaling().scale()), hidden);
        String centred = graph.node("Sub", "head_centre", List.of(embedding, mean), List.of("head_centred"));
        String standardised = graph.node("Div", "head_scale", List.of(centred, scale), List.of("head_standardised"));
        float[] weights = new float[2 * hidden];
        for (int j = 0; j < hidden; j++) {
            weights[j] = (float) (-head.weights()[j] / 2);
            weights[hidden + j] = (float) (head.weights()[j] / 2);
        }
        String w = graph.floats("head_weights", weights, 2, hidden);
        String b = graph.floats("head_bias", new float[] {(float) (-head.bias() / 2), (float) (head.bias() / 2)}, 2);
        graph.node("Gemm", "head_linear", List.of(standardised, w, b), List.of("logits"), intAttribute("transB", 1));
        graph.output("logits", tensorType(FLOAT, batch.hasDimParam() ? batch.getDimParam() : batch.getDimValue(), 2),
                "class scores before softmax, one row per text");

        Map<String, Integer> opsets = new LinkedHashMap<>();
        encoder.getOpsetImportList().forEach(o -> opsets.put(o.getDomain(), (int) o.getVersion()));
        return graph.model(opsets, description, metadata);
    }

    private static String sumOverSequence(OnnxGraphBuilder graph, long opset, String input, String output) {
        if (opset >= 13) {
            return graph.node("ReduceSum", output + "_over_sequence",
                    List.of(input, graph.longs(output + "_axes", new long[] {1}, 1)), List.of(output),
                    intAttribute("keepdims", 0));
        }
        return graph.node("ReduceSum", output + "_over_sequence", List.of(input), List.of(output),
                intsAttribute("axes", new long[] {1}), intAttribute("keepdims", 0));
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }
}
