package dev.coldpath.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the trainers' own predictions for every row of a data set as CSV, one row per {@code id} in order, so
 * tests can hold ONNX Runtime's outputs against the framework that trained the model. Probabilities are written
 * as float32 (shortest round-trip text), labels as integers.
 */
public final class ExpectedOutputs {
    private ExpectedOutputs() {}

    /** {@code id,probability}. */
    public static void writeLogisticRegression(LogisticRegressionModel model, SampleDataset dataset, Path file) {
        List<String> lines = new ArrayList<>();
        lines.add("id,probability");
        for (int i = 0; i < dataset.rowCount(); i++) {
            lines.add(i + "," + (float) model.probability(dataset.features()[i]));
        }
        write(file, lines);
    }

    /** {@code id,p0,...,p(k-1),label}. */
    public static void writeMlp(MlpModel model, SampleDataset dataset, Path file) {
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder("id");
        for (int k = 0; k < model.classCount(); k++) {
            header.append(",p").append(k);
        }
        lines.add(header.append(",label").toString());
        for (int i = 0; i < dataset.rowCount(); i++) {
            double[] p = model.probabilities(dataset.features()[i]);
            StringBuilder line = new StringBuilder().append(i);
            for (double value : p) {
                line.append(',').append((float) value);
            }
            lines.add(line.append(',').append(Activations.argMax(p)).toString());
        }
        write(file, lines);
    }

    /** {@code id,label,p1}. */
    public static void writeBoostedTrees(BoostedTreesModel model, SampleDataset dataset, Path file) {
        List<String> lines = new ArrayList<>();
        lines.add("id,label,p1");
        for (int i = 0; i < dataset.rowCount(); i++) {
            float[] row = dataset.features()[i];
            lines.add(i + "," + model.label(row) + "," + (float) model.probability(row));
        }
        write(file, lines);
    }

    private static void write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SampleDataException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
