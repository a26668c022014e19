package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scheduling scripts in scripts/: the cron wrapper (run with a fake coldpath, as the real one would only
 * add a minute of Spark), the crontab line, the Airflow DAG (compiled with python3; Airflow is not installed)
 * and the Chromium installer's no-op path. They live with the CLI's tests because they wrap the CLI.
 */
class SchedulingScriptsTest {
    static final Path HOME = CliHarness.projectDir();
    static final Path WRAPPER = HOME.resolve("scripts/cron/coldpath-cron.sh");

    @TempDir
    Path tmp;

    /** What a script printed and returned. */
    record Result(int exitCode, String out, String err) {
    }

    @Test
    void wrapperRefusesASecondRunOfTheSameJobWhileTheFirstHoldsTheLock() throws Exception {
        Path logs = tmp.resolve("logs");
        Files.createDirectories(logs);
        Path lock = logs.resolve("wine.lock");
        Process holder = new ProcessBuilder("flock", "--no-fork", lock.toString(), "sleep", "120")
                .redirectErrorStream(true).start(); // a first run, still going
        try {
            awaitLocked(lock);

            Result r = wrapper(Map.of(), "/etc/coldpath/jobs/wine.yaml", "--date", "2026-11-28");

            assertThat(r.exitCode()).isEqualTo(75);
            assertThat(r.err()).isEqualTo("coldpath-cron: wine is still running (another run holds " + lock
                    + "): not starting a second one, exiting with 75\n");
            assertThat(tmp.resolve("fake-ran")).doesNotExist();
            assertThat(logFiles(logs, "wine")).isEmpty();
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(wrapper(Map.of("FAKE_EXIT", "0"), "wine.yaml").exitCode()).as("lock released").isZero();
    }

    @Test
    void aHeldLockOfOneJobDoesNotStopAnother() throws Exception {
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Process holder = new ProcessBuilder("flock", "--no-fork", logs.resolve("wine.lock").toString(), "sleep",
                "120").redirectErrorStream(true).start();
        try {
            awaitLocked(logs.resolve("wine.lock"));
            assertThat(wrapper(Map.of("FAKE_EXIT", "0"), "conf/breast-cancer.yaml").exitCode()).isZero();
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 3, 4, 5, 6, 70})
    void wrapperExitsWithTheJobsExitCodeAndLogsTheRun(int code) throws Exception {
        Result r = wrapper(Map.of("FAKE_EXIT", String.valueOf(code)), "/etc/coldpath/jobs/wine.yaml", "--date",
                "2026-11-28");

        assertThat(r.exitCode()).isEqualTo(code);
        List<Path> logs = logFiles(tmp.resolve("logs"), "wine");
        assertThat(logs).hasSize(1);
        String log = Files.readString(logs.get(0));
        assertThat(log).contains("coldpath-cron: command: " + tmp.resolve("fake-coldpath")
                        + " run /etc/coldpath/jobs/wine.yaml --date 2026-11-28\n",
                "fake coldpath: run /etc/coldpath/jobs/wine.yaml --date 2026-11-28\n",
                "fake coldpath: to stderr\n", "coldpath-cron: end ").endsWith(", exit code " + code + "\n");
        if (code == 0) {
            assertThat(r.err()).isEmpty();
        } else {
            assertThat(r.err()).startsWith("coldpath-cron: wine failed with exit code " + code + "; log: "
                    + logs.get(0) + "\n").contains("fake coldpath: to stderr");
        }
        assertThat(r.out()).isEmpty();
    }

    @Test
    void wrapperKeepsOneLogPerRunAndOnlyTheNewest() throws Exception {
        for (int run = 1; run <= 5; run++) {
            Result r = wrapper(Map.of("FAKE_EXIT", "0", "COLDPATH_CRON_KEEP_LOGS", "3"), "wine.yaml", "--set",
                    "attempt=" + run);
            assertThat(r.exitCode()).as(r.err()).isZero();
        }
        List<Path> logs = logFiles(tmp.resolve("logs"), "wine");
        assertThat(logs).hasSize(3);
        List<String> attempts = new ArrayList<>();
        for (Path log : logs) {
            assertThat(log.getFileName().toString()).matches("wine-\\d{8}T\\d{6}\\.\\d{9}Z\\.log");
            String text = Files.readString(log);
            attempts.add(text.substring(text.indexOf("attempt="), text.indexOf("attempt=") + 9));
        }
        assertThat(attempts).containsExactly("attempt=3", "attempt=4", "attempt=5");
    }

    @Test
    void wrapperWithoutAJobPrintsItsUsage() throws Exception {
        Result r = wrapper(Map.of());
        assertThat(r.exitCode()).isEqualTo(64);
        assertThat(r.err()).contains("coldpath-cron.sh JOB.yaml [coldpath run arguments ...]", "exits 75",
                "COLDPATH_CRON_KEEP_LOGS");
    }

    @Test
    void wrapperRejectsAnInvalidNumberOfLogsToKeep() throws Exception {
        Result r = wrapper(Map.of("COLDPATH_CRON_KEEP_LOGS", "0"), "wine.yaml");
        assertThat(r.exitCode()).isEqualTo(64);
        assertThat(r.err()).contains("invalid COLDPATH_CRON_KEEP_LOGS: '0' (must be a whole number >= 1)");
        assertThat(tmp.resolve("fake-ran")).doesNotExist();
    }

    @Test
    void crontabLineRunsTheWrapperWithYesterdaysDate() throws Exception {
        List<String> entries = Files.readAllLines(HOME.resolve("scripts/cron/coldpath.cron")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.matches("[A-Z_]+=.*")).toList();
        assertThat(entries).hasSize(1);
        String[] fields = entries.get(0).trim().split("\\s+", 7);
        assertThat(fields).hasSize(7);
        assertThat(fields[6]).startsWith("/opt/coldpath/scripts/cron/coldpath-cron.sh ")
                .contains("--date \"$(date -u -d yesterday +\\%F)\"");
        assertThat(fields[6].replace("\\%", "")).doesNotContain("%"); // an unescaped % ends a cron command
    }

    @Test
    void airflowDagCompiles() throws Exception {
        Path dag = HOME.resolve("scripts/airflow/coldpath_dag.py");
        Path python = CliHarness.onPath("python3");
        if (python == null) {
            if (System.getenv("CI") != null) {
                fail("python3 is not installed: CI needs it to compile scripts/airflow/coldpath_dag.py");
            }
            Assumptions.abort("python3 is not installed: skipping the DAG compile check outside CI");
        }
        Map<String, String> env = Map.of("PYTHONPYCACHEPREFIX", tmp.resolve("pycache").toString()); // not in scripts/
        Result r = run(List.of(python.toString(), "-m", "py_compile", dag.toString()), env);
        assertThat(r.exitCode()).as(r.err()).isZero();
        String text = Files.readString(dag);
        assertThat(text).contains("SparkSubmitOperator(", "java_class=\"dev.coldpath.cli.Coldpath\"",
                "application_args=[\"run\", JOB, \"--date\", \"{{ ds }}\"]", "BashOperator(",
                "/bin/coldpath run {JOB} --date {{{{ ds }}}}", "\"retries\":", "3   the input is not there yet");
    }

    @Test
    void chromiumInstallerDoesNothingWhenChromiumIsThere() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        script(bin.resolve("chromium"), "exit 0");
        script(bin.resolve("apt-get"), "touch " + tmp.resolve("apt-ran") + "; exit 1");
        Result r = run(List.of("bash", HOME.resolve("scripts/install-chromium.sh").toString()),
                Map.of("PATH", bin + ":/usr/bin:/bin"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(tmp.resolve("apt-ran")).doesNotExist();
    }

    /** Runs the cron wrapper with a fake coldpath that records its arguments and exits with $FAKE_EXIT. */
    private Result wrapper(Map<String, String> env, String... args) throws Exception {
        Path fake = tmp.resolve("fake-coldpath");
        if (!Files.exists(fake)) {
            script(fake, "touch " + tmp.resolve("fake-ran") + "\necho \"fake coldpath: $*\"\n"
                    + "echo 'fake coldpath: to stderr' >&2\nexit \"${FAKE_EXIT:-3}\"");
        }
        Map<String, String> all = new HashMap<>(Map.of("COLDPATH_BIN", fake.toString(), "COLDPATH_CRON_LOG_DIR",
                tmp.resolve("logs").toString()));
        all.putAll(env);
        List<String> command = new ArrayList<>(List.of("bash", WRAPPER.toString()));
        command.addAll(List.of(args));
        return run(command, all);
    }

    private static void script(Path path, String body) throws IOException {
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Result run(List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("COLDPATH_CRON_KEEP_LOGS");
        pb.environment().remove("COLDPATH_CRON_LOCK");
        pb.environment().remove("COLDPATH_CRON_NAME");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Waits until another process holds the lock (flock -n then fails). */
    private void awaitLocked(Path lock) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (Files.exists(lock) && run(List.of("flock", "-n", lock.toString(), "true"), Map.of()).exitCode() == 1) {
                return;
            }
            Thread.sleep(100);
        }
        fail("the test's flock process did not take " + lock);
    }

    private static List<Path> logFiles(Path dir, String job) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(job + "-")
                    && f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }

}
