package dev.coldpath.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the machine looked like at one moment: cpus, memory, load averages (Linux /proc). */
record Machine(int cpus, long memoryBytes, String loadAverage, String java) {
    static Machine now() {
        return new Machine(Runtime.getRuntime().availableProcessors(), memTotal(), loadAverages(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", cpus);
        m.put("memory_bytes", memoryBytes);
        m.put("load_average_1_5_15", loadAverage);
        m.put("java", java);
        return m;
    }

    /**
     * CPU time this JVM has used, all threads (Spark's task threads on {@code local[2]} included): unlike wall
     * time, it hardly moves when other processes load the machine.
     */
    static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * CPU time so far of the JVM's own service threads: its JIT compilers and its garbage collector. These threads
     * live as long as the JVM, so the difference of two readings is their share of {@link #processCpuNanos} between
     * them, which a variant's own threads (task, worker, writer) did not spend. Zero off Linux.
     */
    record ServiceCpu(long jitNanos, long gcNanos) {
        static ServiceCpu now() {
            long jit = 0;
            long gc = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path task : tasks) {
                    try {
                        String name = Files.readString(task.resolve("comm")).strip();
                        boolean compiler = name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
                        boolean collector = name.startsWith("GC Thread") || name.startsWith("G1 ");
                        if (compiler || collector) {
                            // the first field: nanoseconds on a CPU
                            long nanos = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
                            jit += compiler ? nanos : 0;
                            gc += collector ? nanos : 0;
                        }
                    } catch (IOException | RuntimeException e) {
                        // the thread ended while it was read
                    }
                }
            } catch (IOException | RuntimeException e) {
                return new ServiceCpu(0, 0);
            }
            return new ServiceCpu(jit, gc);
        }

        ServiceCpu since(ServiceCpu before) {
            return new ServiceCpu(jitNanos - before.jitNanos, gcNanos - before.gcNanos);
        }
    }

    /** The 1-minute load average, or -1 off Linux. */
    static double load1() {
        String[] parts = loadAverages().split(" ");
        try {
            return Double.parseDouble(parts[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String loadAverages() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static long memTotal() {
        return procKilobytes(Path.of("/proc/meminfo"), "MemTotal:") * 1024;
    }

    /**
     * The CPU time counters of /proc/stat's first line (user, nice, system, idle, iowait, irq, softirq, steal),
     * in clock ticks; empty off Linux. Steal is time this VM was ready to run but the host ran someone else.
     */
    static long[] cpuTicks() {
        try {
            String[] parts = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] ticks = new long[8];
            for (int i = 0; i < ticks.length && i + 1 < parts.length; i++) {
                ticks[i] = Long.parseLong(parts[i + 1]);
            }
            return ticks;
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }

    /** The share of CPU time stolen by the host between two {@link #cpuTicks} readings, or -1. */
    static double stealShare(long[] before, long[] after) {
        if (before.length < 8 || after.length < 8) {
            return -1;
        }
        long total = 0;
        for (int i = 0; i < 8; i++) {
            total += after[i] - before[i];
        }
        return total == 0 ? -1 : (double) (after[7] - before[7]) / total;
    }

    /** A "Key:   123 kB" line of a /proc file, in kB; -1 when absent. */
    static long procKilobytes(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
