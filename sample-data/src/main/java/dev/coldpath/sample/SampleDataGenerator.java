package dev.coldpath.sample;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Regenerates everything under sample-data/: the Parquet inputs in {@code data/}, the ONNX models in
 * {@code models/} and the trainers' own predictions in {@code expected/}. Same CSVs in, same bytes out.
 *
 * <p>Usage: {@code SampleDataGenerator SAMPLE_DATA_DIR [CSV_DIR]}; CSV_DIR defaults to where Debian's
 * python3-sklearn installs scikit-learn's data sets.
 */
public final class SampleDataGenerator {
    static final String TRAINED_BY = "coldpath SampleDataGenerator";
    /** Every model must classify at least this share of its training rows correctly. */
    static final double MIN_TRAINING_ACCURACY = 0.95;

    static final LogisticRegressionTrainer LOGISTIC_REGRESSION = new LogisticRegressionTrainer(2000, 0.1, 1e-3);
    static final MlpTrainer MLP = new MlpTrainer(16, 500, 0.1, 42);
    static final GradientBoostedTreesTrainer BOOSTED_TREES = new GradientBoostedTreesTrainer(20, 2, 0.3, 5);

    private final Path sampleDirectory;
    private final SampleDatasets datasets;

    public SampleDataGenerator(Path sampleDirectory, Path csvDirectory) {
        this.sampleDirectory = sampleDirectory;
        this.datasets = new SampleDatasets(csvDirectory);
    }

    public static void main(String[] args) {
        int exitCode = run(args, System.out, System.err);
        if (exitCode != 0) {
            System.exit(exitCode); // only on failure: under exec:java an exit would also end Maven
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 1 || args.length > 2) {
            err.println("Usage: SampleDataGenerator SAMPLE_DATA_DIR [CSV_DIR]  (CSV_DIR defaults to "
                    + SampleDatasets.DEBIAN_SKLEARN_DATA + ")");
            return 2;
        }
        Path csvDirectory = args.length == 2 ? Path.of(args[1]) : SampleDatasets.DEBIAN_SKLEARN_DATA;
        try {
            new SampleDataGenerator(Path.of(args[0]), csvDirectory).generate().forEach(out::println);
            return 0;
        } catch (SampleDataException e) {
            err.println("sample-data: " + e.getMessage());
            return 1;
        }
    }

