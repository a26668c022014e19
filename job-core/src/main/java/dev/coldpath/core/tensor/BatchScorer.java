package dev.coldpath.core.tensor;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.coldpath.core.error.InferenceException;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.plan.OutputColumn;
import dev.coldpath.core.plan.ScoringPlan;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a filled {@link TensorBatch} through a model and decodes the planned outputs. Thread safe if the
 * model is; each task passes its own batch.
 */
public final class BatchScorer {
    private final OnnxModel model;
    private final List<OutputColumn> outputs;
    private final Set<String> outputNames = new LinkedHashSet<>();
    private final OrtEnvironment env = OnnxModel.environment();

    public BatchScorer(ScoringPlan plan, OnnxModel model) {
        this.model = model;
        this.outputs = plan.outputs();
        outputs.forEach(o -> outputNames.add(o.output()));
    }

    /** One column per planned output, in plan order. The batch's buffers may be reused afterwards. */
    public List<PredictionColumn> score(TensorBatch batch) {
        int rows = batch.rows();
        try {
            Map<String, OnnxTensor> tensors = batch.tensors(env);
            try (OrtSession.Result result = model.run(tensors, outputNames)) {
                List<PredictionColumn> columns = new ArrayList<>(outputs.size());
                for (OutputColumn output : outputs) {
                    OnnxValue value = result.get(output.output()).orElseThrow();
                    columns.add(PredictionDecoder.decode(output, value, rows));
                }
                return columns;
            } finally {
                tensors.values().forEach(OnnxTensor::close);
            }
        } catch (OrtException e) {
            throw new InferenceException("Model " + model.displayName() + " failed on a batch of " + rows
                    + " rows: " + e.getMessage(), e);
        }
    }
}
