package dev.coldpath.cli;

import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coldpath run}: a job described in a YAML file, with command-line overrides. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the scoring job described in a YAML job file (see conf/examples/).")
final class RunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job file.")
    Path jobFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a job-file key (repeatable), e.g. --set inference.batch-size=4096"
                    + " or --set output.columns=label,probabilities.")
    List<String> overrides = new ArrayList<>();

    @Mixin
    ScheduleOptions schedule;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() {
        JobConfig config = JobConfig.load(jobFile)
                .overriddenBy(JobConfig.parseAssignments(overrides, "--set"))
                .overriddenBy(schedule.toConfig())
                .overriddenBy(spark.toConfig());
        return JobRunner.run(JobSpec.from(config), schedule.backfill(), schedule.metricsFile(),
                command.commandLine().getOut());
    }
}
