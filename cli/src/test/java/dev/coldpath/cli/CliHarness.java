package dev.coldpath.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;

/** Runs the CLI in-process against one shared local[2] Spark, capturing its output. */
final class CliHarness {
    /** What one command line printed and returned. */
    record Outcome(int exitCode, String out, String err) {
    }

    private static SparkSession spark;
    private static Path icebergWarehouse;

    private CliHarness() {
    }

    static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2]").appName("coldpath-cli-tests")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .getOrCreate();
        }
        return spark;
    }

    /**
     * The embedded Iceberg catalog's warehouse for every test of this JVM, under target/: the shared session's
     * catalog coldpath keeps the first warehouse it is given, so tests tell their tables apart by namespace.
     */
    static synchronized String icebergWarehouse() {
        if (icebergWarehouse == null) {
            try {
                Path target = Files.createDirectories(Paths.get("target"));
                icebergWarehouse = Files.createTempDirectory(target.toAbsolutePath(), "iceberg-warehouse-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return icebergWarehouse.toString();
    }

    static Outcome run(String... args) {
        spark();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Coldpath.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    static Path projectDir() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("sample-data/models"))) {
                return p;
            }
        }
        throw new IllegalStateException("project root not found above " + Paths.get("").toAbsolutePath());
    }

    static String model(String name) {
        return projectDir().resolve("sample-data/models/" + name + ".onnx").toString();
    }

    static String data(String name) {
        return projectDir().resolve("sample-data/data/" + name + ".parquet").toString();
    }

    static final String BREAST_CANCER_FEATURES = String.join(",", "mean_radius", "mean_texture", "mean_perimeter",
            "mean_area", "mean_smoothness", "mean_compactness", "mean_concavity", "mean_concave_points",
            "mean_symmetry", "mean_fractal_dimension", "radius_error", "texture_error", "perimeter_error",
            "area_error", "smoothness_error", "compactness_error", "concavity_error", "concave_points_error",
            "symmetry_error", "fractal_dimension_error", "worst_radius", "worst_texture", "worst_perimeter",
            "worst_area", "worst_smoothness", "worst_compactness", "worst_concavity", "worst_concave_points",
            "worst_symmetry", "worst_fractal_dimension");

    /** The executable {@code name} on the PATH, or null. */
    static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
