package dev.coldpath.cli;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ModelCache;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.spec.ExecutorSpec;
import dev.coldpath.spark.ExecutorSessions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/** Storage settings for commands that read tables or the registry without running Spark. */
final class StorageOptions {
    private static final String PREFIX = "spark.hadoop.";
    private static final String CATALOG_PREFIX = "spark.sql.catalog.";

    @Option(names = "--conf", paramLabel = "spark.hadoop.KEY=VALUE",
            description = "A Hadoop file-system setting, as spark-submit takes it (repeatable), e.g."
                    + " --conf spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9000; or, for an Iceberg table, its"
                    + " catalog's options, e.g. --conf spark.sql.catalog.lake.type=rest")
    List<String> conf = new ArrayList<>();

    HadoopFileStore store() {
        return new HadoopFileStore(configuration());
    }

    /**
     * The local-disk cache through which commands bring remote models to this machine, the one a job's driver uses
     * by default ({@code ${java.io.tmpdir}/coldpath-models}): ONNX Runtime opens models by path.
     */
    ModelCache models() {
        return ExecutorSessions.models(ExecutorSpec.DEFAULTS);
    }

    /** The Hadoop configuration with the --conf settings. */
    Configuration configuration() {
        Configuration configuration = new Configuration();
        sparkConf().forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                configuration.set(key.substring(PREFIX.length()), value);
            }
        });
        return configuration;
    }

    /** The --conf settings by key: spark.hadoop.* and spark.sql.catalog.* ones. */
    Map<String, String> sparkConf() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String pair : conf) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || !pair.startsWith(PREFIX) && !pair.startsWith(CATALOG_PREFIX)) {
                throw new JobSpecException("Invalid --conf '" + pair + "': expected spark.hadoop.KEY=VALUE or"
                        + " spark.sql.catalog.NAME.KEY=VALUE");
            }
            settings.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return settings;
    }
}
