package dev.coldpath.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Peak RSS of a whole coldpath run (tiny model) at several input sizes, each in a fresh child JVM running
 * {@link RssChild} with the same classpath, Spark options and a fixed {@code -Xmx}: on local[2] the driver and
 * the executor share that JVM, so its VmHWM is the executor's peak plus the driver's. The parent polls the
 * child's /proc status; the child also reports its own VmHWM just before it exits.
 */
final class RssBench {
    private final BenchOptions options;
    private final SparkSession spark;

    RssBench(BenchOptions options, SparkSession spark) {
        this.options = options;
        this.spark = spark;
    }

    void run(Path model) throws Exception {
        Machine before = Machine.now();
        List<Map<String, Object>> results = new ArrayList<>();
        for (long rows : options.rssRows()) {
            Path input = BenchInput.ensure(spark, options.out().resolve("data"), rows, files(rows),
                    options.features(), ThroughputBench.SEED);
            for (String variant : options.rssVariants()) {
                results.add(child(model, input, rows, variant));
            }
            if (rows > 2_000_000 && !options.keepRssInput()) {
                BenchInput.delete(input);
            }
        }
        System.out.printf("%n== peak RSS, tiny model, child -Xmx%s, %s (load before %s, after %s)%n",
                options.rssXmx(), options.rssRowsPerFile() > 0 ? String.format(Locale.ROOT, "%,d rows per input file",
                        options.rssRowsPerFile()) : options.files() + " input files", before.loadAverage(),
                Machine.now().loadAverage());
        for (Map<String, Object> r : results) {
            System.out.printf(Locale.ROOT, "  %-8s %,12d rows  VmHWM %,6d MB  live heap %5s MB  peak heap %5s MB"
                            + "  heap committed %5s MB  (%s s, cpu %s s, %s rows/s, sessions %s)%n", r.get("variant"),
                    r.get("rows"), (Long) r.get("vmhwm_kb") / 1024, r.get("live_heap_peak_mb"),
                    r.get("heap_pool_peaks_sum_mb"), r.get("heap_committed_mb"), r.get("seconds"),
                    r.get("cpu_seconds"), r.get("rows_per_second"), r.get("sessions"));
            System.out.println("      at the peak (MB): " + peakBreakdown(r));
            ((List<?>) r.get("native_memory_committed")).stream().filter(l -> !String.valueOf(l).contains("=0KB"))
                    .forEach(l -> System.out.println("      " + l));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", options.commandLine());
        json.put("xmx", options.rssXmx());
        json.put("rows_per_file", options.rssRowsPerFile());
        json.put("machine_before", before.toMap());
        json.put("runs", results);
        for (String variant : List.of("coldpath", "copy", "local")) {
            List<Map<String, Object>> runs = results.stream().filter(r -> variant.equals(r.get("variant"))).toList();
            if (runs.size() >= 2) {
                Map<String, Object> small = runs.get(0);
                Map<String, Object> large = runs.get(runs.size() - 1);
                double ratio = ((Long) large.get("vmhwm_kb")).doubleValue() / (Long) small.get("vmhwm_kb");
                json.put(variant + "_ratio_largest_over_smallest", ratio);
                System.out.printf(Locale.ROOT, "  %-8s VmHWM ratio %,d rows / %,d rows: %.3f%s; live heap %s -> %s MB%n",
                        variant, large.get("rows"), small.get("rows"), ratio, !variant.equals("copy")
                                ? (Math.abs(ratio - 1) <= 0.10 ? "  MET (target: within 10 %)"
                                : "  MISSED (target: within 10 %)") : "",
                        small.get("live_heap_peak_mb"), large.get("live_heap_peak_mb"));
            }
        }
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(options.out().resolve("rss.json").toFile(), json);
    }

    /** The child's resident memory at its peak, taken apart by {@link RssPeak}, in MB (threads: a count). */
    private static String peakBreakdown(Map<String, Object> run) {
        StringBuilder line = new StringBuilder();
        run.forEach((key, value) -> {
            if (key.startsWith("peak.")) {
                long v = Long.parseLong(String.valueOf(value));
                String name = key.substring("peak.".length());
                boolean count = name.equals("threads");
                line.append(name).append('=').append(count ? v : v >> 10).append(' ');
            }
        });
        return line.toString().strip();
    }

    /**
     * Input files for a size: as many as keep the rows per file (and so the Parquet row groups, which a reader
     * holds whole) the same at every size, so that only the row count differs; or --files at every size.
     */
    private int files(long rows) {
        long perFile = options.rssRowsPerFile();
        return perFile <= 0 ? options.files() : (int) Math.max(1, (rows + perFile - 1) / perFile);
    }

    private Map<String, Object> child(Path model, Path input, long rows, String variant)
            throws IOException, InterruptedException {
        Path table = options.out().resolve("runs").resolve("rss-" + variant + "-" + rows);
        BenchInput.delete(table);
        Path argFile = options.out().resolve("child-classpath.args");
        Files.writeString(argFile, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
        Path report = options.out().resolve("rss-" + variant + "-" + rows + ".out");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-Djdk.") || arg.startsWith("-Dio.netty")
                    || arg.startsWith("-Dlog4j2")) {
                command.add(arg);
            }
        }
        command.add("-Xmx" + options.rssXmx());
        command.add("-XX:NativeMemoryTracking=summary"); // the child's native memory by category (rss.nmt lines)
        String extra = System.getenv("BENCH_CHILD_JAVA_OPTS"); // e.g. GC settings to compare
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        if (System.getenv("BENCH_CHILD_JFR") != null) {
            command.add("-XX:StartFlightRecording=settings=profile,filename=" + options.out().resolve("rss-" + variant + "-" + rows + ".jfr"));
        }
        command.add("@" + argFile);
        command.add(RssChild.class.getName());
        command.addAll(List.of(model.toString(), input.toString(), table.toString(),
                String.valueOf(options.batchSize()), String.valueOf(options.features()), variant));
        System.out.printf("== child JVM: %s on %,d rows (-Xmx%s)%n", variant, rows, options.rssXmx());
        Process process = new ProcessBuilder(command).redirectOutput(report.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
        long polled = 0;
        while (process.isAlive()) {
            polled = Math.max(polled, Machine.procKilobytes(status, "VmHWM:"));
            Thread.sleep(100);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("The RSS child failed with exit code " + process.exitValue()
                    + "; its output is in " + report);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rows", rows);
        r.put("files", files(rows));
        r.put("vmhwm_kb_polled", polled);
        List<String> nativeMemory = new ArrayList<>();
        r.put("native_memory_committed", nativeMemory);
        for (String line : Files.readAllLines(report)) {
            int eq = line.indexOf('=');
            if (line.startsWith("rss.nmt ")) {
                nativeMemory.add(line.substring("rss.nmt ".length()));
            } else if (line.startsWith("rss.") && eq > 0) {
                String key = line.substring(4, eq);
                String value = line.substring(eq + 1);
                r.put(key, key.equals("vmhwm_kb") ? (Object) Long.parseLong(value) : value);
            }
        }
        r.putIfAbsent("vmhwm_kb", polled);
        BenchInput.delete(table);
        return r;
    }
}
