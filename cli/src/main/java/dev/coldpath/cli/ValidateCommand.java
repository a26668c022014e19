package dev.coldpath.cli;

import dev.coldpath.connectors.ParquetFooters;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.model.ModelQuantization;
import dev.coldpath.core.plan.ModelBinding;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.spec.BindingSpec;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.spark.JobPreflight;
import dev.coldpath.spark.RunnerChoice;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code coldpath validate}: the preflight ({@link JobPreflight}), which every run also makes before Spark starts;
 * it starts no Spark. Checks that need a running Spark (its own schema inference, a cluster's executor memory)
 * are made again when the job runs.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, modelTransformer = JobKeysHelp.class,
        description = "Check a job without running it: the job file's keys, the model, the input's schema against"
                + " the model's signature, the output table, and whether intra-op threads x task slots"
                + " oversubscribe the executor's cores; and which runner run would take, and why (--runner as"
                + " run takes it). Exits 0 when the job would start, with warnings printed.")
final class ValidateCommand implements Callable<Integer> {
    private static final Pattern LOCAL_CORES = Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]");

    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Mixin
    JobFileArgs job;

    @Mixin
    RunnerOption runner;

    @Override
    public Integer call() {
        JobSpec spec = job.spec(runner.toConfig());
        PrintWriter out = command.commandLine().getOut();
        JobPreflight.Checked checked = JobPreflight.check(spec);
        // refuses what run refuses: runner: local on a job it cannot run
        RunnerChoice choice = RunnerChoice.choose(checked);
        out.println("job " + job.jobFile + " is valid");
        out.println("  runner    " + choice.runner().name().toLowerCase(Locale.ROOT) + " (" + choice.reason() + ")");
        if (checked.plan().isEmpty()) {
            out.println("  input     nothing new to score (incremental)");
        } else {
            describe(checked, checked.plan().get(), out);
        }
        for (BindingSpec binding : spec.models()) {
            ModelQuantization q = checked.quantization().get(binding.name());
            if (q != null) {
                JobPreflight.quantizationNotice(spec, binding, q.batchDependent(), q.describe())
                        .ifPresent(n -> out.println((n.warning() ? "  WARNING   " : "  note      ") + n.text()));
            }
        }
        threadWarning(spec).ifPresent(w -> out.println("  WARNING   " + w));
        out.flush();
        return 0;
    }

    private static void describe(JobPreflight.Checked c, ScoringPlan plan, PrintWriter out) {
        ModelBinding binding = plan.binding();
        out.println("  model     " + binding.model().location() + " (sha256 " + binding.model().sha256() + ")");
        out.println("  input     " + c.input() + " (" + c.files().size() + " data files"
                + c.footers().map(f -> footers(f)).orElse("") + ")");
        for (Encoder encoder : binding.encoders()) {
            out.println("  feeds     " + encoder.input() + " " + c.signature().input(encoder.input()).orElseThrow()
                    .describe() + " <- " + encoder.source());
        }
        out.println("  keeps     " + String.join(", ", plan.output().keepColumns()));
        for (OutputDecoder o : binding.decoders()) {
            out.println("  writes    " + o.column() + " " + o.type() + " <- " + o.output());
        }
        for (ModelBinding other : plan.bindings()) { // a job with several models: the others, after the champion
            if (other != binding) {
                out.println(String.format("  %-9s %s: %s (sha256 %s) writes %s", other.role(), other.name(),
                        other.model().location(), other.model().sha256(), other.decoders().stream()
                                .map(o -> o.column() + " " + o.type()).collect(Collectors.joining(", "))));
            }
        }
        if (plan.routing().isSet()) {
            out.println("  routing   " + plan.routing().basisPoints() / 100.0 + " % of keys ("
                    + plan.routing().key().stream().map(Column::name).collect(Collectors.joining(", "))
                    + ") to the canary");
        }
        out.println("  table     " + c.spec().output().iceberg().map(i -> i.table() + " (Iceberg)")
                .orElse(c.spec().output().path()));
    }

    private static String footers(ParquetFooters.Footers f) {
        return f.rows().isPresent() ? String.format(Locale.ROOT, ", %,d rows", f.rows().getAsLong())
                : String.format(Locale.ROOT, "; schema from %d of their footers", f.footersRead());
    }

    /** A warning when task slots x intra-op threads exceed an executor's cores, from the job's Spark settings. */
    static Optional<String> threadWarning(JobSpec spec) {
        int taskCpus = JobPreflight.intConf(spec, "spark.task.cpus", 1);
        int cores = executorCores(spec);
        int threads = spec.inference().threads() > 0 ? spec.inference().threads() : taskCpus;
        int slots = Math.max(1, cores / taskCpus);
        if (slots * threads > cores) {
            return Optional.of(String.format("inference.threads %d x %d task slots = %d threads on %d executor cores:"
                    + " sessions will oversubscribe the cores (lower inference.threads, or raise spark.task.cpus)",
                    threads, slots, slots * threads, cores));
        }
        return Optional.empty();
    }

    private static int executorCores(JobSpec spec) {
        int cores = JobPreflight.intConf(spec, "spark.executor.cores", 0);
        if (cores > 0) {
            return cores;
        }
        Matcher m = LOCAL_CORES.matcher(JobPreflight.master(spec));
        if (m.matches()) {
            return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
        }
        return 1;
    }
}
