package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.model.Device;
import java.io.Serializable;

/**
 * How a binding's model runs.
 *
 * @param batchSize rows per ONNX Runtime call
 * @param threads   intra-op threads per session; 0 lets the executor choose (its task cpus)
 * @param device    where sessions run
 */
public record Inference(int batchSize, int threads, Device device) implements Serializable {
    public Inference {
        requireNonNull(device, "device is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be > 0: " + batchSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0: " + threads);
        }
    }
}
