package dev.coldpath.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * How an ONNX Runtime session is built. Part of the session cache key: tasks that agree on these share one
 * session. {@code gpuId} is the device ordinal for {@link Device#CUDA}, and -1 on CPU.
 *
 * @param memoryPattern ONNX Runtime's memory pattern optimization (job key
 *                      {@code executor.sessions.memory-pattern}): plans activation buffers from the first runs'
 *                      shapes; off saves memory when batch shapes vary (text)
 * @param cpuArena      ONNX Runtime's CPU arena allocator ({@code executor.sessions.cpu-arena}): keeps freed
 *                      activation memory for reuse; off returns it to the system, at some speed
 */
public record SessionSettings(int intraOpThreads, Device device, int gpuId, boolean memoryPattern, boolean cpuArena)
        implements Serializable {
    public SessionSettings {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1: " + intraOpThreads);
        }
        requireNonNull(device, "device is null");
        if (device == Device.CPU && gpuId != -1) {
            throw new IllegalArgumentException("gpuId must be -1 on cpu: " + gpuId);
        }
    }

    /** With ONNX Runtime's memory defaults: memory pattern and CPU arena on. */
    public SessionSettings(int intraOpThreads, Device device, int gpuId) {
        this(intraOpThreads, device, gpuId, true, true);
    }

    /** These settings with the job's memory options. */
    public SessionSettings withMemory(boolean memoryPattern, boolean cpuArena) {
        return new SessionSettings(intraOpThreads, device, gpuId, memoryPattern, cpuArena);
    }

    public static SessionSettings cpu(int intraOpThreads) {
        return new SessionSettings(intraOpThreads, Device.CPU, -1);
    }
}
