package dev.coldpath.cli;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobKey;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.OutputFormat;
import dev.coldpath.core.spec.Role;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
            description = "The ONNX model: a file path or URI, a model folder holding model.onnx (and"
                    + " tokenizer.json for a text model), or a registry reference such as churn@1.4.0 or"
                    + " churn@latest. Repeat it, each followed by --role, to score several models in one pass"
                    + " (docs/models.md).")
    List<String> models;

    @Option(names = "--role", paramLabel = "ROLE",
            description = "The role of the --model before it: champion (its predictions are published), shadow"
                    + " (scored and compared, kept in _shadow/<name>/) or canary (published for the keys"
                    + " routing.key and routing.canary-percent route to it, set with --set). The models are named"
                    + " by their roles: champion, canary, shadow, shadow2, ...")
    List<String> roles = new ArrayList<>();

    @Mixin
    ModelsCommand.RegistryOptions registry;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--input", required = true, paramLabel = "PATH",
                description = "The Parquet file or directory to score. Give this or --input-table.")
        String path;

        @Option(names = "--input-table", required = true, paramLabel = "CATALOG.DB.TABLE",
                description = "Score this Iceberg table instead (input.table): its current snapshot, or with"
                        + " --incremental (and --output-table) only the rows appended since the snapshot the output"
                        + " table's last run read. Its catalog is found as --output-table's is"
                        + " (docs/iceberg.md).")
        String table;
    }

    @Option(names = "--output", paramLabel = "TABLE",
            description = "The prediction table's root directory; the run is written to its own directory inside"
                    + " it (run=R@V). Give this or --output-table.")
    String output;

    @Option(names = "--output-table", paramLabel = "CATALOG.DB.TABLE",
            description = "Commit the run to this Iceberg table instead (output.format: iceberg, output.table), as"
                    + " one snapshot tagged run-<id>; created on the first run. Its catalog is Spark's"
                    + " spark.sql.catalog.<catalog> (--conf), or with --warehouse the embedded Hadoop catalog"
                    + " named coldpath, e.g. coldpath.nightly.wine (docs/iceberg.md).")
    String outputTable;

    @Option(names = "--warehouse", paramLabel = "PATH",
            description = "The embedded Iceberg catalog's warehouse directory or URI (output.warehouse; with"
                    + " --input-table and --output, input.warehouse).")
    String warehouse;

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

    @Option(names = "--text-column", paramLabel = "COL",
            description = "For a text model: the string column tokenized into its input_ids with the tokenizer.json"
                    + " beside the model (text.column). Writes an embedding column, array<float>, for an embedding"
                    + " model.")
    String textColumn;

    @Option(names = "--pooling", paramLabel = "HOW",
            description = "How a text model's token vectors become the embedding (text.pooling): cls, mean or max"
                    + " over the text's tokens, or none to write the model's outputs as they are (default: mean when"
                    + " the model has a sequence output).")
    String pooling;

    @Option(names = "--normalize", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
            description = "Divide each embedding by its L2 norm (text.normalize; default: false).")
    String normalize;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Truncate texts to N tokens, special tokens included (text.max-length; default: the"
                    + " tokenizer's, else 512).")
    Integer maxLength;

    @Option(names = "--image-column", paramLabel = "COL",
            description = "A binary column of encoded images (PNG, JPEG, BMP, GIF, WebP, TIFF) feeding the model's"
                    + " image input [N,C,H,W] or [N,H,W,C]: decoded, resized and normalised as the image.* keys say"
                    + " (--set image.scale=1/255, ...; docs/models.md, Image models).")
    String imageColumn;

    @Option(names = "--image-size", split = ",", paramLabel = "N",
            description = "The height and width images are resized to, e.g. --image-size 224,224 (default: the"
                    + " model input's, when fixed).")
    List<String> imageSize;

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
            description = "Intra-op threads per session (default: the task's cpus; on the local runner, the"
                    + " master's CPUs, N of local[N], over its workers).")
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

    @Mixin
    RunnerOption runner;

    @Override
    public Integer call() {
        Map<String, Object> flat = new LinkedHashMap<>();
        putModels(flat);
        if (registry.root != null) {
            flat.put(JobKey.REGISTRY.key(), registry.root);
        }
        if (input.path != null) {
            flat.put(JobKey.INPUT_PATH.key(), input.path);
        } else {
            flat.put(JobKey.INPUT_TABLE.key(), input.table);
        }
        if ((output == null) == (outputTable == null)) {
            throw new JobSpecException("Give exactly one of --output (a Parquet prediction table's directory) and"
                    + " --output-table (an Iceberg table)");
        }
        if (output != null) {
            flat.put(JobKey.OUTPUT_PATH.key(), output);
        } else {
            flat.put(JobKey.OUTPUT_FORMAT.key(), OutputFormat.ICEBERG.toString());
            flat.put(JobKey.OUTPUT_TABLE.key(), outputTable);
        }
        if (warehouse != null && outputTable == null && input.table == null) { // input.warehouse's message misleads
            throw new JobSpecException("--warehouse is the embedded Iceberg catalog's warehouse, for --output-table"
                    + " or --input-table, and neither is given: remove --warehouse, or name an Iceberg table");
        }
        if (warehouse != null) { // an Iceberg input shares the output's catalog; with a Parquet output it is its own
            flat.put(outputTable != null ? JobKey.OUTPUT_WAREHOUSE.key() : JobKey.INPUT_WAREHOUSE.key(), warehouse);
        }
        if (features != null) {
            flat.put(JobKey.FEATURES.key(), features.columns != null ? features.columns : List.of(features.column));
        }
        if (imageColumn != null) {
            flat.put(JobKey.IMAGE_COLUMN.key(), imageColumn);
        }
        if (imageSize != null) {
            flat.put(JobKey.IMAGE_SIZE.key(), imageSize);
        }
        if (keepColumns != null) {
            flat.put(JobKey.KEEP_COLUMNS.key(), keepColumns);
        }
        if (textColumn != null) {
            flat.put(JobKey.TEXT_COLUMN.key(), textColumn);
        }
        if (pooling != null) {
            flat.put(JobKey.TEXT_POOLING.key(), pooling);
        }
        if (normalize != null) {
            flat.put(JobKey.TEXT_NORMALIZE.key(), normalize);
        }
        if (maxLength != null) {
            flat.put(JobKey.TEXT_MAX_LENGTH.key(), maxLength.toString());
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
                .overriddenBy(spark.toConfig())
                .overriddenBy(runner.toConfig());
        return JobRunner.run(JobSpec.from(config), schedule,
                command.commandLine().getOut());
    }

    private static Role role(String value) {
        for (Role role : Role.values()) {
            if (role.toString().equals(value.toLowerCase(Locale.ROOT))) {
                return role;
            }
        }
        throw new JobSpecException("Invalid --role: " + value + " (must be one of champion, shadow, canary)");
    }

    /** One --model alone is the job's model; several, each with its --role, are its {@code models} entries. */
    private void putModels(Map<String, Object> flat) {
        if (models.size() == 1 && roles.isEmpty()) {
            flat.put(JobKey.MODEL.key(), models.get(0));
            return;
        }
        if (roles.size() != models.size()) {
            throw new JobSpecException("Invalid --role: " + models.size() + " --model but " + roles.size()
                    + " --role (give each --model its --role, e.g. --model a.onnx --role champion --model b.onnx"
                    + " --role shadow)");
        }
        Map<Role, Integer> seen = new EnumMap<>(Role.class);
        for (int i = 0; i < models.size(); i++) {
            Role role = role(roles.get(i));
            int n = seen.merge(role, 1, Integer::sum);
            String name = role.name().toLowerCase(Locale.ROOT) + (n == 1 ? "" : Integer.toString(n));
            flat.put(JobKey.BINDING_MODEL.keyFor(name), models.get(i));
            flat.put(JobKey.BINDING_ROLE.keyFor(name), role.name().toLowerCase(Locale.ROOT));
        }
    }
}
