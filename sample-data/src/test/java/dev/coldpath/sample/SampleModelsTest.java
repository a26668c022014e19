package dev.coldpath.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs every committed model with ONNX Runtime on every row of its committed Parquet file. */
class SampleModelsTest {
    private static final double PROBABILITY_TOLERANCE = 1e-5;
    private static final OrtEnvironment ENVIRONMENT = OrtEnvironment.getEnvironment();

    @Test
    void logisticRegressionProbabilitiesFromOnnxRuntimeEqualTheTrainersOwnOnEveryRow() throws OrtException {
        Path model = SampleDirectory.resolve("models/breast_cancer_logreg.onnx");
        List<Map<String, Object>> rows = SampleDirectory.readParquet(SampleDirectory.resolve("data/breast_cancer.parquet"));
        List<Map<String, String>> expected = SampleDirectory.readCsv(
                SampleDirectory.resolve("expected/breast_cancer_logreg.csv"));

        float[] probability;
        Map<String, String> metadata;
        try (OrtSession session = ENVIRONMENT.createSession(model.toString(), new OrtSession.SessionOptions())) {
            metadata = session.getMetadata().getCustomMetadata();
            float[][] input = flatFeatures(rows, metadata.get("input_columns").split(","));
            try (OnnxTensor tensor = OnnxTensor.createTensor(ENVIRONMENT, input);
                    OrtSession.Result result = session.run(Map.of("input", tensor))) {
                probability = (float[]) result.get("probability").orElseThrow().getValue();
            }
        }

        assertThat(probability).hasSize(569);
        assertThat(expected).hasSize(569);
        int correct = 0;
        for (int i = 0; i < probability.length; i++) {
            assertThat(expected.get(i).get("id")).isEqualTo(Integer.toString(i));
            assertThat((double) probability[i]).as("probability of row %d", i)
                    .isCloseTo(Double.parseDouble(expected.get(i).get("probability")), within(PROBABILITY_TOLERANCE));
            if ((probability[i] > 0.5 ? 1 : 0) == (Integer) rows.get(i).get("diagnosis")) {
                correct++;
            }
        }
        assertTrainingAccuracy(correct, rows.size(), metadata);
    }

    @Test
    void wineMlpProbabilitiesAndLabelsFromOnnxRuntimeEqualTheTrainersOwnOnEveryRow() throws OrtException {
        Path model = SampleDirectory.resolve("models/wine_mlp.onnx");
        List<Map<String, Object>> rows = SampleDirectory.readParquet(SampleDirectory.resolve("data/wine.parquet"));
        List<Map<String, String>> expected = SampleDirectory.readCsv(SampleDirectory.resolve("expected/wine_mlp.csv"));
        float[][] input = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            List<?> features = (List<?>) rows.get(i).get("features");
            input[i] = new float[features.size()];
            for (int j = 0; j < input[i].length; j++) {
                input[i][j] = (Float) features.get(j);
            }
        }

        float[][] probabilities;
        long[] labels;
        Map<String, String> metadata;
        try (OrtSession session = ENVIRONMENT.createSession(model.toString(), new OrtSession.SessionOptions());
                OnnxTensor tensor = OnnxTensor.createTensor(ENVIRONMENT, input);
                OrtSession.Result result = session.run(Map.of("features", tensor))) {
            metadata = session.getMetadata().getCustomMetadata();
            probabilities = (float[][]) result.get("probabilities").orElseThrow().getValue();
            labels = (long[]) result.get("label").orElseThrow().getValue();
        }

