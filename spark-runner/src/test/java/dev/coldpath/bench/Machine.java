package dev.coldpath.bench;

import java.io.IOException;
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
