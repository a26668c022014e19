package dev.coldpath.core.score;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.error.InferenceException;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.metrics.Stage;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.plan.ModelBinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a filled {@link TensorBatch} through a model and decodes the planned outputs. Thread safe if the
 * model is; each task passes its own batch.
 */
public final class BatchScorer {
    private final OnnxModel model;
    private final List<OutputDecoder> outputs;
    private final Set<String> outputNames = new LinkedHashSet<>();
    private final OrtEnvironment env = OnnxModel.environment();
    private final Map<String, String> inputNames;

    public BatchScorer(ModelBinding binding, OnnxModel model) {
        this(binding, model, Map.of());
    }

    /**
     * A scorer of batches whose inputs are named for another model that reads the same columns the same way
     * ({@link BindingBatches}): {@code inputNames} maps a batch's input name to this model's, where they differ.
     */
    public BatchScorer(ModelBinding binding, OnnxModel model, Map<String, String> inputNames) {
        this.model = model;
        this.outputs = binding.decoders();
        this.inputNames = Map.copyOf(inputNames);
        outputs.forEach(o -> outputNames.add(o.output()));
    }

    /** One column per planned output, in plan order. The batch's buffers may be reused afterwards. */
    public List<Prediction> score(TensorBatch batch) {
        return score(batch, new RunMetrics());
    }

    /** Scores the batch, recording inference and decode times in {@code metrics}. */
    public List<Prediction> score(TensorBatch batch, RunMetrics metrics) {
        return score(batch, 0, batch.rows(), metrics);
    }

    /**
     * Scores the batch; when the model fails on it, splits it in halves until the rows it fails on are
     * isolated, and rejects only those.
     */
    public ScoredBatch scoreIsolatingFailures(TensorBatch batch, RunMetrics metrics) {
        ScoredBatch scored = new ScoredBatch(batch.rows());
        bisect(batch, 0, batch.rows(), metrics, scored);
        return scored;
    }

    private void bisect(TensorBatch batch, int from, int to, RunMetrics metrics, ScoredBatch scored) {
        try {
            scored.add(score(batch, from, to, metrics), from, to);
        } catch (InferenceException e) {
            if (to - from == 1) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                scored.reject(from, "Model " + model.displayName() + " failed on the row: "
                        + String.valueOf(cause.getMessage()).lines().findFirst().orElse(""));
                return;
            }
            int mid = (from + to) >>> 1;
            bisect(batch, from, mid, metrics, scored);
            bisect(batch, mid, to, metrics, scored);
        }
    }

    private Map<String, OnnxTensor> renamed(Map<String, OnnxTensor> tensors) {
        if (inputNames.isEmpty()) {
            return tensors;
        }
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> out.put(inputNames.getOrDefault(name, name), tensor));
        return out;
    }

    /** Scores rows {@code from} to {@code to} (exclusive) of the batch. */
    public List<Prediction> score(TensorBatch batch, int from, int to, RunMetrics metrics) {
        int rows = to - from;
        try {
            Map<String, OnnxTensor> tensors = renamed(batch.tensors(env, from, to));
            Optional<int[]> lengths = batch.lengths(from, to);
            long start = System.nanoTime();
            try (OrtSession.Result result = model.run(tensors, outputNames)) {
                long ran = System.nanoTime();
                metrics.record(Stage.INFERENCE, ran - start);
                List<Prediction> columns = new ArrayList<>(outputs.size());
                for (OutputDecoder output : outputs) {
                    OnnxValue value = result.get(output.output()).orElseThrow();
                    columns.add(output.decode(value, rows, lengths));
                }
                metrics.record(Stage.DECODE, System.nanoTime() - ran);
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
