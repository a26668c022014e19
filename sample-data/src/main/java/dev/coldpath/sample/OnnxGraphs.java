package dev.coldpath.sample;

import static dev.coldpath.sample.OnnxGraphBuilder.BATCH;
import static dev.coldpath.sample.OnnxGraphBuilder.FLOAT;
import static dev.coldpath.sample.OnnxGraphBuilder.INT64;
import static dev.coldpath.sample.OnnxGraphBuilder.ML_DOMAIN;
import static dev.coldpath.sample.OnnxGraphBuilder.floatsAttribute;
import static dev.coldpath.sample.OnnxGraphBuilder.intAttribute;
import static dev.coldpath.sample.OnnxGraphBuilder.intsAttribute;
import static dev.coldpath.sample.OnnxGraphBuilder.sequenceOfMaps;
import static dev.coldpath.sample.OnnxGraphBuilder.stringAttribute;
import static dev.coldpath.sample.OnnxGraphBuilder.stringsAttribute;
import static dev.coldpath.sample.OnnxGraphBuilder.tensorType;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports the trained sample models as ONNX graphs. Standardisation is part of each neural graph (Sub, Div), so
 * the models take raw features. Default-domain opset 13; the tree model adds ai.onnx.ml opset 3.
 */
public final class OnnxGraphs {
    static final int OPSET = 13;
    static final int ML_OPSET = 3;

    private OnnxGraphs() {}

    /** {@code input float[N,d]} → Sub, Div → Gemm → Sigmoid → Squeeze → {@code probability float[N]}. */
    public static ModelProto logisticRegression(String name, LogisticRegressionModel model, String description,
            Map<String, String> metadata) {
        int d = model.weights().length;
        OnnxGraphBuilder graph = new OnnxGraphBuilder(name);
        graph.input("input", tensorType(FLOAT, BATCH, d), "raw features, one row per example");
        String standardised = standardise(graph, "input", model.scaling());
        String weights = graph.floats("weights", toFloats(model.weights()), 1, d);
        String bias = graph.floats("bias", new float[] {(float) model.bias()}, 1);
        String logit = graph.node("Gemm", "linear", List.of(standardised, weights, bias), List.of("logit"),
                intAttribute("transB", 1));
        String column = graph.node("Sigmoid", "sigmoid", List.of(logit), List.of("probability_column"));
        String axes = graph.longs("squeeze_axes", new long[] {1}, 1);
        graph.node("Squeeze", "flatten", List.of(column, axes), List.of("probability"));
        graph.output("probability", tensorType(FLOAT, BATCH), "probability of class 1");
        return graph.model(Map.of("", OPSET), description, metadata);
    }

    /**
     * {@code features float[N,d]} → Sub, Div → Gemm → Relu → Gemm → Softmax → {@code probabilities float[N,k]};
     * ArgMax of those → {@code label int64[N]}.
     */
    public static ModelProto mlp(String name, String inputName, MlpModel model, String description,
            Map<String, String> metadata) {
        int d = model.inputSize();
        int h = model.hiddenSize();
        int k = model.classCount();
        OnnxGraphBuilder graph = new OnnxGraphBuilder(name);
        graph.input(inputName, tensorType(FLOAT, BATCH, d), "raw features, one row per example");
        String standardised = standardise(graph, inputName, model.scaling());
        String w1 = graph.floats("hidden_weights", toFloats(model.hiddenWeights()), h, d);
        String b1 = graph.floats("hidden_bias", toFloats(model.hiddenBias()), h);
        String pre = graph.node("Gemm", "hidden", List.of(standardised, w1, b1), List.of("hidden_linear"),
                intAttribute("transB", 1));
        String hidden = graph.node("Relu", "relu", List.of(pre), List.of("hidden_activation"));
        String w2 = graph.floats("output_weights", toFloats(model.outputWeights()), k, h);
        String b2 = graph.floats("output_bias", toFloats(model.outputBias()), k);
        String logits = graph.node("Gemm", "output", List.of(hidden, w2, b2), List.of("logits"),
                intAttribute("transB", 1));
        String probabilities = graph.node("Softmax", "softmax", List.of(logits), List.of("probabilities"),
                intAttribute("axis", 1));
        graph.node("ArgMax", "argmax", List.of(probabilities), List.of("label"),
                intAttribute("axis", 1), intAttribute("keepdims", 0));
        graph.output("probabilities", tensorType(FLOAT, BATCH, k), "class probabilities");
        graph.output("label", tensorType(INT64, BATCH), "index of the most probable class");
        return graph.model(Map.of("", OPSET), description, metadata);
    }

