package dev.coldpath.cli;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.spec.JobConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where and how Spark runs: flags shared by every command that runs a job. */
final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[N], spark://host:port, yarn, k8s://... (default: local[*],"
                    + " or what spark-submit set)")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "A Spark configuration key, as spark-submit takes it (repeatable),"
                    + " e.g. --conf spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9000")
    List<String> conf = new ArrayList<>();

    JobConfig toConfig() {
        Map<String, Object> flat = new LinkedHashMap<>();
        for (String pair : conf) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || !pair.startsWith("spark.")) {
                throw new JobSpecException("Invalid --conf '" + pair + "': expected spark.KEY=VALUE");
            }
            flat.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        if (master != null) {
            flat.put("spark.master", master);
        }
        return JobConfig.of(flat, "--conf");
    }
}
