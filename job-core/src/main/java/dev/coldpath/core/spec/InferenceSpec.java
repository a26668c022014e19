package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.model.Device;

/**
 * How sessions score batches: {@code inference.*}.
 *
 * @param batchSize rows per ONNX Runtime call; {@link #AUTO_BATCH_SIZE} lets the planner choose
 * @param threads   intra-op threads per session; 0 for the task's cpus (written {@code auto} in a job)
 */
public record InferenceSpec(int batchSize, int threads, Device device) {
    /** {@code inference.batch-size: auto}: the planner sizes batches from the model's inputs. */
    public static final int AUTO_BATCH_SIZE = 0;
    public static final InferenceSpec DEFAULTS = new InferenceSpec(AUTO_BATCH_SIZE, 0, Device.CPU);

    public InferenceSpec {
        if (batchSize < 0) {
            throw new IllegalArgumentException("batchSize must be >= 0: " + batchSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0: " + threads);
        }
        requireNonNull(device, "device is null");
    }

    /** The section as {@code config} sets it, defaults applied. */
    public static InferenceSpec from(JobConfig config) {
        return new InferenceSpec(config.get(JobKey.BATCH_SIZE), config.get(JobKey.THREADS),
                config.get(JobKey.DEVICE));
    }
}
