package dev.coldpath.cli;

import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A job file with its command-line overrides, shared by {@code run} and {@code validate}. Precedence, written
 * once: the command line (--set, schedule flags, --conf, --master) over the job file over the defaults.
 */
final class JobFileArgs {
    @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job file.")
    Path jobFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a job-file key (repeatable), e.g. --set inference.batch-size=256"
                    + " or --set output.columns=label,probabilities.")
    List<String> overrides = new ArrayList<>();

    @Mixin
    ScheduleOptions schedule;

    @Mixin
    SparkOptions spark;

    JobSpec spec() {
        return spec(JobConfig.of(Map.of(), "the command line"));
    }

    /** The job with the command's own flags ({@code flags}) over the shared ones. */
    JobSpec spec(JobConfig flags) {
        return JobSpec.from(JobConfig.load(jobFile)
                .overriddenBy(JobConfig.parseAssignments(overrides, "--set"))
                .overriddenBy(schedule.toConfig())
                .overriddenBy(spark.toConfig())
                .overriddenBy(flags));
    }
}
