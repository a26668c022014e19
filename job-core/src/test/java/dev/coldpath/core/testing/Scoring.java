package dev.coldpath.core.testing;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.decode.TensorValues;
import dev.coldpath.core.encode.RowRejectedException;
import dev.coldpath.core.score.BatchScorer;
import java.util.List;
import java.util.Random;

/** Runs rows through a real session, and makes plausible breast-cancer feature rows. */
public final class Scoring {
    private Scoring() {
    }

    /** Scores {@code rows} as one batch; every row must be accepted. */
    public static List<Prediction> score(byte[] model, ScoringPlan plan, Row... rows) {
        try (OnnxModel open = OnnxModel.open("test model", model, SessionSettings.cpu(1))) {
            TensorBatch batch = plan.newBatch();
            for (Row row : rows) {
                try {
                    batch.append(row);
                } catch (RowRejectedException e) {
                    throw new AssertionError("row " + row + " rejected: " + e.reason(), e);
                }
            }
            return new BatchScorer(plan.binding(), open).score(batch);
        }
    }

    /** Output {@code i}, a tensor's values. */
    public static TensorValues tensor(List<Prediction> outputs, int i) {
        return (TensorValues) outputs.get(i);
    }

    /**
     * {@code n} rows of 30 features drawn around the means the sample models were trained on (their
     * {@code feature_mean} and {@code feature_scale} initializers), so predictions spread over both classes.
     */
    public static float[][] breastCancerFeatures(int n, long seed) {
        float[] mean = initializer("feature_mean");
        float[] scale = initializer("feature_scale");
        Random random = new Random(seed);
        float[][] rows = new float[n][mean.length];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < mean.length; c++) {
                rows[r][c] = (float) Math.max(0, mean[c] + 1.5 * scale[c] * random.nextGaussian());
            }
        }
        return rows;
    }

    private static float[] initializer(String name) {
        try {
            ModelProto model = ModelProto.parseFrom(SampleModels.bytes(SampleModels.LOGREG));
            TensorProto tensor = model.getGraph().getInitializerList().stream()
                    .filter(t -> t.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no initializer " + name + " in the logreg model"));
            float[] values = new float[tensor.getFloatDataCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = tensor.getFloatData(i);
            }
            return values;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A row of 30 float columns (plus nothing else). */
    public static Row row(float[] features) {
        return Row.floats(features);
    }
}
