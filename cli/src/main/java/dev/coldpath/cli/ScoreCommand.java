package dev.coldpath.cli;

import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobKey;
import dev.coldpath.core.spec.JobSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coldpath score}: one-off scoring with every setting on the command line. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score a Parquet file or directory with an ONNX model and commit the predictions as a new run"
                + " of a prediction table.",
        sortOptions = false)
final class ScoreCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "The ONNX model: a file path or URI, or a registry reference such as churn@1.4.0 or"
                    + " churn@latest.")
    String model;

    @Mixin
    ModelsCommand.RegistryOptions registry;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "The Parquet file or directory to score.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "TABLE",
            description = "The prediction table's root directory; the run is written to its own directory inside"
                    + " it (run=R@V).")
    String output;

    @ArgGroup(exclusive = true)
    Features features;

    static final class Features {
        @Option(names = "--input-columns", split = ",", paramLabel = "COL",
                description = "Scalar columns feeding the model's only input [N, K], in order (comma-separated).")
        List<String> columns;

        @Option(names = "--input-column", paramLabel = "COL",
                description = "One array column (or, for an input [N] or [N, 1], one scalar column) feeding the"
                        + " model's only input.")
        String column;
    }

    @Option(names = "--keep-columns", split = ",", paramLabel = "COL",
            description = "Input columns copied beside the predictions (default: every column that is not a"
                    + " feature).")
    List<String> keepColumns;

    @Option(names = "--outputs", split = ",", paramLabel = "NAME",
            description = "Model outputs to write (default: all).")
    List<String> outputs;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Rows per ONNX Runtime call (default: as many as fit 8 MiB of input tensors, at most 1024).")
    Integer batchSize;

    @Option(names = "--threads", paramLabel = "N",
            description = "Intra-op threads per session (default: the task's cpus).")
    Integer threads;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any other job key (repeatable), as 'coldpath run --set' takes it, e.g."
                    + " --set bad-rows.policy=quarantine or --set budget.max-wall-time=30m; wins over the flags"
                    + " above. docs/job-keys.md lists every key.")
    List<String> overrides = new ArrayList<>();

    @Mixin
    ScheduleOptions schedule;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put(JobKey.MODEL.key(), model);
        if (registry.root != null) {
            flat.put(JobKey.REGISTRY.key(), registry.root);
        }
        flat.put(JobKey.INPUT_PATH.key(), input);
        flat.put(JobKey.OUTPUT_PATH.key(), output);
        if (features != null) {
            flat.put(JobKey.FEATURES.key(), features.columns != null ? features.columns : List.of(features.column));
        }
        if (keepColumns != null) {
            flat.put(JobKey.KEEP_COLUMNS.key(), keepColumns);
        }
        if (outputs != null) {
            flat.put(JobKey.OUTPUT_COLUMNS.key(), outputs);
        }
        if (batchSize != null) {
            flat.put(JobKey.BATCH_SIZE.key(), batchSize.toString());
        }
        if (threads != null) {
            flat.put(JobKey.THREADS.key(), threads.toString());
        }
        JobConfig config = JobConfig.of(flat, "the command line")
                .overriddenBy(JobConfig.parseAssignments(overrides, "--set"))
                .overriddenBy(schedule.toConfig())
                .overriddenBy(spark.toConfig());
        return JobRunner.run(JobSpec.from(config), schedule,
                command.commandLine().getOut());
    }
}
