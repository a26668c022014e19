package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A validated scoring job, in sections: what to read ({@link InputSpec}), the models, their roles and how columns
 * feed them ({@link BindingSpec}, {@link ModelSpec}), which rows a canary publishes ({@link RoutingSpec}), where
 * predictions go ({@link OutputSpec}), which run it makes
 * ({@link RunSpec}), how sessions score ({@link InferenceSpec}), what happens to bad rows ({@link BadRows}), the
 * limits it must keep ({@link Budget}), what executors keep between tasks ({@link ExecutorSpec}), and Spark's
 * own configuration. Built from a {@link JobConfig} by {@link #from}, which applies the defaults and names the
 * key of any invalid value. Every key is a {@link JobKey}.
 *
 * @param sparkConf Spark configuration keys and values, as given
 */
public record JobSpec(String name, InputSpec input, List<BindingSpec> models, RoutingSpec routing,
                      OutputSpec output, RunSpec run, InferenceSpec inference, BadRows badRows, Budget budget,
                      ExecutorSpec executor, RunnerSpec runner, Map<String, String> sparkConf) {
    /** What replaces a secret value wherever the job is shown. */
    public static final String REDACTED = "<redacted>";
    private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern SECRET = Pattern.compile("(?i).*(secret|password|passwd|token(?!izer)|credential"
            + "|access\\.key|account\\.key|session\\.key|signature).*");

    public JobSpec {
        requireNonNull(name, "name is null");
        requireNonNull(input, "input is null");
        models = List.copyOf(models);
        requireNonNull(routing, "routing is null");
        BindingSpec.checkRoles(models, routing);
        requireNonNull(output, "output is null");
        requireNonNull(run, "run is null");
        requireNonNull(inference, "inference is null");
        requireNonNull(badRows, "badRows is null");
        requireNonNull(budget, "budget is null");
        requireNonNull(executor, "executor is null");
        requireNonNull(runner, "runner is null");
        sparkConf = Collections.unmodifiableMap(new TreeMap<>(sparkConf));
    }

    /** Builds the spec, or throws naming the first missing or invalid key. */
    public static JobSpec from(JobConfig config) {
        List<BindingSpec> models = BindingSpec.from(config);
        RoutingSpec routing = RoutingSpec.from(config);
        BindingSpec.checkRoles(models, routing);
        ModelSpec model = champion(models).model();
        Map<String, String> spark = new TreeMap<>();
        config.prefixed(JobKey.SPARK).forEach((key, value) -> spark.put(JobKey.SPARK.key() + "." + key, value));
        InputSpec input = InputSpec.from(config);
        input.checkCombinations();
        OutputSpec output = OutputSpec.from(config);
        checkIcebergInput(input, output);
        return new JobSpec(
                config.find(JobKey.NAME).orElseGet(model::defaultName),
                input,
                models,
                routing,
                output,
                RunSpec.from(config),
                InferenceSpec.from(config),
                BadRows.from(config),
                Budget.from(config),
                ExecutorSpec.from(config),
                RunnerSpec.from(config),
                spark);
    }

    /**
     * An incremental Iceberg input records what it read in the output's Iceberg snapshots, and one Spark session has
     * one embedded catalog: the input's and the output's warehouses must agree.
     */
    private static void checkIcebergInput(InputSpec input, OutputSpec output) {
        if (input.table().isEmpty()) {
            return;
        }
        if (input.incremental() && output.iceberg().isEmpty()) {
            throw new JobSpecException("input.incremental: true with input.table needs output.format: iceberg: a run"
                    + " records the input snapshot it read in its Iceberg snapshot's summary (docs/iceberg.md); with"
                    + " a Parquet run table, score the whole table (input.incremental: false)");
        }
        Optional<String> in = input.table().get().warehouse();
        Optional<String> out = output.iceberg().flatMap(IcebergOutput::warehouse);
        if (in.isPresent() && out.isPresent() && !in.equals(out)) {
            throw new JobSpecException("input.warehouse " + in.get() + " differs from output.warehouse " + out.get()
                    + ": one Spark session has one embedded catalog " + IcebergOutput.EMBEDDED_CATALOG + ", so keep"
                    + " both tables in one warehouse (remove input.warehouse), or configure another catalog with"
                    + " spark.sql.catalog.<name>.* keys");
        }
    }

    /** The warehouse of the input table's embedded catalog: {@code input.warehouse}, else {@code output.warehouse}. */
    public Optional<String> inputWarehouse() {
        return input.table().flatMap(IcebergInput::warehouse)
                .or(() -> output.iceberg().flatMap(IcebergOutput::warehouse));
    }

    /** The champion's model: the one model of a one-model job. */
    public ModelSpec model() {
        return champion().model();
    }

    /** The binding whose predictions the run publishes. */
    public BindingSpec champion() {
        return champion(models);
    }

    private static BindingSpec champion(List<BindingSpec> models) {
        return models.stream().filter(b -> b.role() == Role.CHAMPION).findFirst().orElseThrow();
    }

    /** The input path with the run's date and hour filled in; for an Iceberg table input, the table's name. */
    public String resolvedInputPath() {
        if (input.table().isPresent()) {
            return input.table().get().table();
        }
        String path = input.path();
        if (run.period().isPresent()) {
            return run.period().get().expand(path);
        }
        if (RunPeriod.isTemplate(path)) {
            throw new JobSpecException("input.path " + path + " is a template: give --date (and --hour), or"
                    + " run.date and run.hour");
        }
        return path;
    }

    /**
     * The run id: as given, else the run's period, else the start time in UTC to the millisecond and eight random
     * hex digits ({@code 20261128T153200.123Z-3fa7b2c1}), so that runs started at the same moment do not share an
     * id (and if two ever did, the second commit would fail instead of replacing the first: see RunTable).
     */
    public String effectiveRunId(Instant start) {
        return run.id().or(() -> run.period().map(RunPeriod::id)).orElseGet(() -> START_TIME.format(start) + "-"
                + UUID.randomUUID().toString().substring(0, 8));
    }

    /** The same job for another period (a backfill step), with the run id that period implies. */
    public JobSpec forPeriod(RunPeriod other) {
        return new JobSpec(name, input, models, routing, output, new RunSpec(Optional.empty(), Optional.of(other)),
                inference, badRows, budget, executor, runner, sparkConf);
    }

    /** The same job on another runner (the {@code --runner} flag). */
    public JobSpec withRunner(Runner other) {
        return new JobSpec(name, input, models, routing, output, run, inference, badRows, budget, executor,
                runner.with(other), sparkConf);
    }

    /** Whether a configuration key holds a secret, whose value must never be printed or recorded. */
    public static boolean isSecretKey(String key) {
        return SECRET.matcher(key).matches();
    }

    /**
     * The job as flat keys, every key that has a value (set or default) in {@link JobKey#all()}'s order, with
     * secret values replaced: for manifests, reports and logs.
     */
    public Map<String, Object> redacted() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (JobKey<?> key : JobKey.all()) {
            key.show(this, out);
        }
        return out;
    }
}
