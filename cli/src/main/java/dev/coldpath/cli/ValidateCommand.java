package dev.coldpath.cli;

import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.plan.ModelBinding;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.spark.SparkScoringJob;
import dev.coldpath.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code coldpath validate}: every check a run makes before it reads data, and nothing else. */
@Command(name = "validate", mixinStandardHelpOptions = true, modelTransformer = JobKeysHelp.class,
        description = "Check a job without running it: the job file's keys, the model, the input's schema against"
                + " the model's signature, the output table, and whether intra-op threads x task slots"
                + " oversubscribe the executor's cores. Exits 0 when the job would start, with warnings printed.")
final class ValidateCommand implements Callable<Integer> {
    private static final Pattern LOCAL_CORES = Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]");

    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Mixin
    JobFileArgs job;

    @Override
    public Integer call() {
        JobSpec spec = job.spec();
        PrintWriter out = command.commandLine().getOut();
        boolean embedded = SparkSession.getDefaultSession().isDefined();
        SparkSession session = SparkSessions.create(spec);
        try {
            Optional<SparkScoringJob.Prepared> prepared = new SparkScoringJob(session).prepare(spec);
            out.println("job " + job.jobFile + " is valid");
            if (prepared.isEmpty()) {
                out.println("  input     nothing new to score (incremental)");
            } else {
                describe(prepared.get(), out);
            }
            threadWarning(spec, session.sparkContext().getConf()).ifPresent(w -> out.println("  WARNING   " + w));
            out.flush();
            return 0;
        } finally {
            if (!embedded) {
                session.stop();
            }
        }
    }

    private static void describe(SparkScoringJob.Prepared p, PrintWriter out) {
        ModelBinding binding = p.plan().binding();
        out.println("  model     " + binding.model().location() + " (sha256 " + binding.model().sha256() + ")");
        out.println("  input     " + p.source().path() + " (" + p.source().files().size() + " data files)");
        for (Encoder encoder : binding.encoders()) {
            out.println("  feeds     " + encoder.input() + " " + p.signature().input(encoder.input()).orElseThrow()
                    .describe() + " <- " + encoder.source());
        }
        out.println("  keeps     " + String.join(", ", p.plan().output().keepColumns()));
        for (OutputDecoder o : binding.decoders()) {
            out.println("  writes    " + o.column() + " " + o.type() + " <- " + o.output());
        }
        for (ModelBinding other : p.plan().bindings()) { // a job with several models: the others, after the champion
            if (other != binding) {
                out.println(String.format("  %-9s %s: %s (sha256 %s) writes %s", other.role(), other.name(),
                        other.model().location(), other.model().sha256(), other.decoders().stream()
                                .map(o -> o.column() + " " + o.type()).collect(Collectors.joining(", "))));
            }
        }
        if (p.plan().routing().isSet()) {
            out.println("  routing   " + p.plan().routing().basisPoints() / 100.0 + " % of keys ("
                    + p.plan().routing().key().stream().map(Column::name).collect(Collectors.joining(", "))
                    + ") to the canary");
        }
        out.println("  table     " + p.spec().output().path());
    }

    /** A warning when task slots x intra-op threads exceed an executor's cores. */
    static Optional<String> threadWarning(JobSpec spec, SparkConf conf) {
        int taskCpus = conf.getInt("spark.task.cpus", 1);
        int cores = executorCores(conf);
        int threads = spec.inference().threads() > 0 ? spec.inference().threads() : taskCpus;
        int slots = Math.max(1, cores / taskCpus);
        if (slots * threads > cores) {
            return Optional.of(String.format("inference.threads %d x %d task slots = %d threads on %d executor cores:"
                    + " sessions will oversubscribe the cores (lower inference.threads, or raise spark.task.cpus)",
                    threads, slots, slots * threads, cores));
        }
        return Optional.empty();
    }

    private static int executorCores(SparkConf conf) {
        if (conf.contains("spark.executor.cores")) {
            return conf.getInt("spark.executor.cores", 1);
        }
        Matcher m = LOCAL_CORES.matcher(conf.get("spark.master", ""));
        if (m.matches()) {
            return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
        }
        return 1;
    }
}
