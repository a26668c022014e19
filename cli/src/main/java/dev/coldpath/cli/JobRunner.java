package dev.coldpath.cli;

import dev.coldpath.core.compare.ComparisonSummary;
import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.metrics.Stage;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.spec.BindingSpec;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.RunPeriod;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.spec.Runner;
import dev.coldpath.spark.JobPreflight;
import dev.coldpath.spark.LocalScoringJob;
import dev.coldpath.spark.ResolvedInference;
import dev.coldpath.spark.RunResult;
import dev.coldpath.spark.RunnerChoice;
import dev.coldpath.spark.SparkScoringJob;
import dev.coldpath.spark.SparkSessions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a validated job, or a backfill of it, on the runner {@link RunnerChoice} picks for each run (Spark, or the
 * local runner without a SparkSession) and prints a summary per run.
 */
final class JobRunner {
    private JobRunner() {
    }

    static int run(JobSpec spec, ScheduleOptions schedule, PrintWriter out) {
        Optional<List<RunPeriod>> backfill = schedule.backfill();
        JobSpec first = backfill.map(periods -> spec.forPeriod(periods.get(0))).orElse(spec);
        Optional<JobPreflight.Checked> checked = preflight(first, schedule.skipMissing && backfill.isPresent());
        ProgressDisplay display = ProgressDisplay.forConsole();
        Runners runners = new Runners(spec, display);
        try {
            return runAll(spec, schedule, display,
                    s -> runners.run(s, s.equals(first) ? checked : Optional.empty()), out);
        } finally {
            runners.stop();
        }
    }

    /**
     * The runners of a job's runs, each started when a run first takes it: {@link RunnerChoice} picks the runner
     * of each run (each period of a backfill, from that period's preflight), so a backfill may use both.
     */
    private static final class Runners {
        private final JobSpec spec;
        private final ProgressDisplay display;
        /** A SparkSession was there when the Spark runner was first needed (asked then: local runs load none). */
        private boolean embedded;
        private LocalScoringJob local;
        private SparkSession spark;
        private SparkScoringJob onSpark;

        Runners(JobSpec spec, ProgressDisplay display) {
            this.spec = spec;
            this.display = display;
        }

        /** Runs {@code run} on its runner; {@code checked} is its preflight if already made. */
        RunResult run(JobSpec run, Optional<JobPreflight.Checked> checked) {
            RunnerChoice choice;
            if (run.runner().runner() == Runner.SPARK) {
                choice = new RunnerChoice(Runner.SPARK, "runner: spark");
            } else {
                JobPreflight.Checked preflight = checked.orElseGet(() -> JobPreflight.check(run));
                checked = Optional.of(preflight);
                choice = RunnerChoice.choose(preflight);
            }
            if (choice.local()) {
                if (local == null) { // on the preflight's Hadoop configuration: its files are parsed already
                    local = new LocalScoringJob(checked.orElseThrow().hadoop(), display, Duration.ofMillis(500));
                }
                return local.run(run, choice.reason(), checked);
            }
            if (onSpark == null) {
                embedded = SparkSession.getDefaultSession().isDefined();
                spark = SparkSessions.create(spec);
                onSpark = new SparkScoringJob(spark, display, Duration.ofMillis(500));
            }
            return onSpark.run(run, choice.reason());
        }

        void stop() {
            if (spark != null && !embedded) { // a session the caller made is the caller's to stop
                spark.stop();
            }
        }
    }

    /** Runs the job, or each period of its backfill, with {@code runner}, printing a summary per run. */
    private static int runAll(JobSpec spec, ScheduleOptions schedule, ProgressDisplay display,
                              Function<JobSpec, RunResult> runner, PrintWriter out) {
        Optional<List<RunPeriod>> backfill = schedule.backfill();
        List<RunResult> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<RunPeriod> periods = backfill.orElse(List.of());
        List<JobSpec> runs = backfill.isPresent() ? periods.stream().map(spec::forPeriod).toList() : List.of(spec);
        for (int i = 0; i < runs.size(); i++) {
            RunResult result;
            try {
                result = runner.apply(runs.get(i));
            } catch (InputDataException e) {
                if (!schedule.skipMissing || backfill.isEmpty() || e.fault() != Fault.INPUT_NOT_READY) {
                    throw e;
                }
                skipped.add(periods.get(i).id());
                out.printf(Locale.ROOT, "coldpath: skipped %s: %s%n", periods.get(i).id(), e.getMessage());
                out.flush();
                continue;
            } finally {
                display.finish();
            }
            results.add(result);
            printSummary(result, runs.get(i), out);
            if (schedule.metricsFile().isPresent()) {
                MetricsFile.write(schedule.metricsFile().get(), results);
            }
        }
        if (!skipped.isEmpty()) {
            out.printf(Locale.ROOT, "coldpath: backfill scored %d of %d periods; skipped (input missing): %s%n",
                    runs.size() - skipped.size(), runs.size(), String.join(", ", skipped));
            out.flush();
        }
        return results.isEmpty() && !skipped.isEmpty() ? Fault.INPUT_NOT_READY.exitCode() : 0;
    }

