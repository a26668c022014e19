package dev.coldpath.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code coldpath run}: a job described in a YAML file, with command-line overrides. */
@Command(name = "run", mixinStandardHelpOptions = true, modelTransformer = JobKeysHelp.class,
        description = "Run the scoring job described in a YAML job file (see conf/examples/).")
final class RunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Mixin
    JobFileArgs job;

    @Mixin
    RunnerOption runner;

    @Override
    public Integer call() {
        return JobRunner.run(job.spec(runner.toConfig()), job.schedule,
                command.commandLine().getOut());
    }
}
