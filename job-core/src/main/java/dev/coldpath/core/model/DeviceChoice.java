package dev.coldpath.core.model;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.ModelLoadException;
import java.util.List;
import java.util.Optional;

/**
 * Where a task's session runs, decided from the job's {@code inference.device}, the GPUs the engine assigned to
 * the task, and whether this ONNX Runtime build has the CUDA execution provider. {@code cuda} never falls back:
 * it is an error naming the cause. {@code auto} falls back to the CPU and says why in {@link #fallback}.
 *
 * @param settings the session settings to use
 * @param fallback why {@code auto} did not use a GPU; empty when it did, or when the device was explicit
 */
public record DeviceChoice(SessionSettings settings, Optional<String> fallback) {
    public DeviceChoice {
        requireNonNull(settings, "settings is null");
        requireNonNull(fallback, "fallback is null");
    }

    /**
     * @param assignedGpus the addresses of the GPUs assigned to the task (Spark's task resource "gpu")
     * @param cudaAvailable whether the CUDA execution provider is in this ONNX Runtime build
     */
    public static DeviceChoice choose(Device device, int threads, List<String> assignedGpus, boolean cudaAvailable) {
        return switch (device) {
            case CPU -> new DeviceChoice(SessionSettings.cpu(threads), Optional.empty());
            case CUDA -> {
                if (assignedGpus.isEmpty()) {
                    throw new JobSpecException("inference.device is cuda but no GPU was assigned to the task: set"
                            + " spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount and"
                            + " spark.executor.resource.gpu.discoveryScript (scripts/gpu-discovery.sh), or use"
                            + " inference.device: auto or cpu");
                }
                if (!cudaAvailable) {
                    throw new ModelLoadException(Fault.USER, "inference.device is cuda but this ONNX Runtime build has"
                            + " no CUDA execution provider (the CPU artifact 'onnxruntime' is on the classpath:"
                            + " build with -Pgpu for 'onnxruntime_gpu')", null);
                }
                yield new DeviceChoice(new SessionSettings(threads, Device.CUDA, gpuId(assignedGpus.get(0))),
                        Optional.empty());
            }
            case AUTO -> {
                if (assignedGpus.isEmpty()) {
                    yield new DeviceChoice(SessionSettings.cpu(threads),
                            Optional.of("no GPU was assigned to the task"));
                }
                if (!cudaAvailable) {
                    yield new DeviceChoice(SessionSettings.cpu(threads), Optional.of("GPU " + assignedGpus.get(0)
                            + " was assigned but this ONNX Runtime build has no CUDA execution provider"));
                }
                yield new DeviceChoice(new SessionSettings(threads, Device.CUDA, gpuId(assignedGpus.get(0))),
                        Optional.empty());
            }
        };
    }

    private static int gpuId(String address) {
        try {
            return Integer.parseInt(address.strip());
        } catch (NumberFormatException e) {
            throw new JobSpecException("GPU address '" + address + "' from the discovery script is not a device"
                    + " ordinal (CUDA needs 0, 1, ...): fix spark.executor.resource.gpu.discoveryScript");
        }
    }

    /** Whether this ONNX Runtime build can run the CUDA execution provider. */
    public static boolean cudaAvailable() {
        try {
            return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