    /**
     * The batch size, threads and device the tasks ran with, each marked "(auto)" where the job left it to
     * coldpath (as every task reports them; several values only when executors resolved them differently).
     */
    static Optional<String> inferenceLine(List<ResolvedInference> resolved, JobSpec spec) {
        return inferenceLine(resolved, spec, false);
    }

    /** As above; {@code local} for a run of the local runner, whose auto threads are the cores over its workers. */
    static Optional<String> inferenceLine(List<ResolvedInference> resolved, JobSpec spec, boolean local) {
        if (resolved.isEmpty()) {
            return Optional.empty();
        }
        boolean autoBatch = spec.inference().batchSize() == 0;
        boolean autoThreads = spec.inference().threads() == 0;
        boolean autoDevice = spec.inference().device() == Device.AUTO;
        return Optional.of(String.format(Locale.ROOT, "inference batch-size %s, threads %s, device %s",
                values(resolved, r -> String.valueOf(r.batchSize()), autoBatch ? " (auto)" : ""),
                values(resolved, r -> String.valueOf(r.settings().intraOpThreads()),
                        !autoThreads ? "" : local ? " (auto: the master's CPUs over the local runner's workers)"
                                : " (auto: the task's cpus, or more for fewer partitions than slots)"),
                values(resolved, ResolvedInference::device, autoDevice ? " (auto)" : "")));
    }

    private static String values(List<ResolvedInference> resolved, Function<ResolvedInference, String> value,
                                 String note) {
        return resolved.stream().map(value).distinct().collect(Collectors.joining(" or ")) + note;
    }

    /** A duration in milliseconds, to a tenth below 10 ms, so that a quick real load does not read "0 ms". */
    static String millis(Duration d) {
        double ms = d.toNanos() / 1e6;
        return ms < 9.95 ? String.format(Locale.ROOT, "%.1f ms", ms)
                : String.format(Locale.ROOT, "%d ms", Math.round(ms));
    }

