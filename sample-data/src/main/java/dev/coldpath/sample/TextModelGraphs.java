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
 * Text models that extend a text encoder's graph (inputs {@code input_ids}, {@code attention_mask}, ...; a
 * per-token output float[batch, sequence, hidden]) with mean pooling over the attention mask, as exporters of
 * sentence-transformers and sequence classifiers do. Nodes and constants added here are prefixed {@code pool_},
 * {@code norm_} and {@code head_}; the encoder's opsets are kept (11 or later).
 */
public final class TextModelGraphs {
    /** sentence-transformers clamps the token count from below by this before dividing. */
    static final float MIN_TOKEN_COUNT = 1e-9f;
    /** torch.nn.functional.normalize's floor on the norm. */
    static final float MIN_NORM = 1e-12f;

    private TextModelGraphs() {}

    /**
     * A sentence-embedding model: {@code encoder} → mean pooling → L2 normalisation (ReduceL2, floored at 1e-12,
     * Div) → {@code sentence_embedding} float[batch, hidden], its only output: all-MiniLM-L6-v2's
     * sentence-transformers pipeline (Transformer, Pooling mean, Normalize) in one graph.
     */
    public static ModelProto meanPooledEncoder(ModelProto encoder, String hiddenOutput, int hidden, String description,
            Map<String, String> metadata) {
        long opset = defaultOpset(encoder);
        OnnxGraphBuilder graph = new OnnxGraphBuilder(encoder.getGraph(), encoder.getGraph().getName()
                + "_mean_pooled");
        String pooled = meanPool(graph, opset, hiddenOutput, "pool_mean");
        String norm = opset >= 18
                ? graph.node("ReduceL2", "norm_l2", List.of(pooled, graph.longs("norm_axes", new long[] {1}, 1)),
                        List.of("norm_l2"), intAttribute("keepdims", 1))
                : graph.node("ReduceL2", "norm_l2", List.of(pooled), List.of("norm_l2"),
                        intsAttribute("axes", new long[] {1}), intAttribute("keepdims", 1));
        String floor = graph.floats("norm_min", new float[] {MIN_NORM}, 1);
        String clamped = graph.node("Max", "norm_clamp", List.of(norm, floor), List.of("norm_clamped"));
        graph.node("Div", "norm_divide", List.of(pooled, clamped), List.of("sentence_embedding"));
        graph.output("sentence_embedding", tensorType(FLOAT, batchDimension(encoder), hidden),
                "mean-pooled, L2-normalised sentence embedding, one row per text");
        return graph.model(opsets(encoder), description, metadata);
    }

    /**
     * {@code encoder} (inputs {@code input_ids}, {@code attention_mask}, ...; output {@code hiddenOutput}
     * float[batch, sequence, hidden]) → Mul by the mask, ReduceSum over the sequence, Div by the mask's sum (at
     * least 1e-9) → {@code sentence_embedding} [batch, hidden] → Sub, Div (the head's standardisation) → Gemm →
     * {@code logits} float[batch, 2], where logit 1 − logit 0 is the logistic regression's log-odds: class 1's
     * softmax probability is the regression's probability.
     */
    public static ModelProto meanPooledClassifier(ModelProto encoder, String hiddenOutput,
            LogisticRegressionModel head, String description, Map<String, String> metadata) {
        long opset = defaultOpset(encoder);
        int hidden = head.weights().length;
        OnnxGraphBuilder graph = new OnnxGraphBuilder(encoder.getGraph(), encoder.getGraph().getName()
                + "_mean_pooled_classifier");
        String embedding = meanPool(graph, opset, hiddenOutput, "sentence_embedding");

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
        graph.output("logits", tensorType(FLOAT, batchDimension(encoder), 2),
                "class scores before softmax, one row per text");
        return graph.model(opsets(encoder), description, metadata);
    }

    /**
     * Cast(attention_mask) → Unsqueeze → Mul with the per-token output → ReduceSum over the sequence → Div by the
     * mask's sum, clamped at 1e-9 → {@code output} [batch, hidden]; returns {@code output}.
     */
    private static String meanPool(OnnxGraphBuilder graph, long opset, String hiddenOutput, String output) {
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
        return graph.node("Div", "pool_divide", List.of(sum, clamped), List.of(output));
    }

    private static long defaultOpset(ModelProto encoder) {
        long opset = encoder.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OperatorSetIdProto::getVersion).findFirst()
                .orElseThrow(() -> new SampleDataException("The encoder imports no default-domain opset"));
        if (opset < 11) {
            throw new SampleDataException("Cannot extend an encoder of opset " + opset + ": 11 or later is needed");
        }
        return opset;
    }

    /** The batch dimension of the encoder's attention_mask, symbolic or fixed. */
    private static Object batchDimension(ModelProto encoder) {
        TensorShapeProto.Dimension batch = encoder.getGraph().getInputList().stream()
                .filter(input -> input.getName().equals("attention_mask")).findFirst()
                .orElseThrow(() -> new SampleDataException("The encoder has no attention_mask input"))
                .getType().getTensorType().getShape().getDim(0);
        return batch.hasDimParam() ? batch.getDimParam() : batch.getDimValue();
    }

    private static Map<String, Integer> opsets(ModelProto encoder) {
        Map<String, Integer> opsets = new LinkedHashMap<>();
        encoder.getOpsetImportList().forEach(o -> opsets.put(o.getDomain(), (int) o.getVersion()));
        return opsets;
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
