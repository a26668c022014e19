package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.Device;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A validated scoring job: what to read, which model, how columns feed it, where predictions go. Built from a
 * {@link JobConfig} by {@link #from}, which applies the defaults and names the key of any invalid value.
 *
 * @param features    model input name (or {@link #SOLE_INPUT}) to its columns
 * @param keepColumns empty for the default (every input column that is not a feature)
 * @param threads     0 for the default (the task's cpus)
 * @param batchSize   rows per ONNX Runtime call; {@link #AUTO_BATCH_SIZE} lets the planner choose
 * @param sparkConf   Spark configuration keys and values, as given
 */
public record JobSpec(String name, String model, Optional<String> registry, String inputPath, boolean incremental,
                      String outputPath, PromotePolicy promote, List<String> outputColumns,
                      Optional<List<String>> keepColumns, String outputPrefix, int batchSize, int threads,
                      Device device, Map<String, List<String>> features, Optional<String> runId,
                      Optional<RunPeriod> period, BadRows badRows, Budget budget, Map<String, String> sparkConf) {
    /** The key of {@link #features} that maps the model's only input, whatever its name. */
    public static final String SOLE_INPUT = "";
    /** {@code inference.batch-size: auto}: the planner sizes batches from the model's inputs. */
    public static final int AUTO_BATCH_SIZE = 0;
    private static final Pattern SECRET = Pattern.compile("(?i).*(secret|password|passwd|token|credential"
            + "|access\\.key|account\\.key|session\\.key|signature).*");

    public JobSpec {
        requireNonNull(name, "name is null");
        requireNonNull(model, "model is null");
        requireNonNull(inputPath, "inputPath is null");
        requireNonNull(outputPath, "outputPath is null");
        requireNonNull(promote, "promote is null");
        runId.ifPresent(dev.coldpath.core.table.RunTable::checkRunId);
        outputColumns = List.copyOf(outputColumns);
        features = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(features));
        sparkConf = java.util.Collections.unmodifiableMap(new TreeMap<>(sparkConf));
    }

    /** Builds the spec, or throws naming the first missing or invalid key. */
    public static JobSpec from(JobConfig config) {
        String model = required(config, JobKey.MODEL);
        String name = Optional.ofNullable(config.string(JobKey.NAME.key())).orElseGet(() -> defaultName(model));
        Map<String, List<String>> features = new LinkedHashMap<>();
        if (config.has(JobKey.FEATURES.key())) {
            features.put(SOLE_INPUT, config.list(JobKey.FEATURES.key()));
        }
        config.withPrefix(JobKey.FEATURES.key()).keySet()
                .forEach(input -> features.put(input, config.list(JobKey.FEATURES.key() + "." + input)));
        Map<String, String> spark = new TreeMap<>();
        config.asMap().keySet().stream().filter(k -> k.startsWith(JobKey.SPARK.key() + "."))
                .forEach(k -> spark.put(k, config.string(k)));
        String date = config.string(JobKey.RUN_DATE.key());
        String hour = config.string(JobKey.RUN_HOUR.key());
        if (hour != null && date == null) {
            throw new JobSpecException("Invalid run.hour: " + hour + " needs run.date (--date) too");
        }
        return new JobSpec(
                name,
                model,
                Optional.ofNullable(config.string(JobKey.REGISTRY.key())),
                required(config, JobKey.INPUT_PATH),
                booleanValue(config, JobKey.INCREMENTAL),
                required(config, JobKey.OUTPUT_PATH),
                enumValue(config, JobKey.PROMOTE, PromotePolicy.class, PromotePolicy.ON_SUCCESS),
                Optional.ofNullable(config.list(JobKey.OUTPUT_COLUMNS.key())).orElse(List.of()),
                Optional.ofNullable(config.list(JobKey.KEEP_COLUMNS.key())),
                Optional.ofNullable(config.string(JobKey.OUTPUT_PREFIX.key())).orElse(""),
                "auto".equalsIgnoreCase(String.valueOf(config.string(JobKey.BATCH_SIZE.key())).strip())
                        ? AUTO_BATCH_SIZE : positiveInt(config, JobKey.BATCH_SIZE, AUTO_BATCH_SIZE, 1),
                positiveInt(config, JobKey.THREADS, 0, 0),
                enumValue(config, JobKey.DEVICE, Device.class, Device.CPU),
                features,
                Optional.ofNullable(config.string(JobKey.RUN_ID.key())),
                date == null ? Optional.empty() : Optional.of(RunPeriod.of(date, hour)),
                badRows(config),
                budget(config),
                spark);
    }

    private static String defaultName(String model) {
        if (dev.coldpath.core.registry.ModelReference.isReference(model)) {
            return model.substring(0, model.indexOf('@'));
        }
        String file = model.substring(model.lastIndexOf('/') + 1);
        return file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
    }

    private static String required(JobConfig config, JobKey key) {
        String value = config.string(key.key());
        if (value == null || value.isBlank()) {
            throw new JobSpecException("Missing " + key.key() + ": " + key.description());
        }
        return value;
    }

    private static int positiveInt(JobConfig config, JobKey key, int defaultValue, int min) {
        String text = config.string(key.key());
        if (text == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new JobSpecException("Invalid " + key.key() + ": " + text + " (must be an integer >= " + min + ")");
    }

    private static <E extends Enum<E>> E enumValue(JobConfig config, JobKey key, Class<E> type, E defaultValue) {
        String text = config.string(key.key());
        if (text == null) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new JobSpecException("Invalid " + key.key() + ": " + text + " (must be one of "
                    + java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString)
                    .map(s -> s.toLowerCase(Locale.ROOT)).toList() + ")");
        }
    }

    private static BadRows badRows(JobConfig config) {
        BadRows.Policy policy = enumValue(config, JobKey.BAD_ROWS_POLICY, BadRows.Policy.class, BadRows.Policy.FAIL);
        double maxFraction = doubleValue(config, JobKey.BAD_ROWS_MAX_FRACTION, BadRows.DEFAULT_MAX_FRACTION, 0, 1);
        String missing = Optional.ofNullable(config.string(JobKey.BAD_ROWS_MISSING.key())).orElse("reject").strip();
        if (!missing.equals("reject") && !missing.equals("impute")) {
            throw new JobSpecException("Invalid bad-rows.missing: " + missing + " (must be one of [reject, impute])");
        }
        double impute = doubleValue(config, JobKey.BAD_ROWS_IMPUTE_VALUE, 0, -Double.MAX_VALUE, Double.MAX_VALUE);
        return new BadRows(policy, maxFraction, missing.equals("impute"), impute);
    }

    private static Budget budget(JobConfig config) {
        String wall = config.string(JobKey.BUDGET_WALL_TIME.key());
        String p99 = config.string(JobKey.BUDGET_P99.key());
        String onBreach = Optional.ofNullable(config.string(JobKey.BUDGET_ON_BREACH.key())).orElse("fail").strip();
        if (!onBreach.equals("fail") && !onBreach.equals("warn")) {
            throw new JobSpecException("Invalid budget.on-breach: " + onBreach + " (must be one of [fail, warn])");
        }
        return new Budget(
                wall == null ? Optional.empty() : Optional.of(duration(JobKey.BUDGET_WALL_TIME, wall)),
                p99 == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(
                        doubleValue(config, JobKey.BUDGET_P99, 0, Double.MIN_VALUE, Double.MAX_VALUE)),
                config.has(JobKey.BUDGET_MIN_ROWS.key()) ? java.util.OptionalLong.of(
                        positiveInt(config, JobKey.BUDGET_MIN_ROWS, 0, 0)) : java.util.OptionalLong.empty(),
                onBreach.equals("warn"));
    }

    /** Parses 90s, 30m, 2h, 1d or an ISO-8601 duration (PT1H30M). */
    static java.time.Duration duration(JobKey key, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return java.time.Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            java.time.Duration d = switch (t.charAt(t.length() - 1)) {
                case 's' -> java.time.Duration.ofSeconds(n);
                case 'm' -> java.time.Duration.ofMinutes(n);
                case 'h' -> java.time.Duration.ofHours(n);
                case 'd' -> java.time.Duration.ofDays(n);
                default -> null;
            };
            if (d != null && !d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new JobSpecException("Invalid " + key.key() + ": " + text + " (must be a positive duration such as 90s,"
                + " 30m, 2h or PT1H30M)");
    }

    private static double doubleValue(JobConfig config, JobKey key, double defaultValue, double min, double max) {
        String text = config.string(key.key());
        if (text == null) {
            return defaultValue;
        }
        try {
            double value = Double.parseDouble(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new JobSpecException("Invalid " + key.key() + ": " + text + " (must be a number"
                + (min > -Double.MAX_VALUE ? " from " + (min == Double.MIN_VALUE ? "above 0" : min) : "")
                + (max < Double.MAX_VALUE ? " to " + max : "") + ")");
    }

    private static boolean booleanValue(JobConfig config, JobKey key) {
        String text = config.string(key.key());
        if (text == null) {
            return false;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new JobSpecException("Invalid " + key.key() + ": " + text + " (must be true or false)");
        };
    }

    /** The input path with the run's date and hour filled in. */
    public String resolvedInputPath() {
        if (period.isPresent()) {
            return period.get().expand(inputPath);
        }
        if (RunPeriod.isTemplate(inputPath)) {
            throw new JobSpecException("input.path " + inputPath + " is a template: give --date (and --hour), or"
                    + " run.date and run.hour");
        }
        return inputPath;
    }

    /** The run id: as given, else the run's period, else the start time in UTC. */
    public String effectiveRunId(java.time.Instant start) {
        return runId.or(() -> period.map(RunPeriod::id)).orElseGet(() -> java.time.format.DateTimeFormatter
                .ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC).format(start));
    }

    /** The same job for another period (a backfill step), with the run id that period implies. */
    public JobSpec forPeriod(RunPeriod other) {
        return new JobSpec(name, model, registry, inputPath, incremental, outputPath, promote, outputColumns,
                keepColumns, outputPrefix, batchSize, threads, device, features, Optional.empty(),
                Optional.of(other), badRows, budget, sparkConf);
    }

    /** Whether a configuration key holds a secret, whose value must never be printed or recorded. */
    public static boolean isSecretKey(String key) {
        return SECRET.matcher(key).matches();
    }

    /** The job as flat keys with secret values replaced, for manifests, reports and logs. */
    public Map<String, Object> redacted() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(JobKey.NAME.key(), name);
        out.put(JobKey.MODEL.key(), model);
        registry.ifPresent(r -> out.put(JobKey.REGISTRY.key(), r));
        out.put(JobKey.INPUT_PATH.key(), inputPath);
        out.put(JobKey.INCREMENTAL.key(), incremental);
        out.put(JobKey.OUTPUT_PATH.key(), outputPath);
        out.put(JobKey.PROMOTE.key(), promote.toString());
        runId.ifPresent(r -> out.put(JobKey.RUN_ID.key(), r));
        period.ifPresent(p -> {
            out.put(JobKey.RUN_DATE.key(), p.date().toString());
            p.hour().ifPresent(h -> out.put(JobKey.RUN_HOUR.key(), h));
        });
        out.put(JobKey.OUTPUT_COLUMNS.key(), outputColumns);
        keepColumns.ifPresent(k -> out.put(JobKey.KEEP_COLUMNS.key(), k));
        out.put(JobKey.OUTPUT_PREFIX.key(), outputPrefix);
        out.put(JobKey.BATCH_SIZE.key(), batchSize);
        out.put(JobKey.THREADS.key(), threads);
        out.put(JobKey.DEVICE.key(), device.toString());
        out.put(JobKey.BAD_ROWS_POLICY.key(), badRows.policy().toString());
        out.put(JobKey.BAD_ROWS_MAX_FRACTION.key(), badRows.maxFraction());
        out.put(JobKey.BAD_ROWS_MISSING.key(), badRows.imputeMissing() ? "impute" : "reject");
        if (badRows.imputeMissing()) {
            out.put(JobKey.BAD_ROWS_IMPUTE_VALUE.key(), badRows.imputeValue());
        }
        budget.maxWallTime().ifPresent(d -> out.put(JobKey.BUDGET_WALL_TIME.key(), d.toString()));
        budget.p99BatchMs().ifPresent(p -> out.put(JobKey.BUDGET_P99.key(), p));
        budget.minRows().ifPresent(n -> out.put(JobKey.BUDGET_MIN_ROWS.key(), n));
        out.put(JobKey.BUDGET_ON_BREACH.key(), budget.warnOnly() ? "warn" : "fail");
        features.forEach((input, cols) -> out.put(input.isEmpty() ? JobKey.FEATURES.key()
                : JobKey.FEATURES.key() + "." + input, cols));
        sparkConf.forEach((k, v) -> out.put(k, isSecretKey(k) ? "<redacted>" : v));
        return out;
    }
}
