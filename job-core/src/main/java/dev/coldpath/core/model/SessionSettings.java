package dev.coldpath.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * How an ONNX Runtime session is built. Part of the session cache key: tasks that agree on these share one
 * session. {@code gpuId} is the device ordinal for {@link Device#CUDA}, and -1 on CPU.
 */
public record SessionSettings(int intraOpThreads, Device device, int gpuId) implements Serializable {
    public SessionSettings {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1: " + intraOpThreads);
        }
        requireNonNull(device, "device is null");
        if (device == Device.CPU && gpuId != -1) {
            throw new IllegalArgumentException("gpuId must be -1 on cpu: " + gpuId);
        }
    }

    public static SessionSettings cpu(int intraOpThreads) {
        return new SessionSettings(intraOpThreads, Device.CPU, -1);
    }
}
