package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.model.Device;
import dev.coldpath.core.model.SessionSettings;
import java.io.Serializable;
import java.util.Comparator;

/**
 * What a task ran with once the job's "auto" settings were resolved: the batch size (the planner's, for
 * {@code inference.batch-size: auto}) and the session settings (threads from the task's cpus for
 * {@code inference.threads: 0}, the device {@code inference.device: auto} chose). Reported by every task.
 */
public record ResolvedInference(int batchSize, SessionSettings settings) implements Serializable {
    static final Comparator<ResolvedInference> ORDER = Comparator.comparingInt(ResolvedInference::batchSize)
            .thenComparingInt(r -> r.settings().intraOpThreads()).thenComparing(ResolvedInference::device);

    public ResolvedInference {
        requireNonNull(settings, "settings is null");
    }

    /** {@code cpu}, or {@code cuda:N}. */
    public String device() {
        return settings.device() == Device.CUDA ? "cuda:" + settings.gpuId() : "cpu";
    }
}