    /**
     * {@code input float[N,d]} → ai.onnx.ml TreeEnsembleClassifier → {@code label int64[N]} and, through ZipMap,
     * {@code probabilities seq(map(int64,float))} keyed 0 and 1.
     *
     * <p>The leaves carry the log-odds score as one weight each, all with class_ids 0, and no base_values, with
     * post_transform LOGISTIC. ONNX Runtime (1.28) treats a two-class ensemble whose weights name a single class as
     * binary: it reports {@code [sigmoid(-score), sigmoid(score)]} and label 1 when the score is positive. With
     * class_ids 1 instead, label and class-1 probability stay right but class 0 becomes a constant 0.5; with weights
     * for both classes the binary path is skipped and the label can be wrong.
     */
    public static ModelProto boostedTrees(String name, int featureCount, BoostedTreesModel model, String description,
            Map<String, String> metadata) {
        List<Long> treeIds = new ArrayList<>();
        List<Long> nodeIds = new ArrayList<>();
        List<Long> featureIds = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        List<Long> trueIds = new ArrayList<>();
        List<Long> falseIds = new ArrayList<>();
        List<Long> classTreeIds = new ArrayList<>();
        List<Long> classNodeIds = new ArrayList<>();
        List<Float> classWeights = new ArrayList<>();
        for (int t = 0; t < model.trees().size(); t++) {
            RegressionTree tree = model.trees().get(t);
            for (int node = 0; node < tree.nodeCount(); node++) {
                treeIds.add((long) t);
                nodeIds.add((long) node);
                if (tree.isLeaf(node)) {
                    featureIds.add(0L);
                    modes.add("LEAF");
                    values.add(0f);
                    trueIds.add(0L);
                    falseIds.add(0L);
                    classTreeIds.add((long) t);
                    classNodeIds.add((long) node);
                    classWeights.add(tree.leafValue()[node]);
                } else {
                    featureIds.add((long) tree.feature()[node]);
                    modes.add("BRANCH_LEQ");
                    values.add(tree.threshold()[node]);
                    trueIds.add((long) tree.trueChild()[node]);
                    falseIds.add((long) tree.falseChild()[node]);
                }
            }
        }
        long[] classIds = new long[classWeights.size()];
        Arrays.fill(classIds, 0L);

        OnnxGraphBuilder graph = new OnnxGraphBuilder(name);
        graph.input("input", tensorType(FLOAT, BATCH, featureCount), "raw features, one row per example");
        graph.node(ML_DOMAIN, "TreeEnsembleClassifier", "trees", List.of("input"),
                List.of("label", "probability_tensor"),
                intsAttribute("classlabels_int64s", new long[] {0, 1}),
                intsAttribute("nodes_treeids", toLongs(treeIds)),
                intsAttribute("nodes_nodeids", toLongs(nodeIds)),
                intsAttribute("nodes_featureids", toLongs(featureIds)),
                stringsAttribute("nodes_modes", modes),
                floatsAttribute("nodes_values", toFloats(values)),
                intsAttribute("nodes_truenodeids", toLongs(trueIds)),
                intsAttribute("nodes_falsenodeids", toLongs(falseIds)),
                intsAttribute("class_treeids", toLongs(classTreeIds)),
                intsAttribute("class_nodeids", toLongs(classNodeIds)),
                intsAttribute("class_ids", classIds),
                floatsAttribute("class_weights", toFloats(classWeights)),
                stringAttribute("post_transform", "LOGISTIC"));
        graph.node(ML_DOMAIN, "ZipMap", "zipmap", List.of("probability_tensor"), List.of("probabilities"),
                intsAttribute("classlabels_int64s", new long[] {0, 1}));
        graph.output("label", tensorType(INT64, BATCH), "predicted class, 0 or 1");
        graph.output("probabilities", sequenceOfMaps(INT64, FLOAT), "per row, a map from class (0, 1) to probability");
        Map<String, Integer> opsets = new LinkedHashMap<>();
        opsets.put("", OPSET);
        opsets.put(ML_DOMAIN, ML_OPSET);
        return graph.model(opsets, description, metadata);
    }

    public static void write(ModelProto model, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, model.toByteArray());
        } catch (IOException e) {
            throw new SampleDataException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String standardise(OnnxGraphBuilder graph, String input, FeatureScaling scaling) {
        int d = scaling.mean().length;
        String mean = graph.floats("feature_mean", toFloats(scaling.mean()), d);
        String scale = graph.floats("feature_scale", toFloats(scaling.scale()), d);
        String centred = graph.node("Sub", "centre", List.of(input, mean), List.of("centred"));
        return graph.node("Div", "scale", List.of(centred, scale), List.of("standardised"));
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    /** Row-major. */
    private static float[] toFloats(double[][] matrix) {
        float[] floats = new float[matrix.length * matrix[0].length];
        int i = 0;
        for (double[] row : matrix) {
            for (double value : row) {
                floats[i++] = (float) value;
            }
        }
        return floats;
    }

    private static float[] toFloats(List<Float> values) {
        float[] floats = new float[values.size()];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = values.get(i);
        }
        return floats;
    }

    private static long[] toLongs(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }
}
