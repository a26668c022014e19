package dev.coldpath.spark;

import dev.coldpath.connectors.HadoopModelStore;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionCache;
import dev.coldpath.core.model.SessionSettings;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * The per-executor-JVM session cache: the one deliberate piece of static mutable state in coldpath. Every
 * task slot of an executor that runs the same model with the same settings shares one session. Thread safe;
 * bounded by the system property {@code coldpath.sessions.max} (default 4); {@link #cache()}{@code .reset()}
 * empties it for tests.
 */
public final class ExecutorSessions {
    private static final SessionCache CACHE = new SessionCache(Integer.getInteger("coldpath.sessions.max", 4));

    private ExecutorSessions() {
    }

    public static SessionCache cache() {
        return CACHE;
    }

    /** Leases the session for the model, fetching and verifying the model's bytes on first use. */
    static SessionCache.Lease acquire(ModelArtifact model, SessionSettings settings) {
        return CACHE.acquire(new SessionCache.Key(model.sha256(), settings), () -> {
            byte[] bytes = HadoopModelStore.read(model.location(), hadoopConfiguration());
            model.verify(bytes);
            return OnnxModel.open(model.location(), bytes, settings);
        });
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
