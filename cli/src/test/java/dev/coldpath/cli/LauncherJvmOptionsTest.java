package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The collector and heap sizes {@code bin/coldpath} chooses for each command, read from the command line it gives a fake
 * {@code java} (a script that prints its arguments) in a copy of the launcher's layout: no JVM starts, so each case
 * takes milliseconds. The launcher tests ({@link LauncherIT}) run with their own collector and so never see these.
 */
class LauncherJvmOptionsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"run", "score"})
    void aBatchCommandOnManyCoresRunsOnTheParallelCollectorWithFixedGenerations(String command) throws Exception {
        List<String> args = javaArguments(cores(8), command, "job.yaml");

        assertThat(args).contains("-XX:+UseParallelGC", "-XX:-UseAdaptiveSizePolicy", "-XX:-UseGCOverheadLimit")
                .doesNotContain("-XX:+UseSerialGC");
        assertThat(args).filteredOn(a -> a.matches("-XX:\\+Use\\w+GC")).hasSize(1);
        assertThat(args).noneMatch(a -> a.startsWith("-Xm"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "score"})
    void aBatchCommandOnAFewCoresRunsOnTheSerialCollectorWithAYoungGenerationPerCore(String command)
            throws Exception {
        assumeTrue(machineMemoryBytes() >= 4L << 30, "the sizes go only where the machine has 4 GB or more");

        assertThat(javaArguments(cores(2), command, "job.yaml")).contains("-XX:+UseSerialGC", "-Xmn192m", "-Xms256m",
                        "-XX:SurvivorRatio=2", "-XX:MinHeapFreeRatio=20", "-XX:MaxNodeLimit=24000")
                .doesNotContain("-XX:+UseParallelGC").filteredOn(a -> a.matches("-XX:\\+Use\\w+GC")).hasSize(1);
        assertThat(javaArguments(cores(4), command, "job.yaml")).contains("-XX:+UseSerialGC", "-Xmn384m", "-Xms448m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"COLDPATH_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"})
    void aHeapSizeTheUserGaveLeavesTheHeapSizesToTheUser(String variable) throws Exception {
        for (String heap : List.of("-Xmx2g", "-Xmn64m", "-Xms1g", "-XX:MaxRAMPercentage=50", "-XX:NewSize=32m")) {
            Map<String, String> env = new HashMap<>(cores(2));
            env.put(variable, heap);

            List<String> args = javaArguments(env, "run", "job.yaml");

            assertThat(args).as(heap).contains("-XX:+UseSerialGC")
                    .doesNotContain("-Xmn192m", "-Xms256m", "-XX:SurvivorRatio=2", "-XX:MinHeapFreeRatio=20");
            if (variable.equals("COLDPATH_JAVA_OPTS")) {
                assertThat(args).as(heap).contains(heap);
            }
        }
    }

    @Test
    void aShortCommandKeepsTheSerialCollector() throws Exception {
        assertThat(javaArguments(Map.of(), "validate", "job.yaml")).contains("-XX:+UseSerialGC")
                .doesNotContain("-XX:+UseParallelGC", "-XX:-UseAdaptiveSizePolicy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"COLDPATH_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"})
    void aCollectorTheUserChoseIsTheOnlyOneOnTheCommandLine(String variable) throws Exception {
        for (String command : List.of("run", "validate")) {
            List<String> args = javaArguments(Map.of(variable, "-Xmx1g -XX:+UseG1GC"), command, "job.yaml");

            assertThat(args).as(command).doesNotContain("-XX:+UseParallelGC", "-XX:-UseAdaptiveSizePolicy",
                    "-XX:+UseSerialGC").noneMatch(a -> a.matches("-Xm[sn]\\d+m"));
            if (variable.equals("COLDPATH_JAVA_OPTS")) {
                assertThat(args).as(command).contains("-XX:+UseG1GC");
            }
        }
    }

    @Test
    void anOptionThatOnlyStartsLikeACollectorLeavesTheLaunchersCollector() throws Exception {
        Map<String, String> env = new HashMap<>(cores(8));
        env.put("COLDPATH_JAVA_OPTS", "-XX:+UseGCOverheadLimit");
        assertThat(javaArguments(env, "run", "job.yaml")).contains("-XX:+UseParallelGC", "-XX:+UseGCOverheadLimit");
    }

    /** An environment in which {@code nproc} says the machine has {@code n} cores (a script first on the PATH). */
    private Map<String, String> cores(int n) throws IOException {
        Path bin = tmp.resolve("cores-" + n);
        if (!Files.exists(bin)) {
            Files.createDirectories(bin);
            Files.writeString(bin.resolve("nproc"), "#!/bin/sh\necho " + n + "\n");
            executable(bin.resolve("nproc"));
        }
        return Map.of("PATH", bin + ":" + System.getenv("PATH"));
    }

    private static long machineMemoryBytes() throws IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElse(0);
    }

    /** The arguments {@code bin/coldpath args} passes to java, one per line, with {@code env} set. */
    private List<String> javaArguments(Map<String, String> env, String... args) throws Exception {
        Path home = tmp.resolve("home");
        Path jdk = tmp.resolve("jdk");
        if (!Files.exists(home)) {
            Files.createDirectories(home.resolve("bin"));
            Files.createDirectories(home.resolve("cli/target/lib"));
            Files.createFile(home.resolve("cli/target/coldpath-cli.jar"));
            Files.copy(CliHarness.projectDir().resolve("bin/coldpath"), home.resolve("bin/coldpath"));
            executable(home.resolve("bin/coldpath"));
            Files.createDirectories(jdk.resolve("bin"));
            Files.writeString(jdk.resolve("bin/java"), "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
            executable(jdk.resolve("bin/java"));
        }
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/coldpath").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        for (String variable : List.of("COLDPATH_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            pb.environment().remove(variable);
        }
        pb.environment().putAll(Map.of("JAVA_HOME", jdk.toString(), "COLDPATH_CACHE", "off",
                "COLDPATH_LOG_DIR", tmp.resolve("logs").toString()));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("bin/coldpath did not finish in 30 s");
        }
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
