package dev.coldpath.spark;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime's Java binding registers a shutdown hook that releases its native environment as the JVM exits. The
 * JVM runs shutdown hooks at the same time, so while the local runner's own hook lets a TERM'd run's workers stop at
 * their next batch, that hook would release the environment under a session still scoring: SIGSEGV in
 * libonnxruntime (exit 134 and an hs_err file instead of a clean stop, seen at batch-size 1). The process is ending
 * and the system frees the environment with it, so the local runner takes that hook out. It needs
 * {@code java.lang} opened, as the launcher and Spark's JVM options open it; otherwise the hook stays.
 */
final class OnnxRuntimeShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeShutdown.class);
    private static final String CLOSER = "ai.onnxruntime.OrtEnvironment$OrtEnvCloser";

    private OnnxRuntimeShutdown() {
    }

    /** Removes ONNX Runtime's environment-releasing shutdown hooks; returns how many it removed. */
    static int keepEnvironmentUntilExit() {
        try {
            Class<?> hooks = Class.forName("java.lang.ApplicationShutdownHooks");
            Field field = hooks.getDeclaredField("hooks");
            field.setAccessible(true);
            List<Thread> registered;
            synchronized (hooks) { // as ApplicationShutdownHooks' own static synchronized methods
                Map<?, ?> map = (Map<?, ?>) field.get(null);
                if (map == null) {
                    return 0; // shutting down
                }
                registered = new ArrayList<>();
                map.keySet().forEach(t -> registered.add((Thread) t));
            }
            int removed = 0;
            for (Thread hook : registered) {
                Object task = task(hook);
                if (task != null && task.getClass().getName().equals(CLOSER)
                        && Runtime.getRuntime().removeShutdownHook(hook)) {
                    removed++;
                }
            }
            return removed;
        } catch (ReflectiveOperationException | RuntimeException e) { // java.lang not opened, another JDK's fields
            LOG.debug("ONNX Runtime's shutdown hook stays: {}", e.toString());
            return 0;
        }
    }

    /** What a thread runs: {@code Thread.target} up to Java 20, {@code Thread.holder.task} after. */
    private static Object task(Thread thread) throws ReflectiveOperationException {
        try {
            return field(Thread.class, "target").get(thread);
        } catch (NoSuchFieldException e) {
            Object holder = field(Thread.class, "holder").get(thread);
            return holder == null ? null : field(holder.getClass(), "task").get(holder);
        }
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
