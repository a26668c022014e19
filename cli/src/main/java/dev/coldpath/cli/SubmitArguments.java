package dev.coldpath.cli;

import static java.util.Objects.requireNonNull;

import dev.coldpath.cli.SubmitMaster.Manager;
import dev.coldpath.core.error.JobSpecException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The spark-submit command line for one job: which cluster manager flags ask for the executors, how the job
 * file reaches the driver, and the {@code coldpath run} arguments the assembly's main class receives.
 * Validated on construction; {@link #lines()} groups each flag with its value for printing.
 *
 * @param sparkSubmit    the spark-submit program
 * @param assembly       the coldpath assembly jar: a path, or a URI the cluster can read
 * @param jobFile        the job file on this machine
 * @param conf           spark-submit {@code --conf} pairs, in the order given; they win over the ones
 *                       derived here
 * @param overrides      {@code --set} pairs for {@code coldpath run}
 * @param executors      empty for the cluster manager's default
 * @param executorCores  empty for the cluster manager's default
 * @param executorMemory empty for Spark's default (1g)
 * @param runArguments more {@code coldpath run} arguments for the driver: the schedule flags
 */
record SubmitArguments(String sparkSubmit, SubmitMaster master, DeployMode deployMode, String appName,
                       String assembly, Path jobFile, List<String> conf, List<String> overrides,
                       Optional<Integer> executors, Optional<Integer> executorCores,
                       Optional<String> executorMemory, List<String> runArguments) {
    static final String MAIN_CLASS = "dev.coldpath.cli.Coldpath";
    private static final Pattern MEMORY = Pattern.compile("[0-9]+[kmgtp]?b?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    /** Where the driver runs. */
    enum DeployMode {
        /** In the spark-submit process, on this machine: its output is the driver's. */
        CLIENT,
        /** In the cluster, started by the cluster manager. */
        CLUSTER;

        static DeployMode parse(String text) {
            for (DeployMode mode : values()) {
                if (mode.toString().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
            throw new JobSpecException("Invalid --deploy-mode '" + text + "': expected client or cluster");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    SubmitArguments {
        requireNonNull(sparkSubmit, "sparkSubmit is null");
        requireNonNull(master, "master is null");
        requireNonNull(deployMode, "deployMode is null");
        requireNonNull(appName, "appName is null");
        requireNonNull(assembly, "assembly is null");
        jobFile = jobFile.toAbsolutePath().normalize();
        conf = List.copyOf(conf);
        overrides = List.copyOf(overrides);
        for (String pair : conf) {
            if (pair.indexOf('=') <= 0) {
                throw new JobSpecException("Invalid --conf '" + pair + "': expected KEY=VALUE");
            }
        }
        executors.ifPresent(n -> positive("--executors", n));
        executorCores.ifPresent(n -> positive("--executor-cores", n));
        executorMemory.ifPresent(m -> {
            if (!MEMORY.matcher(m).matches()) {
                throw new JobSpecException("Invalid --executor-memory '" + m + "': expected a size such as 512m"
                        + " or 4g");
            }
        });
        if (master.manager() == Manager.LOCAL) {
            if (deployMode == DeployMode.CLUSTER) {
                throw new JobSpecException("Invalid --deploy-mode cluster for master " + master.url() + ": a local"
                        + " master runs the driver in the spark-submit process (use client, or a cluster master)");
            }
            if (executors.isPresent() || executorCores.isPresent() || executorMemory.isPresent()) {
                throw new JobSpecException("--executors, --executor-cores and --executor-memory do not apply to"
                        + " master " + master.url() + ": a local master runs one JVM (choose its cores with"
                        + " local[N] and its memory with --conf spark.driver.memory=SIZE)");
            }
        }
        if (master.manager() == Manager.STANDALONE && executors.isPresent() && executorCores.isEmpty()
                && !hasConf(conf, "spark.cores.max")) {
            throw new JobSpecException("--executors on a standalone master needs --executor-cores: the cluster"
                    + " grants spark.cores.max = executors x cores, so both are needed");
        }
    }

    private static void positive(String flag, int value) {
        if (value <= 0) {
            throw new JobSpecException("Invalid " + flag + ": " + value + " (must be > 0)");
        }
    }

    private static boolean hasConf(List<String> conf, String key) {
        return conf.stream().anyMatch(pair -> pair.startsWith(key + "="));
    }

    /** The command, one argument per element. */
    List<String> command() {
        return lines().stream().flatMap(List::stream).toList();
    }

    /**
     * The command grouped for reading: the program, then each flag with its value, the assembly, and the
     * {@code coldpath run} arguments.
     */
    List<List<String>> lines() {
        List<List<String>> lines = new ArrayList<>();
        lines.add(List.of(sparkSubmit));
        lines.add(List.of("--master", master.url()));
        lines.add(List.of("--deploy-mode", deployMode.toString()));
        lines.add(List.of("--name", appName));
        lines.add(List.of("--class", MAIN_CLASS));
        executorFlags(lines);
        boolean shipJobFile = deployMode == DeployMode.CLUSTER && master.manager() != Manager.STANDALONE;
        if (shipJobFile) {
            lines.add(List.of("--files", jobFile.toString()));
        }
        if (master.onThisMachine() && deployMode == DeployMode.CLIENT && !hasConf(conf, "spark.driver.host")) {
            lines.add(List.of("--conf", "spark.driver.host=127.0.0.1"));
        }
        if (master.manager() == Manager.STANDALONE && executors.isPresent() && executorCores.isPresent()
                && !hasConf(conf, "spark.cores.max")) {
            lines.add(List.of("--conf", "spark.cores.max=" + executors.get() * executorCores.get()));
        }
        conf.forEach(pair -> lines.add(List.of("--conf", pair)));
        lines.add(List.of(assembly));
        // YARN and Kubernetes put --files in the driver's working directory; a standalone cluster does not,
        // so there the driver reads the job file at this machine's path (a shared file system).
        lines.add(List.of("run", shipJobFile ? jobFile.getFileName().toString() : jobFile.toString()));
        // The job file may name a master of its own (local[2] for development): the submitted one wins.
        lines.add(List.of("--master", master.url()));
        overrides.forEach(pair -> lines.add(List.of("--set", pair)));
        for (int i = 0; i < runArguments.size(); i++) { // schedule flags: a flag, then its value if it has one
            boolean withValue = i + 1 < runArguments.size() && !runArguments.get(i + 1).startsWith("--");
            lines.add(withValue ? List.of(runArguments.get(i), runArguments.get(++i)) : List.of(runArguments.get(i)));
        }
        return lines;
    }

    private void executorFlags(List<List<String>> lines) {
        if (master.manager() == Manager.YARN || master.manager() == Manager.KUBERNETES) {
            executors.ifPresent(n -> lines.add(List.of("--num-executors", n.toString())));
        }
        executorCores.ifPresent(n -> lines.add(List.of("--executor-cores", n.toString())));
        executorMemory.ifPresent(m -> lines.add(List.of("--executor-memory", m)));
    }

    /** The command as a shell would take it, one flag per line. */
    String render() {
        return lines().stream()
                .map(line -> line.stream().map(SubmitArguments::quote).collect(Collectors.joining(" ")))
                .collect(Collectors.joining(" \\\n  "));
    }

    static String quote(String arg) {
        return SHELL_SAFE.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
