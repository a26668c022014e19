package dev.coldpath.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the committed sample models and Parquet inputs are. */
final class SampleData {
    static final String[] BREAST_CANCER_FEATURES = {
        "mean_radius", "mean_texture", "mean_perimeter", "mean_area", "mean_smoothness", "mean_compactness",
        "mean_concavity", "mean_concave_points", "mean_symmetry", "mean_fractal_dimension", "radius_error",
        "texture_error", "perimeter_error", "area_error", "smoothness_error", "compactness_error",
        "concavity_error", "concave_points_error", "symmetry_error", "fractal_dimension_error", "worst_radius",
        "worst_texture", "worst_perimeter", "worst_area", "worst_smoothness", "worst_compactness",
        "worst_concavity", "worst_concave_points", "worst_symmetry", "worst_fractal_dimension"};

    private SampleData() {
    }

    static Path dir() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("sample-data/models"))) {
                return p.resolve("sample-data");
            }
        }
        throw new IllegalStateException("sample-data/ not found above " + Paths.get("").toAbsolutePath());
    }

    static Path model(String name) {
        return dir().resolve("models/" + name + ".onnx");
    }

    static Path data(String name) {
        return dir().resolve("data/" + name + ".parquet");
    }
}
