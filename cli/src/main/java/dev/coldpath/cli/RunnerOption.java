package dev.coldpath.cli;

import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobKey;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which engine scores the job: the {@code --runner} flag of {@code run} and {@code score}. */
final class RunnerOption {
    @Option(names = "--runner", paramLabel = "auto|spark|local",
            description = "Which engine scores the job: local runs it in this process without Spark (one model or"
                    + " several, Parquet or image-file input on local disk or s3a, a Parquet prediction table; see"
                    + " docs/operations.md, Runner, for what it does not take); spark starts a Spark application on"
                    + " --master; auto (the default) takes local when the job allows it and fits runner"
                    + ".local-max-bytes, else spark. The summary says which ran and why.")
    String runner;

    JobConfig toConfig() {
        Map<String, Object> flat = new LinkedHashMap<>();
        if (runner != null) {
            flat.put(JobKey.RUNNER.key(), runner);
        }
        return JobConfig.of(flat, "--runner");
    }
}
