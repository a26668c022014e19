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
import java.util.OptionalLong;
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
        assumeTrue(cgroupCpus() >= 8, "no CPU quota under 8 cores");
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
        assumeTrue(memoryBytes() >= 6L << 30, "the sizes asked for here need 6 GB of memory");
        assumeTrue(cgroupCpus() >= 4, "no CPU quota under 4 cores");

        List<String> two = javaArguments(cores(2), command, "job.yaml");
        assertThat(two).contains("-XX:+UseSerialGC", "-Xmn192m", "-Xms256m", "-XX:SurvivorRatio=2",
                        "-XX:MinHeapFreeRatio=20", "-XX:MaxNodeLimit=24000")
                .doesNotContain("-XX:+UseParallelGC").filteredOn(a -> a.matches("-XX:\\+Use\\w+GC")).hasSize(1);
        assertThat(javaArguments(cores(4), command, "job.yaml")).contains("-XX:+UseSerialGC", "-Xmn384m", "-Xms448m");
        // and a real JVM starts with them
        List<String> jvm = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        jvm.addAll(two.stream().filter(a -> a.startsWith("-X")).toList());
        jvm.add("-version");
        Process java = new ProcessBuilder(jvm).redirectErrorStream(true).start();
        String said = new String(java.getInputStream().readAllBytes());
        assertThat(java.waitFor(30, TimeUnit.SECONDS) && java.exitValue() == 0).as("%s:%n%s", jvm, said).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"COLDPATH_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"})
    void aHeapSizeTheUserGaveLeavesTheHeapSizesToTheUser(String variable) throws Exception {
        assumeTrue(memoryBytes() >= 4L << 30, "without a heap size given, the launcher sizes the heap from 3.5 GB on");
        assertThat(javaArguments(cores(2), "run", "job.yaml")).as("no heap size given").contains("-XX:SurvivorRatio=2");
        for (String heap : List.of("-Xmx2g", "-Xmn64m", "-Xms1g", "-XX:MaxRAMPercentage=50", "-XX:NewSize=32m",
                "-XX:MaxRAM=1g")) {
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
        assumeTrue(cgroupCpus() >= 8, "no CPU quota under 8 cores");
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

    /** The memory this process may use, as the launcher reckons it: the machine's, or less under a cgroup limit. */
    private static long memoryBytes() throws IOException {
        long bytes = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElse(0);
        for (Path dir : cgroupDirs()) {
            for (String limit : List.of("memory.max", "memory.limit_in_bytes")) {
                bytes = Math.min(bytes, number(dir.resolve(limit)).orElse(Long.MAX_VALUE));
            }
        }
        return bytes;
    }

    /** The cores a cgroup CPU quota leaves this process (Integer.MAX_VALUE without one). */
    private static long cgroupCpus() throws IOException {
        long cpus = Integer.MAX_VALUE;
        for (Path dir : cgroupDirs()) {
            String[] max = Files.isReadable(dir.resolve("cpu.max"))
                    ? Files.readString(dir.resolve("cpu.max")).strip().split(" ") : new String[0];
            OptionalLong quota = max.length == 2 ? parse(max[0]) : number(dir.resolve("cpu.cfs_quota_us"));
            OptionalLong period = max.length == 2 ? parse(max[1]) : number(dir.resolve("cpu.cfs_period_us"));
            if (quota.isPresent() && period.isPresent() && quota.getAsLong() > 0 && period.getAsLong() > 0) {
                cpus = Math.min(cpus, (quota.getAsLong() + period.getAsLong() - 1) / period.getAsLong());
            }
        }
        return cpus;
    }

    /** The folders of this process's cgroups (v2, v1 memory and cpu), each from its own up to the root. */
    private static List<Path> cgroupDirs() throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] fields = line.split(":", 3);
            for (String controller : List.of("", "memory", "cpu")) {
                boolean v2 = controller.isEmpty() && fields[1].isEmpty();
                if (v2 || !controller.isEmpty() && ("," + fields[1] + ",").contains("," + controller + ",")) {
                    Path root = Path.of("/sys/fs/cgroup", controller);
                    for (Path p = Path.of(fields[2]); p != null; p = p.getParent()) {
                        dirs.add(root.resolve(Path.of("/").relativize(p).toString()));
                    }
                }
            }
        }
        return dirs;
    }

    private static OptionalLong number(Path file) throws IOException {
        return Files.isReadable(file) ? parse(Files.readString(file).strip()) : OptionalLong.empty();
    }

    private static OptionalLong parse(String text) {
        return text.matches("\\d{1,18}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
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
