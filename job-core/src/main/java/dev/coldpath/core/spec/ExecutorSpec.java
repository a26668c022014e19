package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * What each executor JVM keeps between tasks: {@code executor.*}. Sent to the executors with the job, so every
 * executor of a run uses the same bounds. Serializable and immutable.
 *
 * @param sessionsMax   ONNX Runtime sessions the executor's session cache keeps open
 * @param modelCacheDir where the executor keeps remote models on local disk; "" for
 *                      {@code ${java.io.tmpdir}/coldpath-models} of the executor's JVM (a String, not an Optional,
 *                      as the record travels to executors)
 * @param modelCacheMax models that cache keeps
 * @param memoryPattern ONNX Runtime's memory pattern optimization in each session
 * @param cpuArena      ONNX Runtime's CPU arena allocator in each session
 */
public record ExecutorSpec(int sessionsMax, String modelCacheDir, int modelCacheMax, boolean memoryPattern,
                           boolean cpuArena) implements Serializable {
    public static final ExecutorSpec DEFAULTS = new ExecutorSpec(4, "", 8, true, true);

    public ExecutorSpec {
        if (sessionsMax < 1) {
            throw new IllegalArgumentException("sessionsMax must be >= 1: " + sessionsMax);
        }
        requireNonNull(modelCacheDir, "modelCacheDir is null");
        if (modelCacheMax < 1) {
            throw new IllegalArgumentException("modelCacheMax must be >= 1: " + modelCacheMax);
        }
    }

    /** The section as {@code config} sets it, defaults applied. */
    public static ExecutorSpec from(JobConfig config) {
        return new ExecutorSpec(config.get(JobKey.SESSIONS_MAX), config.find(JobKey.MODEL_CACHE_DIR).orElse(""),
                config.get(JobKey.MODEL_CACHE_MAX), config.get(JobKey.SESSIONS_MEMORY_PATTERN),
                config.get(JobKey.SESSIONS_CPU_ARENA));
    }

    /** These settings with another bound on open sessions. */
    public ExecutorSpec withSessionsMax(int sessions) {
        return new ExecutorSpec(sessions, modelCacheDir, modelCacheMax, memoryPattern, cpuArena);
    }
}
