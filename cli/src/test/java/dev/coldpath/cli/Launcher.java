package dev.coldpath.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@code bin/coldpath} as a user does: a child process with the launcher's own lib/ class path, JVM
 * options and log configuration, in a given directory and environment. Needs {@code mvn package} first.
 */
final class Launcher {
    /**
     * JVM options for every JVM these tests start through the launcher or on their cluster (launcher, client-mode
     * driver, cluster daemons and executors): each lives seconds to a minute and scores little, so the C2
     * compiler's and G1's threads cost more CPU than they save. On one submit of the sample job with two executors
     * they cut the CPU time of its JVMs from 37 s to 18 s. Results are the same: Java's floating point is strict
     * and ONNX Runtime is native code.
     */
    static final String TEST_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    /** What one command line printed and returned, and the log file the launcher gave it. */
    record Outcome(int exitCode, String out, String err, Path logDir) {
        /** The log files of this invocation, concatenated ("" when none was written). */
        String log() throws IOException {
            if (!Files.isDirectory(logDir)) {
                return "";
            }
            StringBuilder all = new StringBuilder();
            try (Stream<Path> files = Files.list(logDir)) {
                for (Path file : files.sorted().toList()) {
                    all.append(Files.readString(file, StandardCharsets.UTF_8));
                }
            }
            return all.toString();
        }

        /** The stderr lines that coldpath itself wrote (its one-line errors). */
        List<String> coldpathErrLines() {
            return err.lines().filter(l -> l.startsWith("coldpath:")).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private static final Path SCRATCH = CliHarness.projectDir().resolve("cli/target/launcher-runs");

    private final Path home;

    /** The launcher of the project (or of a copy of its layout) at {@code home}. */
    Launcher(Path home) {
        this.home = home;
    }

    static Launcher project() {
        return new Launcher(CliHarness.projectDir());
    }

    Path home() {
        return home;
    }

    /**
     * Runs {@code bin/coldpath args} in {@code workDir} with {@code env} added to this JVM's environment, less
     * anything of the test JVM's that a user would not have; its output and logs go to cli/target/launcher-runs.
     * The launcher's JVM and a client-mode driver's get {@link #TEST_JVM_OPTIONS} before any
     * {@code COLDPATH_JAVA_OPTS} or {@code SPARK_SUBMIT_OPTS} of {@code env}.
     */
    Outcome run(Path workDir, Map<String, String> env, Duration timeout, String... args) throws IOException,
            InterruptedException {
        Running running = start(workDir, env, args);
        Process process = running.process();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError("bin/coldpath " + String.join(" ", args) + " did not finish in " + timeout
                    + "\n--- stdout\n" + running.out() + "\n--- stderr\n" + running.err());
        }
        return new Outcome(process.exitValue(), running.out(), running.err(), running.logDir());
    }

    /** A launcher process still running; its output so far is in files. */
    record Running(Process process, Path outFile, Path errFile, Path logDir) {
        String out() throws IOException {
            return Files.readString(outFile, StandardCharsets.UTF_8);
        }

        String err() throws IOException {
            return Files.readString(errFile, StandardCharsets.UTF_8);
        }
    }

    /** Starts {@code bin/coldpath args} as {@link #run} does, without waiting for it. */
    Running start(Path workDir, Map<String, String> env, String... args) throws IOException {
        return start(workDir, env, List.of(), args);
    }

    /**
     * As {@link #start(Path, Map, String...)}, through {@code wrapper} (a command that execs its arguments, as
     * {@code env --default-signal=INT}), so that the process is still the launcher's JVM.
     */
    Running start(Path workDir, Map<String, String> env, List<String> wrapper, String... args) throws IOException {
        Files.createDirectories(workDir);
        // Output and logs go to target/, never into the working directory (often the project root).
        Path scratch = Files.createDirectories(SCRATCH);
        Path logDir = Files.createTempDirectory(scratch, "logs-");
        Path out = Files.createTempFile(scratch, "stdout-", ".txt");
        Path err = Files.createTempFile(scratch, "stderr-", ".txt");
        List<String> command = new ArrayList<>(wrapper);
        command.add(home.resolve("bin/coldpath").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("COLDPATH_JAVA_OPTS");
        builder.environment().remove("COLDPATH_REGISTRY");
        builder.environment().put("COLDPATH_LOG_DIR", logDir.toString());
        // No class data sharing archive: the suite's launches would record one and dump it in the background, at
        // the lowest priority, on cores the suite keeps busy; in a full run it was ready only after the last launch
        // (40 s of CPU for nothing). A test that wants it says COLDPATH_CDS=on.
        builder.environment().put("COLDPATH_CDS", "off");
        builder.environment().putAll(env);
        for (String options : List.of("COLDPATH_JAVA_OPTS", "SPARK_SUBMIT_OPTS")) {
            String given = env.get(options);
            builder.environment().put(options, given == null ? TEST_JVM_OPTIONS : TEST_JVM_OPTIONS + " " + given);
        }
        return new Running(builder.start(), out, err, logDir);
    }
}