    /** Writes every file and returns one summary line per file. */
    public List<String> generate() {
        // Load everything first: a missing CSV fails before any file is replaced.
        SampleDataset breastCancer = datasets.breastCancer();
        SampleDataset wine = datasets.wine();
        SampleDataset iris = datasets.iris();
        List<String> report = new ArrayList<>();

        SampleParquetWriter parquet = new SampleParquetWriter();
        Path breastCancerData = path("data", "breast_cancer.parquet");
        parquet.writeFlat(breastCancer, "diagnosis", breastCancerData);
        Path wineData = path("data", "wine.parquet");
        parquet.writeFeatureList(wine, "features", "cultivar", wineData);
        Path irisData = path("data", "iris.parquet");
        parquet.writeFlatWithClassName(iris, "species", irisData);
        for (Path file : List.of(breastCancerData, wineData, irisData)) {
            report.add(describe(file));
        }

        LogisticRegressionModel logreg = LOGISTIC_REGRESSION.train(breastCancer.features(), breastCancer.targets());
        double logregAccuracy = accuracy(breastCancer, row -> logreg.probability(row) > 0.5 ? 1 : 0);
        String logregName = "breast_cancer_logreg";
        Map<String, String> logregMetadata = metadata(breastCancer, "data/breast_cancer.parquet",
                String.join(",", breastCancer.featureNames()), "diagnosis",
                "logistic regression on standardised features, full-batch gradient descent from zero weights, "
                        + LOGISTIC_REGRESSION.epochs() + " epochs, learning rate " + LOGISTIC_REGRESSION.learningRate()
                        + ", L2 " + LOGISTIC_REGRESSION.l2(),
                logregAccuracy);
        Path logregFile = path("models", logregName + ".onnx");
        OnnxGraphs.write(OnnxGraphs.logisticRegression(logregName, logreg,
                "Breast cancer diagnosis: probability that a tumour is benign (class 1).", logregMetadata), logregFile);
        Path logregExpected = path("expected", logregName + ".csv");
        ExpectedOutputs.writeLogisticRegression(logreg, breastCancer, logregExpected);
        report.add(describe(logregFile, logregAccuracy));
        report.add(describe(logregExpected));

        MlpModel mlp = MLP.train(wine.features(), wine.targets(), wine.classNames().size());
        double mlpAccuracy = accuracy(wine, mlp::label);
        String mlpName = "wine_mlp";
        Map<String, String> mlpMetadata = metadata(wine, "data/wine.parquet", "features", "cultivar",
                "multilayer perceptron " + mlp.inputSize() + "-" + mlp.hiddenSize() + "-" + mlp.classCount()
                        + " (ReLU, softmax) on standardised features, softmax cross-entropy, full-batch gradient "
                        + "descent, " + MLP.epochs() + " epochs, learning rate " + MLP.learningRate()
                        + ", He-normal initialisation with java.util.Random seed " + MLP.seed(),
                mlpAccuracy);
        Path mlpFile = path("models", mlpName + ".onnx");
        OnnxGraphs.write(OnnxGraphs.mlp(mlpName, "features", mlp,
                "Wine cultivar (0, 1, 2) from 13 chemical measurements.", mlpMetadata), mlpFile);
        Path mlpExpected = path("expected", mlpName + ".csv");
        ExpectedOutputs.writeMlp(mlp, wine, mlpExpected);
        report.add(describe(mlpFile, mlpAccuracy));
        report.add(describe(mlpExpected));

        BoostedTreesModel trees = BOOSTED_TREES.train(breastCancer.features(), breastCancer.targets());
        double treesAccuracy = accuracy(breastCancer, trees::label);
        String treesName = "breast_cancer_trees";
        Map<String, String> treesMetadata = metadata(breastCancer, "data/breast_cancer.parquet",
                String.join(",", breastCancer.featureNames()), "diagnosis",
                "gradient-boosted regression trees on the logistic loss (Newton leaf values), "
                        + BOOSTED_TREES.treeCount() + " trees of depth <= " + BOOSTED_TREES.maxDepth()
                        + ", learning rate " + BOOSTED_TREES.learningRate() + ", at least "
                        + BOOSTED_TREES.minRowsPerLeaf() + " rows per leaf, prior log-odds folded into the first "
                        + "tree, float32 thresholds (BRANCH_LEQ)",
                treesAccuracy);
        Path treesFile = path("models", treesName + ".onnx");
        OnnxGraphs.write(OnnxGraphs.boostedTrees(treesName, breastCancer.featureCount(), trees,
                "Breast cancer diagnosis with boosted trees: label and class probabilities (1 = benign).",
                treesMetadata), treesFile);
        Path treesExpected = path("expected", treesName + ".csv");
        ExpectedOutputs.writeBoostedTrees(trees, breastCancer, treesExpected);
        report.add(describe(treesFile, treesAccuracy));
        report.add(describe(treesExpected));
        return report;
    }

    private Path path(String folder, String fileName) {
        return sampleDirectory.resolve(folder).resolve(fileName);
    }

    private static Map<String, String> metadata(SampleDataset dataset, String dataFile, String inputColumns,
            String targetColumn, String training, double accuracy) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("dataset", dataset.name());
        metadata.put("data_file", dataFile);
        metadata.put("input_columns", inputColumns);
        metadata.put("feature_names", String.join(",", dataset.featureNames()));
        metadata.put("target_column", targetColumn);
        metadata.put("classes", String.join(",", dataset.classNames()));
        metadata.put("trained_by", TRAINED_BY);
        metadata.put("training", training);
        metadata.put("training_accuracy", String.format(Locale.ROOT, "%.4f", accuracy));
        return metadata;
    }

    private static double accuracy(SampleDataset dataset, ToIntFunction<float[]> classifier) {
        int correct = 0;
        for (int i = 0; i < dataset.rowCount(); i++) {
            if (classifier.applyAsInt(dataset.features()[i]) == dataset.targets()[i]) {
                correct++;
            }
        }
        double accuracy = (double) correct / dataset.rowCount();
        if (accuracy < MIN_TRAINING_ACCURACY) {
            throw new SampleDataException(String.format(Locale.ROOT,
                    "Cannot accept a model for %s: training accuracy %.4f is below %.2f (check the trainer settings)",
                    dataset.name(), accuracy, MIN_TRAINING_ACCURACY));
        }
        return accuracy;
    }

    private String describe(Path file, double trainingAccuracy) {
        return describe(file) + String.format(Locale.ROOT, "  training accuracy %.4f", trainingAccuracy);
    }

    private String describe(Path file) {
        try {
            return String.format(Locale.ROOT, "%-36s %8d bytes", sampleDirectory.relativize(file), Files.size(file));
        } catch (IOException e) {
            throw new SampleDataException("Cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }
}