    /**
     * The preflight ({@link JobPreflight}), before Spark starts: a missing model, a wrong column or an output that
     * is a file is reported in a second instead of after Spark's start-up; the runner ({@link RunnerChoice}) is chosen
     * from it.
     * A backfill checks its first period; when it may skip missing inputs, a missing first input is left for the
     * run to skip (on Spark): then it is empty.
     */
    private static Optional<JobPreflight.Checked> preflight(JobSpec first, boolean mayLackInput) {
        try {
            return Optional.of(JobPreflight.check(first));
        } catch (InputDataException e) {
            if (!mayLackInput || e.fault() != Fault.INPUT_NOT_READY) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /** The input files left out under input.bad-files: skip, and rows their footers promised but not read. */
    private static void printSkipped(RunManifest.Input input, PrintWriter out) {
        if (!input.skippedFiles().isEmpty()) {
            out.printf(Locale.ROOT, "  skipped   %,d input file%s (input.bad-files: skip), %,d read:%n",
                    input.skippedFiles().size(), input.skippedFiles().size() == 1 ? "" : "s", input.files().size());
            for (RunManifest.SkippedFile file : input.skippedFiles()) {
                out.printf(Locale.ROOT, "            %s: %s%n", file.path(), file.reason());
            }
        }
        if (input.unreadRows() > 0) {
            out.printf(Locale.ROOT, "  WARNING   %,d rows that the footers of the files read hold were not read: a"
                    + " file damaged past its footer or gone during the run, whose rest Spark skipped (its name is in"
                    + " the log: 'Skipped the rest of the content')%n", input.unreadRows());
        }
    }

    /**
     * A run of several models: one row per model binding (role, model, where its rows went), then each comparison
     * with the champion: label agreement, PSI and mean absolute difference of each output they share.
     */
    static void printModels(RunManifest manifest, PrintWriter out) {
        if (manifest.models().size() < 2) {
            return;
        }
        for (RunManifest.ModelRun m : manifest.models()) {
            out.printf(Locale.ROOT, "  model     %-12s %-8s %s%s (sha256 %s) -> %s%n", m.binding(), m.role(),
                    m.name(), m.version().isEmpty() ? "" : "@" + m.version(), m.sha256().substring(0, 12),
                    m.dataPath() == null ? "published" : m.dataPath() + "/");
        }
        for (ComparisonSummary c : manifest.comparisons()) {
            List<String> parts = new ArrayList<>();
            for (ComparisonSummary.Labels l : c.labels()) {
                parts.add(String.format(Locale.ROOT, "%s agreement %s, PSI %s", l.output(), percent(l.agreement()),
                        number(l.psi())));
            }
            for (ComparisonSummary.Scores s : c.scores()) {
                parts.add(String.format(Locale.ROOT, "%s PSI %s, mean abs diff %s", s.output(), number(s.psi()),
                        number(s.meanAbsDiff())));
            }
            out.printf(Locale.ROOT, "  compare   %s vs champion over %,d rows: %s%n", c.binding(), c.rows(),
                    parts.isEmpty() ? "no output in common" : String.join("; ", parts));
        }
    }

    /** The published outputs against the previous run: each output's PSI, and its largest label share change. */
    static void printDrift(RunDrift drift, PrintWriter out) {
        out.printf(Locale.ROOT, "  drift     %s%n", drift(drift));
    }

    /** A drift as one line: {@code vs previous run R: OUTPUT PSI P (...); ...}. */
    static String drift(RunDrift drift) {
        List<String> parts = new ArrayList<>();
        for (RunDrift.Output o : drift.outputs()) {
            String part = o.output() + " PSI " + number(o.psi());
            if (!o.shareChange().isEmpty()) {
                Map.Entry<String, Double> top = o.shareChange().entrySet().iterator().next();
                part += String.format(Locale.ROOT, " (%s share %+.2f points)", top.getKey(), top.getValue() * 100);
            } else if (o.mean() != null && o.meanPrevious() != null) {
                part += String.format(Locale.ROOT, " (mean %s -> %s)", number(o.meanPrevious()), number(o.mean()));
            }
            parts.add(part);
        }
        return "vs previous run " + drift.previousRun() + ": " + (parts.isEmpty() ? "no output in common"
                : String.join("; ", parts));
    }

    static String percent(Double share) {
        return share == null ? "n/a" : String.format(Locale.ROOT, "%.2f %%", share * 100);
    }

    static String number(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.4g", value);
    }

    /**
     * A warning for each text model that is dynamically quantized and was scored in batches
     * ({@code text.batch-invariant: false}): its outputs depend on which texts shared a batch.
     */
    static void printQuantization(RunManifest manifest, JobSpec spec, PrintWriter out) {
        for (RunManifest.ModelRun model : manifest.models()) {
            Optional<BindingSpec> binding = model.binding() == null ? Optional.of(spec.champion())
                    : spec.models().stream().filter(b -> b.name().equals(model.binding())).findFirst();
            binding.flatMap(b -> JobPreflight.quantizationNotice(spec, b, model.dependsOnBatch(),
                            model.quantization()))
                    .filter(JobPreflight.QuantizationNotice::warning)
                    .ifPresent(n -> out.printf(Locale.ROOT, "  WARNING   %s%n", n.text()));
        }
    }

    /** The run's summary; the inference line marks the settings the job's {@code spec} left "auto". */
    static void printSummary(RunResult r, JobSpec spec, PrintWriter out) {
        if (r.nothingToScore() && spec.input().table().isPresent()) {
            out.printf(Locale.ROOT, "coldpath: nothing new to score for run %s: no rows were appended to %s since"
                    + " the snapshot the last committed run of %s read; nothing was committed%n", r.runId(),
                    spec.input().table().get().table(), r.table());
            out.flush();
            return;
        }
        if (r.nothingToScore()) {
            out.printf(Locale.ROOT, "coldpath: nothing new to score for run %s: every input partition was scored by"
                    + " a committed run of %s (sha256 %s)%n", r.runId(), r.model().name(),
                    r.model().sha256().substring(0, 12));
            out.flush();
            return;
        }
        out.printf(Locale.ROOT, "coldpath: run %s scored %,d rows with %s%s (sha256 %s) in %.1f s (%,.0f rows/s)%n",
                r.runId(), r.rowsWritten(), r.model().name(),
                r.model().version().isEmpty() ? "" : "@" + r.model().version(), r.model().sha256().substring(0, 12),
                r.wallTime().toMillis() / 1000.0, r.rowsPerSecond());
        out.printf(Locale.ROOT, "  data      %s%n", r.dataPath());
        out.printf(Locale.ROOT, "  table     %s (%s)%n", r.table(),
                r.promoted() ? "now current" : "not promoted: coldpath runs promote " + r.table() + " " + r.runId());
        out.printf(Locale.ROOT, "  rows      %,d read, %,d written, %,d rejected%n", r.rowsRead(), r.rowsWritten(),
                r.rowsRejected());
        r.manifest().map(m -> m.metrics().text()).filter(t -> t != null).ifPresent(t -> out.printf(Locale.ROOT,
                "  text      %,d texts, %,d tokens (%,d tokens/s; %,d with padding), %,d truncated at"
                        + " text.max-length%n", t.rows(), t.tokens(), t.tokensPerSecond(), t.paddedTokens(),
                t.truncatedRows()));
        r.manifest().map(RunManifest::input).ifPresent(input -> printSkipped(input, out));
        out.printf(Locale.ROOT, "  batches   %,d%n", r.batches());
        r.manifest().ifPresent(m -> printModels(m, out));
        r.manifest().map(RunManifest::drift).ifPresent(d -> printDrift(d, out));
        out.printf(Locale.ROOT, "  %-9s %9s %9s %9s %9s %10s%n", "stage ms", "p50", "p95", "p99", "max", "total");
        for (Stage stage : Stage.values()) {
            if (stage.optional() && !r.metrics().timed(stage)) {
                continue;
            }
            var h = r.metrics().stage(stage);
            out.printf(Locale.ROOT, "  %-9s %9.2f %9.2f %9.2f %9.2f %10.0f%n", stage.key(),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                    h.getMean() * h.getTotalCount() / 1000.0);
        }
        for (String fallback : r.deviceFallbacks()) {
            out.printf(Locale.ROOT, "  WARNING   inference.device is auto but ran on the CPU: %s%n", fallback);
        }
        for (String warning : r.budgetWarnings()) {
            out.printf(Locale.ROOT, "  WARNING   budget breached: %s%n", warning);
        }
        r.manifest().ifPresent(m -> printQuantization(m, spec, out));
        r.manifest().map(m -> m.metrics().quarantinePath()).filter(q -> q != null).ifPresent(q ->
                out.printf(Locale.ROOT, "  quarantine %s/%s (%,d rows, with a _coldpath_reason column)%n",
                        r.dataPath(), q, r.rowsRejected()));
        boolean local = r.manifest().map(RunManifest::runner).filter(ran -> ran.name().equals(LocalScoringJob.NAME))
                .isPresent();
        inferenceLine(r.outcome().inference(), spec, local).ifPresent(line -> out.printf(Locale.ROOT, "  %s%n",
                line));
        if (r.sessionsCreated() == 0 && local) {
            out.printf(Locale.ROOT, "  sessions  reused: the local runner found the model's session open in this JVM,"
                    + " from an earlier run%n");
        } else if (r.sessionsCreated() == 0) {
            out.printf(Locale.ROOT, "  sessions  reused: every task found its executor's session open already%n");
        } else {
            out.printf(Locale.ROOT, "  sessions  %d opened in %s, by %s%n", r.sessionsCreated(),
                    millis(r.sessionLoadTime()), String.join(", ", r.sessionOwners()));
        }
        r.manifest().map(RunManifest::runner).ifPresent(ran -> out.printf(Locale.ROOT, "  runner    %s (%s)%n",
                ran.name(), ran.reason()));
        if (!local) {
            out.printf(Locale.ROOT, "  spark     %s%n", r.applicationId());
        }
        out.flush();
    }
}
