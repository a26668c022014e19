package dev.coldpath.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Loads scikit-learn's bundled CSVs (Debian package {@code python3-sklearn}).
 *
 * <p>Each file starts with a line {@code rows,features,class names...} instead of column names; every other line
 * holds the features followed by the integer target. Column names are fixed here, in snake_case.
 */
public final class SampleDatasets {
    /** Where Debian's python3-sklearn installs the CSVs. */
    public static final Path DEBIAN_SKLEARN_DATA = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data");

    public static final List<String> BREAST_CANCER_FEATURES = List.of(
            "mean_radius", "mean_texture", "mean_perimeter", "mean_area", "mean_smoothness",
            "mean_compactness", "mean_concavity", "mean_concave_points", "mean_symmetry", "mean_fractal_dimension",
            "radius_error", "texture_error", "perimeter_error", "area_error", "smoothness_error",
            "compactness_error", "concavity_error", "concave_points_error", "symmetry_error",
            "fractal_dimension_error",
            "worst_radius", "worst_texture", "worst_perimeter", "worst_area", "worst_smoothness",
            "worst_compactness", "worst_concavity", "worst_concave_points", "worst_symmetry",
            "worst_fractal_dimension");

    public static final List<String> WINE_FEATURES = List.of(
            "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
            "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280_od315_of_diluted_wines",
            "proline");

    public static final List<String> IRIS_FEATURES = List.of(
            "sepal_length", "sepal_width", "petal_length", "petal_width");

    private final Path csvDirectory;

    public SampleDatasets(Path csvDirectory) {
        this.csvDirectory = csvDirectory;
    }

    /** 569 tumours; target 0 = malignant, 1 = benign (scikit-learn's coding). */
    public SampleDataset breastCancer() {
        return load("breast_cancer", "breast_cancer.csv", BREAST_CANCER_FEATURES);
    }

    /** 178 wines from three cultivars; target 0..2. */
    public SampleDataset wine() {
        return load("wine", "wine_data.csv", WINE_FEATURES);
    }

    /** 150 irises; target 0..2 = setosa, versicolor, virginica. */
    public SampleDataset iris() {
        return load("iris", "iris.csv", IRIS_FEATURES);
    }

    private SampleDataset load(String name, String fileName, List<String> featureNames) {
        Path file = csvDirectory.resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new SampleDataException("Cannot read " + file + ": no such file (install Debian's python3-sklearn "
                    + "with apt-get install python3-sklearn, or pass the folder holding " + fileName
                    + " as the second argument)");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SampleDataException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        lines.removeIf(String::isBlank);
        if (lines.isEmpty()) {
            throw new SampleDataException("Cannot read " + file + ": the file is empty");
        }
        String[] header = lines.get(0).split(",");
        int rows = parseInt(header[0], file, 1);
        int features = parseInt(header[1], file, 1);
        List<String> classNames = List.copyOf(Arrays.asList(header).subList(2, header.length));
        if (features != featureNames.size() || rows != lines.size() - 1) {
            throw new SampleDataException("Cannot read " + file + ": header says " + rows + " rows of " + features
                    + " features, expected " + featureNames.size() + " features and found " + (lines.size() - 1)
                    + " rows");
        }
        float[][] x = new float[rows][];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            String[] cells = lines.get(i + 1).split(",");
            int lineNumber = i + 2;
            if (cells.length != features + 1) {
                throw new SampleDataException("Cannot read " + file + " line " + lineNumber + ": " + cells.length
                        + " cells, expected " + (features + 1));
            }
            x[i] = new float[features];
            for (int j = 0; j < features; j++) {
                x[i][j] = parseFloat(cells[j], file, lineNumber);
            }
            y[i] = parseInt(cells[features], file, lineNumber);
        }
        return new SampleDataset(name, featureNames, classNames, x, y);
    }

    private static int parseInt(String cell, Path file, int lineNumber) {
        try {
            return Integer.parseInt(cell.trim());
        } catch (NumberFormatException e) {
            throw new SampleDataException("Cannot read " + file + " line " + lineNumber + ": '" + cell
                    + "' is not an integer", e);
        }
    }

    private static float parseFloat(String cell, Path file, int lineNumber) {
        try {
            return Float.parseFloat(cell.trim());
        } catch (NumberFormatException e) {
            throw new SampleDataException("Cannot read " + file + " line " + lineNumber + ": '" + cell
                    + "' is not a number", e);
        }
    }

    @Override
    public String toString() {
        return "SampleDatasets[" + csvDirectory + "]";
    }
}
