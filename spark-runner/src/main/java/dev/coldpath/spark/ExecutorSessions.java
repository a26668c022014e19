package dev.coldpath.spark;

import dev.coldpath.connectors.ModelCache;
import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionCache;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.spec.ExecutorSpec;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * The per-executor-JVM session cache: the one deliberate piece of static mutable state in coldpath. Every
 * task slot of an executor that runs the same model with the same settings shares one session. Thread safe;
 * bounded by the job key {@code executor.sessions.max}, which each task brings with the job (the last job to
 * start a task on the executor sets the bound); {@link #cache()}{@code .reset()} empties it for tests. Beside it,
 * which run opened each cached session ({@link #opening}), so that every task of that run can report the session;
 * weakly held, so a session the cache closed and dropped takes its entry with it.
 */
public final class ExecutorSessions {
    private static final SessionCache CACHE = new SessionCache(ExecutorSpec.DEFAULTS.sessionsMax());
    private static final Map<OnnxModel, Opening> OPENINGS = Collections.synchronizedMap(new WeakHashMap<>());
    private static final AtomicLong OPENED = new AtomicLong();

    /**
     * The run a session was opened for, its number among the sessions this JVM opened, and how long opening it
     * took: bringing its files to local disk (through the local-disk cache), verifying them and creating the session.
     */
    record Opening(String run, long serial, long loadNanos) {
    }

    private ExecutorSessions() {
    }

    public static SessionCache cache() {
        return CACHE;
    }

    /**
     * The local-disk cache of remote models this executor reads through with these settings
     * ({@code executor.model-cache.dir} and {@code .max}); the directory defaults to
     * {@code ${java.io.tmpdir}/coldpath-models} of this JVM.
     */
    public static ModelCache models(ExecutorSpec executor) {
        Path dir = executor.modelCacheDir().isEmpty()
                ? Paths.get(System.getProperty("java.io.tmpdir"), "coldpath-models")
                : Paths.get(executor.modelCacheDir());
        return new ModelCache(dir, executor.modelCacheMax());
    }

    /**
     * Leases the session for the model to a task of {@code run}, on first use bringing its files to local disk (a
     * remote model once per machine, through the local-disk {@link ModelCache}), verifying them against the sha256
     * the driver planned with, opening the session from the file's path with the job's memory options
     * ({@code executor.sessions.memory-pattern}, {@code .cpu-arena}), and recording that {@code run} opened it.
     */
    static SessionCache.Lease acquire(ModelArtifact model, SessionSettings settings, ExecutorSpec executor,
                                      String run) {
        CACHE.capacity(executor.sessionsMax());
        SessionSettings session = settings.withMemory(executor.memoryPattern(), executor.cpuArena());
        return CACHE.acquire(new SessionCache.Key(model.sha256(), session), () -> {
            long start = System.nanoTime();
            LocalModel local = models(executor).fetch(model, hadoopConfiguration());
            OnnxModel opened = OnnxModel.open(model.location(), local.file(), session);
            // under the cache's lock: a task that waited for this load finds the opening recorded
            OPENINGS.put(opened, new Opening(run, OPENED.incrementAndGet(), System.nanoTime() - start));
            return opened;
        });
    }

    /** Which run opened this session of the cache, if {@link #acquire} opened it in this JVM. */
    static Optional<Opening> opening(OnnxModel session) {
        return Optional.ofNullable(OPENINGS.get(session));
    }

    /** The job's Hadoop settings ({@code spark.hadoop.*}) as the executor received them. */
    private static Configuration hadoopConfiguration() {
        Configuration conf = new Configuration();
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            for (Tuple2<String, String> entry : env.conf().getAll()) {
                if (entry._1().startsWith("spark.hadoop.")) {
                    conf.set(entry._1().substring("spark.hadoop.".length()), entry._2());
                }
            }
        }
        return conf;
    }
}