        assertThat(expected).hasSize(178);
        int correct = 0;
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> want = expected.get(i);
            assertThat(want.get("id")).isEqualTo(Integer.toString(i));
            for (int k = 0; k < 3; k++) {
                assertThat((double) probabilities[i][k]).as("p%d of row %d", k, i)
                        .isCloseTo(Double.parseDouble(want.get("p" + k)), within(PROBABILITY_TOLERANCE));
            }
            assertThat(labels[i]).as("label of row %d", i).isEqualTo(Long.parseLong(want.get("label")));
            if (labels[i] == (Integer) rows.get(i).get("cultivar")) {
                correct++;
            }
        }
        assertTrainingAccuracy(correct, rows.size(), metadata);
    }

    @Test
    void boostedTreesLabelsAndZipMapProbabilitiesFromOnnxRuntimeEqualTheTrainersOwnOnEveryRow() throws OrtException {
        Path model = SampleDirectory.resolve("models/breast_cancer_trees.onnx");
        List<Map<String, Object>> rows = SampleDirectory.readParquet(SampleDirectory.resolve("data/breast_cancer.parquet"));
        List<Map<String, String>> expected = SampleDirectory.readCsv(
                SampleDirectory.resolve("expected/breast_cancer_trees.csv"));

        long[] labels;
        double[][] probabilities = new double[rows.size()][2];
        Map<String, String> metadata;
        try (OrtSession session = ENVIRONMENT.createSession(model.toString(), new OrtSession.SessionOptions())) {
            metadata = session.getMetadata().getCustomMetadata();
            float[][] input = flatFeatures(rows, metadata.get("input_columns").split(","));
            try (OnnxTensor tensor = OnnxTensor.createTensor(ENVIRONMENT, input);
                    OrtSession.Result result = session.run(Map.of("input", tensor))) {
                labels = (long[]) result.get("label").orElseThrow().getValue();
                List<? extends OnnxValue> maps = ((OnnxSequence) result.get("probabilities").orElseThrow()).getValue();
                assertThat(maps).hasSize(rows.size());
                for (int i = 0; i < maps.size(); i++) {
                    Map<?, ?> map = ((OnnxMap) maps.get(i)).getValue();
                    assertThat(new ArrayList<Object>(map.keySet())).as("classes of row %d", i)
                            .containsExactlyInAnyOrder(0L, 1L);
                    probabilities[i][0] = (Float) map.get(0L);
                    probabilities[i][1] = (Float) map.get(1L);
                }
            }
        }

        assertThat(expected).hasSize(569);
        int correct = 0;
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> want = expected.get(i);
            assertThat(want.get("id")).isEqualTo(Integer.toString(i));
            assertThat(labels[i]).as("label of row %d", i).isEqualTo(Long.parseLong(want.get("label")));
            assertThat(probabilities[i][1]).as("p1 of row %d", i)
                    .isCloseTo(Double.parseDouble(want.get("p1")), within(PROBABILITY_TOLERANCE));
            assertThat(probabilities[i][0] + probabilities[i][1]).as("p0 + p1 of row %d", i)
                    .isCloseTo(1.0, within(PROBABILITY_TOLERANCE));
            assertThat(labels[i]).as("label agrees with p1 on row %d", i).isEqualTo(probabilities[i][1] > 0.5 ? 1L : 0L);
            if (labels[i] == (Integer) rows.get(i).get("diagnosis")) {
                correct++;
            }
        }
        assertTrainingAccuracy(correct, rows.size(), metadata);
    }

    @Test
    void logisticRegressionTakesFloatNBy30AndReturnsOneFloatProbabilityPerRow() throws OrtException {
        try (OrtSession session = session("breast_cancer_logreg")) {
            assertTensor(session.getInputInfo(), "input", OnnxJavaType.FLOAT, -1, 30);
            assertTensor(session.getOutputInfo(), "probability", OnnxJavaType.FLOAT, -1);
            assertThat(session.getOutputNames()).containsExactly("probability");
        }
    }

    @Test
    void wineMlpTakesFloatNBy13AndReturnsProbabilitiesAndInt64Labels() throws OrtException {
        try (OrtSession session = session("wine_mlp")) {
            assertTensor(session.getInputInfo(), "features", OnnxJavaType.FLOAT, -1, 13);
            assertTensor(session.getOutputInfo(), "probabilities", OnnxJavaType.FLOAT, -1, 3);
            assertTensor(session.getOutputInfo(), "label", OnnxJavaType.INT64, -1);
            assertThat(session.getOutputNames()).containsExactly("probabilities", "label");
        }
    }

    @Test
    void boostedTreesTakeFloatNBy30AndReturnInt64LabelsAndASequenceOfClassToProbabilityMaps() throws OrtException {
        try (OrtSession session = session("breast_cancer_trees")) {
            assertTensor(session.getInputInfo(), "input", OnnxJavaType.FLOAT, -1, 30);
            assertTensor(session.getOutputInfo(), "label", OnnxJavaType.INT64, -1);
            assertThat(session.getOutputNames()).containsExactly("label", "probabilities");
            SequenceInfo probabilities = (SequenceInfo) session.getOutputInfo().get("probabilities").getInfo();
            assertThat(probabilities.isSequenceOfMaps()).isTrue();
            MapInfo map = probabilities.mapInfo;
            assertThat(map.keyType).isEqualTo(OnnxJavaType.INT64);
            assertThat(map.valueType).isEqualTo(OnnxJavaType.FLOAT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"breast_cancer_logreg", "wine_mlp", "breast_cancer_trees"})
    void everyModelNamesItsProducerDatasetTrainerAndClassesAndUsesIrVersion8(String name)
            throws OrtException, IOException {
        try (OrtSession session = session(name)) {
            assertThat(session.getMetadata().getProducerName()).isEqualTo("coldpath-sample-data");
            assertThat(session.getMetadata().getCustomMetadata())
                    .containsEntry("trained_by", "coldpath SampleDataGenerator")
                    .containsKeys("dataset", "classes", "input_columns", "feature_names", "target_column",
                            "training", "training_accuracy", "data_file");
            String dataFile = session.getMetadata().getCustomMetadata().get("data_file");
            assertThat(SampleDirectory.resolve(dataFile)).isRegularFile();
        }
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(SampleDirectory.resolve("models/" + name + ".onnx")));
        assertThat(proto.getIrVersion()).isEqualTo(8);
        Map<String, Long> opsets = proto.getOpsetImportList().stream()
                .collect(Collectors.toMap(OperatorSetIdProto::getDomain, OperatorSetIdProto::getVersion));
        assertThat(opsets).containsEntry("", 13L);
        boolean usesMlDomain = proto.getGraph().getNodeList().stream().anyMatch(n -> n.getDomain().equals("ai.onnx.ml"));
        assertThat(opsets.containsKey("ai.onnx.ml")).isEqualTo(usesMlDomain);
        assertThat(proto.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam())
                .isEqualTo("N");
    }

    @Test
    void breastCancerModelsNameTheClassesInScikitLearnsOrder() throws OrtException {
        for (String name : List.of("breast_cancer_logreg", "breast_cancer_trees")) {
            try (OrtSession session = session(name)) {
                assertThat(session.getMetadata().getCustomMetadata())
                        .containsEntry("classes", "malignant,benign")
                        .containsEntry("dataset", "breast_cancer")
                        .containsEntry("target_column", "diagnosis")
                        .containsEntry("input_columns", String.join(",", SampleDatasets.BREAST_CANCER_FEATURES));
            }
        }
    }

    private static OrtSession session(String name) throws OrtException {
        return ENVIRONMENT.createSession(SampleDirectory.resolve("models/" + name + ".onnx").toString(),
                new OrtSession.SessionOptions());
    }

    private static void assertTensor(Map<String, NodeInfo> infos, String name, OnnxJavaType type, long... shape) {
        assertThat(infos).containsKey(name);
        TensorInfo info = (TensorInfo) infos.get(name).getInfo();
        assertThat(info.type).as("%s type", name).isEqualTo(type);
        assertThat(info.getShape()).as("%s shape", name).containsExactly(shape);
        assertThat(info.getDimensionNames()[0]).as("%s batch dimension", name).isEqualTo("N");
    }

    private static float[][] flatFeatures(List<Map<String, Object>> rows, String[] columns) {
        assertThat(columns).hasSize(30);
        float[][] input = new float[rows.size()][columns.length];
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < columns.length; j++) {
                input[i][j] = (Float) rows.get(i).get(columns[j]);
            }
        }
        return input;
    }

    private static void assertTrainingAccuracy(int correct, int rows, Map<String, String> metadata) {
        double accuracy = (double) correct / rows;
        assertThat(accuracy).as("training accuracy under ONNX Runtime").isGreaterThan(0.95);
        assertThat(accuracy).as("training accuracy claimed in the metadata")
                .isCloseTo(Double.parseDouble(metadata.get("training_accuracy")), within(1e-4));
    }
}
