package dev.coldpath.bench;

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
            Path input = BenchInput.ensure(spark, options.out().resolve("data"), rows, options.files(),
                    options.features(), ThroughputBench.SEED);
            Map<String, Object> r = child(model, input, rows);
            results.add(r);
            if (rows > 2_000_000 && !options.keepRssInput()) {
                BenchInput.delete(input);
            }
        }
        System.out.printf("%n== peak RSS, tiny model, child -Xmx%s, %d input files (load before %s, after %s)%n",
                options.rssXmx(), options.files(), before.loadAverage(), Machine.now().loadAverage());
        for (Map<String, Object> r : results) {
            System.out.printf(Locale.ROOT, "  %,12d rows  VmHWM %,8d MB  (%s s, %s rows/s, peak heap %s MB,"
                            + " sessions %s)%n", r.get("rows"), (Long) r.get("vmhwm_kb") / 1024,
                    r.get("seconds"), r.get("rows_per_second"), r.get("heap_pool_peaks_sum_mb"), r.get("sessions"));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", options.commandLine());
        json.put("xmx", options.rssXmx());
        json.put("machine_before", before.toMap());
        json.put("runs", results);
        if (results.size() >= 2) {
            double ratio = ((Long) results.get(results.size() - 1).get("vmhwm_kb")).doubleValue()
                    / (Long) results.get(0).get("vmhwm_kb");
            json.put("ratio_largest_over_smallest", ratio);
            System.out.printf(Locale.ROOT, "  ratio %,d rows / %,d rows: %.3f  %s (target: within 10 %%)%n",
                    results.get(results.size() - 1).get("rows"), results.get(0).get("rows"), ratio,
                    Math.abs(ratio - 1) <= 0.10 ? "MET" : "MISSED");
        }
        new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValue(options.out().resolve("rss.json").toFile(), json);
    }

    private Map<String, Object> child(Path model, Path input, long rows) throws IOException, InterruptedException {
        Path table = options.out().resolve("runs").resolve("rss-" + rows);
        BenchInput.delete(table);
        Path argFile = options.out().resolve("child-classpath.args");
        Files.writeString(argFile, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
        Path report = options.out().resolve("rss-" + rows + ".out");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-Djdk.reflect") || arg.startsWith("-Dio.netty")
                    || arg.startsWith("-Dlog4j2")) {
                command.add(arg);
            }
        }
        command.add("-Xmx" + options.rssXmx());
        command.add("@" + argFile);
        command.add(RssChild.class.getName());
        command.addAll(List.of(model.toString(), input.toString(), table.toString(),
                String.valueOf(options.batchSize()), String.valueOf(options.features())));
        System.out.printf("== child JVM: coldpath on %,d rows (-Xmx%s)%n", rows, options.rssXmx());
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
        r.put("vmhwm_kb_polled", polled);
        for (String line : Files.readAllLines(report)) {
            int eq = line.indexOf('=');
            if (line.startsWith("rss.") && eq > 0) {
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
