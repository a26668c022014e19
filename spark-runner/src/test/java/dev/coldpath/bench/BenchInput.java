package dev.coldpath.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark's deterministic input: {@code id BIGINT} and {@code f0..f(K-1) FLOAT} uniform in [-1, 1), seeded
 * per column, written by Spark as exactly {@code files} Parquet files. Generated once per shape and reused; a
 * {@code _bench} marker holds the shape, so a directory of another shape is regenerated.
 */
public final class BenchInput {
    private BenchInput() {
    }

    public static List<String> featureNames(int features) {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < features; k++) {
            names.add("f" + k);
        }
        return names;
    }

    /** The input directory for this shape under {@code root}, written now unless it is already there. */
    public static Path ensure(SparkSession spark, Path root, long rows, int files, int features, long seed) {
        Path dir = root.resolve("input-" + rows + "x" + features + "-" + files + "files-seed" + seed);
        Path marker = dir.resolve("_bench");
        String shape = rows + " " + files + " " + features + " " + seed;
        try {
            if (Files.exists(marker) && Files.readString(marker).equals(shape)) {
                return dir;
            }
            delete(dir);
            List<Column> columns = new ArrayList<>();
            columns.add(col("id"));
            for (int k = 0; k < features; k++) {
                columns.add(rand(seed + k).multiply(lit(2.0)).minus(lit(1.0)).cast("float").as("f" + k));
            }
            long start = System.nanoTime();
            spark.range(0, rows, 1, files).select(columns.toArray(Column[]::new))
                    .write().mode(SaveMode.Overwrite).parquet(dir.toString());
            Files.writeString(marker, shape);
            System.out.printf("generated %,d rows x %d floats in %d files at %s (%.1f s, %s)%n", rows, features, files,
                    dir, (System.nanoTime() - start) / 1e9, humanBytes(size(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the benchmark input " + dir, e);
        }
    }

    /**
     * The same rows as {@link #ensure}, rewritten by Spark (so every column is nullable, as in any table Spark
     * wrote), and one row in {@code every / 2} bad: {@code f0} is null in rows whose id is 7 modulo {@code every},
     * {@code f1} NaN in rows whose id is {@code every / 2 + 7} modulo {@code every}. With {@code every} 2000, 0.1 % of
     * the rows are rejected; with 0, none, which makes the fair baseline for the bad input.
     */
    static Path ensureWithBadRows(SparkSession spark, Path root, long rows, int files, int features, long seed,
                                  int every) {
        Path clean = ensure(spark, root, rows, files, features, seed);
        Path dir = root.resolve(clean.getFileName() + (every == 0 ? "-rewritten" : "-bad" + every));
        Path marker = dir.resolve("_bench");
        String shape = rows + " " + files + " " + features + " " + seed + " bad " + every;
        try {
            if (Files.exists(marker) && Files.readString(marker).equals(shape)) {
                return dir;
            }
            delete(dir);
            Column id = col("id");
            Column nullRow = every == 0 ? lit(false) : id.mod(every).equalTo(7);
            Column nanRow = every == 0 ? lit(false) : id.mod(every).equalTo(every / 2 + 7);
            spark.read().parquet(clean.toString())
                    .withColumn("f0", when(nullRow, lit(null).cast("float")).otherwise(col("f0")))
                    .withColumn("f1", when(nanRow, lit(Float.NaN)).otherwise(col("f1")))
                    .write().mode(SaveMode.Overwrite).parquet(dir.toString());
            Files.writeString(marker, shape);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the benchmark input " + dir, e);
        }
    }

    /** The first data file of a directory, used for warm-up runs. */
    static Path firstDataFile(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Parquet file in " + dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long size(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }

    public static String humanBytes(long bytes) {
        return bytes >= 1L << 30 ? String.format("%.2f GB", bytes / (double) (1L << 30))
                : String.format("%.1f MB", bytes / (double) (1L << 20));
    }
}
