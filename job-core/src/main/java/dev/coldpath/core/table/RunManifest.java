package dev.coldpath.core.table;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.coldpath.core.compare.ComparisonSummary;
import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.metrics.OutputSummary;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.metrics.Stage;
import dev.coldpath.core.metrics.StageSummary;
import dev.coldpath.core.metrics.ThroughputPoint;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a committed run did, stored as {@code _manifest.json} in the run's directory (docs/tables.md describes
 * every field): format 2, typed records written and read by {@link TableJson}'s one mapper. Written before the
 * run becomes visible, so every visible run has one. The run's report and the CLI's {@code --metrics-file} are
 * projections of it. Manifests of format 1 are read by {@link #read}, through {@link RunManifestV1}.
 *
 * @param models      one entry per model binding (the champion first), each with its own metrics
 * @param metrics     the whole run's metrics: every stage, every prediction column
 * @param legacy      what a manifest of format 1 held that format 2 has no field for; null otherwise
 * @param comparisons each model that is not the champion compared with it over the same rows (docs/models.md);
 *                    empty for a run of one model and in manifests written before coldpath ran several
 * @param drift       the published predictions against the table's previous run (docs/models.md); null for the
 *                    first run of a table (or period) and in manifests written before coldpath measured it
 * @param runner      which runner scored the run and why; null in manifests written before the local runner
 */
public record RunManifest(
        int formatVersion,
        String runId,
        String coldpathVersion,
        String dataPath,
        Input input,
        Rows rows,
        String startedAt,
        String endedAt,
        long wallMs,
        Map<String, Object> job,
        Spark spark,
        Sessions sessions,
        List<ModelRun> models,
        Metrics metrics,
        Legacy legacy,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ComparisonSummary> comparisons,
        RunDrift drift,
        @JsonInclude(JsonInclude.Include.NON_NULL) Runner runner) {
    public static final int FORMAT_VERSION = 2;

    public RunManifest {
        requireNonNull(runId, "runId is null");
        job = job == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(job));
        models = models == null ? List.of() : List.copyOf(models);
        metrics = metrics == null ? Metrics.NONE : metrics;
        comparisons = comparisons == null ? List.of() : List.copyOf(comparisons);
    }

    /** A run that does not say which runner scored it (written before coldpath had a second one). */
    public RunManifest(int formatVersion, String runId, String coldpathVersion, String dataPath, Input input,
                       Rows rows, String startedAt, String endedAt, long wallMs, Map<String, Object> job, Spark spark,
                       Sessions sessions, List<ModelRun> models, Metrics metrics, Legacy legacy,
                       List<ComparisonSummary> comparisons, RunDrift drift) {
        this(formatVersion, runId, coldpathVersion, dataPath, input, rows, startedAt, endedAt, wallMs, job, spark,
                sessions, models, metrics, legacy, comparisons, drift, null);
    }

    /** A run without a drift measurement. */
    public RunManifest(int formatVersion, String runId, String coldpathVersion, String dataPath, Input input,
                       Rows rows, String startedAt, String endedAt, long wallMs, Map<String, Object> job, Spark spark,
                       Sessions sessions, List<ModelRun> models, Metrics metrics, Legacy legacy,
                       List<ComparisonSummary> comparisons) {
        this(formatVersion, runId, coldpathVersion, dataPath, input, rows, startedAt, endedAt, wallMs, job, spark,
                sessions, models, metrics, legacy, comparisons, null);
    }

    /** A run of one model: no comparisons. */
    public RunManifest(int formatVersion, String runId, String coldpathVersion, String dataPath, Input input,
                       Rows rows, String startedAt, String endedAt, long wallMs, Map<String, Object> job, Spark spark,
                       Sessions sessions, List<ModelRun> models, Metrics metrics, Legacy legacy) {
        this(formatVersion, runId, coldpathVersion, dataPath, input, rows, startedAt, endedAt, wallMs, job, spark,
                sessions, models, metrics, legacy, List.of());
    }

    /** Reads a manifest of any format; one of format 1 is upgraded ({@link RunManifestV1#upgrade}). */
    public static RunManifest read(byte[] json, String path) {
        return TableJson.readManifest(json, path);
    }

    /** The run's model: the first binding's (the champion's), or null in a manifest that names none. */
    @JsonIgnore
    public ModelRun model() {
        return models.isEmpty() ? null : models.get(0);
    }

    /**
     * The logical period the run scored ({@code 2026-11-28}, or {@code 2026-11-28T13} for an hour), from its job's
     * {@code run.date} and {@code run.hour}; empty for a run without one. The table keeps one current run per
     * period (docs/tables.md).
     */
    @JsonIgnore
    public Optional<String> period() {
        Object date = job.get("run.date");
        if (date == null) {
            return Optional.empty();
        }
        Object hour = job.get("run.hour");
        if (hour == null) {
            return Optional.of(date.toString());
        }
        try { // as RunPeriod names an hour
            return Optional.of(date + "T" + String.format(Locale.ROOT, "%02d",
                    Integer.parseInt(hour.toString())));
        } catch (NumberFormatException e) {
            return Optional.of(date + "T" + hour);
        }
    }

    /** Every prediction column the run wrote, model by model. */
    @JsonIgnore
    public List<OutputColumn> outputColumns() {
        return models.stream().flatMap(m -> m.outputColumns().stream()).toList();
    }

    /** The same run under another id and data path (a staged copy committed under another name). */
    public RunManifest withRun(String otherRunId, String otherDataPath) {
        return new RunManifest(formatVersion, otherRunId, coldpathVersion, otherDataPath, input, rows, startedAt,
                endedAt, wallMs, job, spark, sessions, models, metrics, legacy, comparisons, drift, runner);
    }

    /** The same run with its drift against the previous run. */
    public RunManifest withDrift(RunDrift measured) {
        return new RunManifest(formatVersion, runId, coldpathVersion, dataPath, input, rows, startedAt, endedAt,
                wallMs, job, spark, sessions, models, metrics, legacy, comparisons, measured, runner);
    }

    /** The same run with the runner that scored it and why that one. */
    public RunManifest withRunner(Runner scoredBy) {
        return new RunManifest(formatVersion, runId, coldpathVersion, dataPath, input, rows, startedAt, endedAt,
                wallMs, job, spark, sessions, models, metrics, legacy, comparisons, drift, scoredBy);
    }

    /**
     * One model binding of the run: which model (registry name and version, "" for a plain file; the exact
     * bytes' sha256), its role, the prediction columns it wrote, and its own metrics.
     *
     * @param role     {@value #PRIMARY} for a job's only model; else the binding's role: champion, shadow or canary
     * @param binding  the binding's name in the job's {@code models}; null for a job's only model
     * @param dataPath where a shadow's rows are, relative to the run ({@code _shadow/<binding>}); null for the
     *                 models whose rows the run publishes
     * @param quantization   the model's quantization operators and what they mean
     *                       ({@link dev.coldpath.core.model.ModelQuantization#describe}); null for a float model
     *                       and in manifests written before coldpath detected it
     * @param batchDependent true for a dynamically quantized model, whose outputs depend on which rows share a
     *                       batch; null where {@code quantization} is
     */
    public record ModelRun(String role, String name, String version, String sha256, String location, long sizeBytes,
                           Map<String, String> metadata, String outputPrefix, List<OutputColumn> outputColumns,
                           ModelMetrics metrics, String binding, String dataPath,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String quantization,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Boolean batchDependent) {
        /** The role of a job's only model. */
        public static final String PRIMARY = "primary";

        public ModelRun {
            metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
            outputColumns = outputColumns == null ? List.of() : List.copyOf(outputColumns);
            metrics = metrics == null ? ModelMetrics.NONE : metrics;
        }

        /** A job's only model. */
        public ModelRun(String role, String name, String version, String sha256, String location, long sizeBytes,
                        Map<String, String> metadata, String outputPrefix, List<OutputColumn> outputColumns,
                        ModelMetrics metrics) {
            this(role, name, version, sha256, location, sizeBytes, metadata, outputPrefix, outputColumns, metrics,
                    null, null);
        }

        /** A binding of a float model, or one in a manifest written before coldpath detected quantization. */
        public ModelRun(String role, String name, String version, String sha256, String location, long sizeBytes,
                        Map<String, String> metadata, String outputPrefix, List<OutputColumn> outputColumns,
                        ModelMetrics metrics, String binding, String dataPath) {
            this(role, name, version, sha256, location, sizeBytes, metadata, outputPrefix, outputColumns, metrics,
                    binding, dataPath, null, null);
        }

        /** True when the model's outputs depend on which rows share a batch (a dynamically quantized model). */
        public boolean dependsOnBatch() {
            return Boolean.TRUE.equals(batchDependent);
        }
    }

    /**
     * What one model binding measured: its share of the stages (tensor, inference, decode), the distributions
     * of its prediction columns, and how long its sessions took to open.
     */
    public record ModelMetrics(long batches, Map<String, StageSummary> stages, Map<String, OutputSummary> outputs,
                               List<Double> sessionLoadMs) {
        public static final ModelMetrics NONE = new ModelMetrics(0, Map.of(), Map.of(), List.of());
        private static final List<Stage> MODEL_STAGES = List.of(Stage.TENSOR, Stage.INFERENCE, Stage.DECODE);

        public ModelMetrics {
            stages = ordered(stages);
            outputs = ordered(outputs);
            sessionLoadMs = sessionLoadMs == null ? List.of() : List.copyOf(sessionLoadMs);
        }

        /** The binding's metrics from what its tasks recorded. */
        public static ModelMetrics of(RunMetrics measured) {
            Map<String, StageSummary> stages = new LinkedHashMap<>();
            MODEL_STAGES.forEach(s -> stages.put(s.key(), measured.stageSummary(s)));
            return new ModelMetrics(measured.batches(), stages, measured.outputSummaries(),
                    measured.sessionLoadMs());
        }
    }

    /**
     * The whole run's metrics (docs/operations.md describes every field). {@code batches} and
     * {@code rowsPerSecond} are null only in a manifest of format 1 made before coldpath recorded them.
     *
     * @param quarantinePath the run's quarantine, relative to the run directory; null when nothing was quarantined
     */
    public record Metrics(Long batches, Double rowsPerSecond, Map<String, StageSummary> stages,
                          List<ThroughputPoint> throughput, Map<String, OutputSummary> outputs,
                          List<Double> sessionLoadMs,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> budgetWarnings,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> deviceFallbacks,
                          String quarantinePath, Text text) {
        public static final Metrics NONE = new Metrics(null, null, Map.of(), List.of(), Map.of(), List.of(), List.of(),
                List.of(), null, null);

        /** The metrics of a run that read no text. */
        public Metrics(Long batches, Double rowsPerSecond, Map<String, StageSummary> stages,
                       List<ThroughputPoint> throughput, Map<String, OutputSummary> outputs, List<Double> sessionLoadMs,
                       List<String> budgetWarnings, List<String> deviceFallbacks, String quarantinePath) {
            this(batches, rowsPerSecond, stages, throughput, outputs, sessionLoadMs, budgetWarnings, deviceFallbacks,
                    quarantinePath, null);
        }

        public Metrics {
            stages = ordered(stages);
            throughput = throughput == null ? List.of() : List.copyOf(throughput);
            outputs = ordered(outputs);
            sessionLoadMs = sessionLoadMs == null ? List.of() : List.copyOf(sessionLoadMs);
            budgetWarnings = budgetWarnings == null ? List.of() : List.copyOf(budgetWarnings);
            deviceFallbacks = deviceFallbacks == null ? List.of() : List.copyOf(deviceFallbacks);
        }

        /** The run's metrics from what its tasks recorded, over {@code wallSeconds} of wall time. */
        public static Metrics of(RunMetrics measured, double wallSeconds, List<String> budgetWarnings,
                                 List<String> deviceFallbacks, String quarantinePath) {
            Map<String, StageSummary> stages = new LinkedHashMap<>();
            for (Stage stage : Stage.values()) {
                if (!stage.optional() || measured.timed(stage)) {
                    stages.put(stage.key(), measured.stageSummary(stage));
                }
            }
            Text text = measured.textRows() == 0 ? null : new Text(measured.textRows(), measured.tokens(),
                    measured.paddedTokens(), measured.truncatedRows(),
                    wallSeconds > 0 ? Math.round(measured.tokens() / wallSeconds) : 0);
            return new Metrics(measured.batches(), measured.rowsPerSecond(wallSeconds), stages, measured.throughput(),
                    measured.outputSummaries(), measured.sessionLoadMs(), budgetWarnings, deviceFallbacks,
                    quarantinePath, text);
        }
    }

    /**
     * A text model's run ({@code text.column}): texts scored, tokens fed (padding left out), token positions fed
     * (padding included: length bucketing keeps it near {@code tokens}), texts truncated at {@code text.max-length},
     * and tokens per second of wall time. Absent from runs that read no text.
     */
    public record Text(long rows, long tokens, long paddedTokens, long truncatedRows, long tokensPerSecond) {
    }

    /**
     * What a manifest of format 1 held that format 2 has no field for, kept so that its report hides nothing:
     * metrics under names format 2 does not know, prediction summaries of a kind it does not know, and the
     * parts of its metrics that were not in the shape format 1 wrote (named, with why).
     */
    public record Legacy(Map<String, Object> otherMetrics, Map<String, Object> otherOutputs, List<String> unreadable) {
        public Legacy {
            otherMetrics = ordered(otherMetrics);
            otherOutputs = ordered(otherOutputs);
            unreadable = unreadable == null ? List.of() : List.copyOf(unreadable);
        }
    }

    /** What was read: the input path, the partitions read (for incremental runs) and every data file. */
    /**
     * What the run read. {@code files} are the data files read; with {@code input.bad-files: skip},
     * {@code skippedFiles} are those left out because they cannot be read as Parquet, and {@code unreadRows}
     * counts the rows that the footers of the files read promised but that were not read (a file damaged past its
     * footer, or gone after it was listed, whose rest Spark skipped). Both are left out of the JSON when there are
     * none, as in manifests written before coldpath could skip files.
     */
    public record Input(String path, List<String> partitions, List<InputFile> files, long totalBytes,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SkippedFile> skippedFiles,
                        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long unreadRows) {
        public Input {
            skippedFiles = skippedFiles == null ? List.of() : List.copyOf(skippedFiles);
        }

        /** An input of which every file was read. */
        public Input(String path, List<String> partitions, List<InputFile> files, long totalBytes) {
            this(path, partitions, files, totalBytes, List.of(), 0);
        }
    }

    /** An input file left out of the run ({@code input.bad-files: skip}), and why. */
    public record SkippedFile(String path, long sizeBytes, String reason) {
    }

    public record InputFile(String path, long sizeBytes, String modifiedAt) {
    }

    public record Rows(long read, long written, long rejected) {
    }

    /**
     * The engine that scored the run: {@code spark} or {@code local} (docs/operations.md, Runner), and why that one
     * ({@code runner: auto} decides). Null in manifests written before coldpath had the local runner: those ran on
     * Spark.
     */
    public record Runner(String name, String reason) {
        public Runner {
            requireNonNull(name, "name is null");
            requireNonNull(reason, "reason is null");
        }
    }

    public record Spark(String applicationId, String master) {
    }

    public record Sessions(long created, List<String> owners, long loadMs) {
    }

    public record OutputColumn(String name, String type) {
    }

    private static <V> Map<String, V> ordered(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
