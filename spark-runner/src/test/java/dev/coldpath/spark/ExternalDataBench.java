package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.testing.ExternalDataModels;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: a 300 MB external-data model against a 1 MB one, scored on local Spark in this JVM (the driver and the
 * executor). For each: the peak heap in use (the heap pools' peak usage, reset after a full GC before the run),
 * and, from a JFR recording of every allocation outside a TLAB (every large array is one), the largest
 * {@code byte[]} allocated. Not run by default (not a *Test): {@code mvn -B -o -q -pl job-core,connectors,spark-runner
 * verify -Dtest=ExternalDataBench -Dsurefire.failIfNoSpecifiedTests=false -DskipITs} prints one MEMORY line each.
 */
class ExternalDataBench {
    private static final int INPUTS = 4096;

    @TempDir
    Path tmp;

    @Test
    void aLargeExternalDataModelScoresWithoutAModelSizedArray() throws Exception {
        SparkSession spark = LocalSpark.get();
        Path in = tmp.resolve("in");
        spark.range(256).selectExpr("id", "transform(sequence(1, " + INPUTS + "), i -> cast(sin(id * i) AS float))"
                + " AS features").repartition(2).write().parquet(in.toString());
        Path small = ExternalDataModels.matMul(tmp.resolve("small/model.onnx"), "model.onnx_data", INPUTS, 64, 1);
        Path large = ExternalDataModels.matMul(tmp.resolve("large/model.onnx"), "model.onnx_data", INPUTS, 19_200, 1);

        Result one = score(spark, small, in, "small");
        Result big = score(spark, large, in, "large");

        for (Result r : new Result[] {one, big}) {
            System.out.println("MEMORY model_bytes=" + r.modelBytes + " peak_heap_mb=" + r.peakHeap / (1 << 20)
                    + " largest_byte_array=" + r.largestByteArray + " largest_array=" + r.largestArray
                    + " (" + r.largestArrayClass + ") rows=" + r.rows + " wall_ms=" + r.wallMs);
        }
        assertThat(big.largestByteArray).as("no byte[] of the model's size").isLessThan(big.modelBytes / 10);
        assertThat(big.peakHeap - one.peakHeap).as("peak heap over the 1 MB model's").isLessThan(256L << 20);
    }

    private record Result(long modelBytes, long peakHeap, long largestByteArray, long largestArray,
                          String largestArrayClass, long rows, long wallMs) {
    }

    private Result score(SparkSession spark, Path model, Path in, String name) throws Exception {
        long modelBytes = Files.size(model) + Files.size(model.resolveSibling("model.onnx_data"));
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        Path jfr = tmp.resolve(name + ".jfr");
        long rows;
        long start = System.nanoTime();
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
            recording.start();
            rows = new SparkScoringJob(spark).run(JobSpec.from(JobConfig.of(Map.of("model", model.toString(),
                    "input.path", in.toString(), "output.path", tmp.resolve("out-" + name).toString(),
                    "output.keep-columns", "id", "features.x", "features", "inference.batch-size", "32"), "bench"))).rowsWritten();
            recording.stop();
            recording.dump(jfr);
        }
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long largestBytes = 0;
        long largest = 0;
        String largestClass = "-";
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            long size = e.getLong("allocationSize");
            String type = e.getClass("objectClass").getName();
            if (type.equals("byte[]") || type.equals("[B")) {
                largestBytes = Math.max(largestBytes, size);
            }
            if (size > largest) {
                largest = size;
                largestClass = type;
            }
        }
        return new Result(modelBytes, peak, largestBytes, largest, largestClass, rows, wallMs);
    }
}
