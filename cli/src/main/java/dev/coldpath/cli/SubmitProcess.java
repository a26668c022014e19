package dev.coldpath.cli;

import dev.coldpath.core.error.ClusterException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Runs spark-submit as a child process: its standard output and error are copied line by line to the given
 * writers (so callers and tests see the driver's output in client mode), and it is destroyed if this JVM
 * exits first.
 */
final class SubmitProcess {
    private SubmitProcess() {
    }

    /** Runs the command to its end and returns its exit code. */
    static int run(List<String> command, Map<String, String> environment, PrintWriter out, PrintWriter err) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ClusterException("Cannot start " + command.get(0) + ": " + e.getMessage()
                    + " (set SPARK_HOME or --spark-home to a Spark installation)", e);
        }
        Thread killer = new Thread(process::destroy, "coldpath-submit-cleanup");
        Runtime.getRuntime().addShutdownHook(killer);
        Thread stdout = copy(process.getInputStream(), out, "coldpath-submit-stdout");
        Thread stderr = copy(process.getErrorStream(), err, "coldpath-submit-stderr");
        try {
            int code = process.waitFor();
            stdout.join();
            stderr.join();
            return code;
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while waiting for " + command.get(0), e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    private static Thread copy(InputStream from, PrintWriter to, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (to) {
                        to.println(line);
                        to.flush();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
