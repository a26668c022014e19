package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.testing.TextModels;
import dev.coldpath.core.testing.TextReference;
import dev.coldpath.core.text.TextTokenizer;
import dev.coldpath.core.text.TokenizerCache;
import dev.coldpath.spark.ExecutorSessions;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full-precision all-MiniLM-L6-v2 (a model folder: model.onnx, tokenizer.json) run by {@code coldpath score} on
 * local Spark over 250 real sentences, an empty text and a null one, in 4 input partitions: every row's embedding,
 * read back with DuckDB and joined by id, equals the per-text reference (DJL's tokenizer and plain ONNX Runtime, one
 * text per call, no padding) within 1e-5 per component; a few agree with langchain4j's own MiniLM embedding model
 * (another implementation) to a cosine of 0.9999; the JVM loaded one tokenizer and opened one session.
 */
class TextEmbeddingsRunTest {
    @TempDir
    static Path tmp;
    private static List<String> texts;
    private static Path input;
    private static CliHarness.Outcome run;
    private static CliHarness.Outcome naive;
    private static long tokenizersLoaded;
    private static long sessionsOpened;
    private static List<float[]> reference;

    @BeforeAll
    static void scoreTheSentences() {
        texts = new ArrayList<>(TextModels.sentences());
        texts.add(""); // id 250: scored as the tokenizer encodes it
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create((long) i, texts.get(i)));
        }
        rows.add(RowFactory.create(999L, null)); // a null text: the bad-row policy
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("body", DataTypes.StringType);
        input = tmp.resolve("sentences");
        CliHarness.spark().createDataFrame(rows, schema).repartition(4).write().parquet(input.toString());
        ExecutorSessions.cache().reset();
        TokenizerCache.reset();

        run = CliHarness.run("score", "--model", TextModels.minilm().toString(), "--input", input.toString(),
                "--output", tmp.resolve("table").toString(), "--text-column", "body", "--normalize",
                "--batch-size", "32", "--run-id", "minilm", "--set", "bad-rows.policy=quarantine");
        tokenizersLoaded = TokenizerCache.created();
        sessionsOpened = ExecutorSessions.cache().sessionsCreated();
        naive = CliHarness.run("score", "--model", TextModels.minilm().toString(), "--input", input.toString(),
                "--output", tmp.resolve("naive").toString(), "--text-column", "body", "--normalize",
                "--batch-size", "32", "--run-id", "minilm", "--set", "bad-rows.policy=quarantine",
                "--set", "text.bucketing=false", "--set", "text.max-batch-tokens=0");
    }

    private static Map<Long, float[]> embeddings() throws Exception {
        return embeddings("table");
    }

    private static RunManifest manifest(String table) throws Exception {
        try (Stream<Path> dirs = Files.list(tmp.resolve(table))) {
            Path runDir = dirs.filter(d -> d.getFileName().toString().startsWith("run=minilm@")).findFirst()
                    .orElseThrow();
            return RunManifest.read(Files.readAllBytes(runDir.resolve("_manifest.json")), "manifest");
        }
    }

    private static Map<Long, float[]> embeddings(String table) throws Exception {
        Map<Long, float[]> out = new HashMap<>();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = duckdb.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, embedding FROM read_parquet('"
                     + tmp.resolve(table) + "/run=minilm@*/*.parquet')")) {
            while (rs.next()) {
                Array array = rs.getArray(2);
                Object[] values = (Object[]) array.getArray();
                float[] v = new float[values.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = ((Number) values[i]).floatValue();
                }
                assertThat(out.put(rs.getLong(1), v)).as("id %s written once", rs.getLong(1)).isNull();
            }
        }
        return out;
    }

    @Test
    void everyRowsEmbeddingEqualsItsTextScoredAloneWithin1e5() throws Exception {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertEqualsTheReference(embeddings());
    }

    /** Batches in the input's order, without a token budget: the same embeddings, and more padding. */
    @Test
    void bucketingByLengthChangesNoEmbeddingAndPadsLess() throws Exception {
        assertThat(naive.exitCode()).as(naive.err()).isZero();
        assertEqualsTheReference(embeddings("naive"));
        RunManifest.Text bucketed = manifest("table").metrics().text();
        RunManifest.Text unsorted = manifest("naive").metrics().text();
        assertThat(bucketed.tokens()).isEqualTo(unsorted.tokens());
        assertThat(bucketed.paddedTokens()).isLessThan(unsorted.paddedTokens());
        System.out.printf("TextEmbeddingsRunTest: tokens %d, padded with bucketing %d, without %d%n",
                bucketed.tokens(), bucketed.paddedTokens(), unsorted.paddedTokens());
    }

    private static void assertEqualsTheReference(Map<Long, float[]> written) {
        assertThat(written.keySet()).as("every id but the null text's, once")
                .containsExactlyInAnyOrderElementsOf(Stream.iterate(0L, i -> i + 1).limit(texts.size()).toList());
        List<float[]> reference = reference();
        double worst = 0;
        for (int i = 0; i < texts.size(); i++) {
            float[] expected = reference.get(i);
            float[] actual = written.get((long) i);
            assertThat(actual).hasSize(TextModels.DIMENSIONS);
            for (int h = 0; h < expected.length; h++) {
                worst = Math.max(worst, Math.abs(expected[h] - actual[h]));
            }
        }
        assertThat(worst).isLessThan(1e-5);
        System.out.printf("TextEmbeddingsRunTest: max abs difference to the per-text reference %.3g%n", worst);
    }

    /** Each text embedded alone by ONNX Runtime, without padding: computed once for the class's two runs. */
    private static synchronized List<float[]> reference() {
        if (reference == null) {
            List<float[]> embedded = new ArrayList<>();
            try (TextReference model = new TextReference(TextModels.minilm(), 128)) {
                for (String text : texts) {
                    embedded.add(model.embed(text, true));
                }
            }
            reference = List.copyOf(embedded);
        }
        return reference;
    }

    @Test
    void embeddingsAgreeWithLangchain4jsMiniLm() throws Exception {
        Map<Long, float[]> written = embeddings();
        AllMiniLmL6V2EmbeddingModel langchain4j = new AllMiniLmL6V2EmbeddingModel();
        for (int i : new int[] {0, 1, 2, 3, 4, 5, 6, 7}) {
            float[] theirs = langchain4j.embed(texts.get(i)).content().vector();
            double cosine = cosine(written.get((long) i), theirs);
            assertThat(cosine).as("sentence %d: %s", i, texts.get(i)).isGreaterThanOrEqualTo(0.9999);
            System.out.printf("TextEmbeddingsRunTest: cosine to langchain4j, sentence %d: %.7f%n", i, cosine);
        }
    }

    @Test
    void oneTokenizerAndOneSessionServedTheRunAndTheManifestCountsTruncatedTexts() throws Exception {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(tokenizersLoaded).isEqualTo(1);
        assertThat(sessionsOpened).isEqualTo(1);
        RunManifest manifest = manifest("table");
        long longTexts;
        try (TextTokenizer untruncated = TextTokenizer.load(Files.readAllBytes(TextModels.minilm()
                .resolve("tokenizer.json")), "tokenizer.json", 100_000)) {
            longTexts = texts.stream().filter(t -> untruncated.encode(t).length() > 128).count();
        }
        assertThat(longTexts).isEqualTo(10);
        assertThat(manifest.rows()).isEqualTo(new RunManifest.Rows(texts.size() + 1, texts.size(), 1));
        assertThat(manifest.metrics().text().rows()).isEqualTo(texts.size());
        assertThat(manifest.metrics().text().truncatedRows()).isEqualTo(longTexts);
        assertThat(manifest.sessions().created()).isEqualTo(1);
        assertThat(run.out()).contains(String.format("  text      %,d texts, %,d tokens (",
                texts.size(), manifest.metrics().text().tokens())).contains(", 10 truncated at text.max-length\n");
        assertThat(run.out()).contains("/_quarantine (1 rows");
        // a float model: nothing about quantization (QuantizedTextModelTest shows what a quantized one gets)
        assertThat(manifest.model().quantization()).isNull();
        assertThat(manifest.model().batchDependent()).isNull();
        assertThat(run.out()).doesNotContain("batch-invariant").doesNotContain("quantization");
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
