package dev.coldpath.spark;

import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.table.RunLineage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the lineage columns and class names cost on disk: the wine sample 500 times (89,000 rows) scored with
 * output.labels ids and names, each run's Parquet bytes, and the same rows rewritten by Spark with and without
 * the lineage columns. Not run by default (not a *Test); {@code mvn -B -o -q -pl job-core,connectors,spark-runner
 * verify -Dtest=LineageSizeBench -Dsurefire.failIfNoSpecifiedTests=false -DskipITs} prints one SIZE line each.
 */
class LineageSizeBench {
    @TempDir
    Path tmp;

    @Test
    void lineageAndClassNamesBytes() throws Exception {
        SparkSession spark = LocalSpark.get();
        Path in = tmp.resolve("in");
        spark.read().parquet(SampleData.data("wine").toString()).crossJoin(spark.range(500).toDF("k"))
                .selectExpr("id * 1000 + k AS id", "features").repartition(2).write().parquet(in.toString());
        for (String labels : new String[] {"ids", "names"}) {
            long t0 = System.nanoTime();
            RunResult r = new SparkScoringJob(spark).run(JobSpec.from(JobConfig.of(Map.of("model",
                    SampleData.model("wine_mlp").toString(), "input.path", in.toString(), "output.path",
                    tmp.resolve("out-" + labels).toString(), "output.labels", labels, "output.keep-columns", "id"),
                    "t")));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String data = r.dataPath().replaceFirst("^file:", "");
            Path noLineage = tmp.resolve("nolineage-" + labels);
            spark.read().parquet(data).drop(RunLineage.COLUMNS.toArray(String[]::new)).repartition(2).write()
                    .parquet(noLineage.toString());
            Path again = tmp.resolve("again-" + labels);
            spark.read().parquet(data).repartition(2).write().parquet(again.toString());
            System.out.println("SIZE labels=" + labels + " rows=" + r.rowsWritten() + " run_bytes="
                    + bytes(Path.of(data)) + " rewritten_with_lineage=" + bytes(again)
                    + " rewritten_without_lineage=" + bytes(noLineage) + " wall_ms=" + ms);
        }
    }

    private static long bytes(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
