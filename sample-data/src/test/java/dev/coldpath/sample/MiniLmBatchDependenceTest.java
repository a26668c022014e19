package dev.coldpath.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The trap of dynamically quantized encoders: the same short text embedded alone, then padded in a batch with seven
 * long dictionary entries. The int8 model's embedding moves (its quantization range spans the whole batch tensor);
 * the float32 model's does not.
 */
@Tag("slow") // excluded by mvn -Pquick: builds target/text-models once (about two minutes)
class MiniLmBatchDependenceTest {
    /** Eight: each of the seven places in the batch taken by a short text at least once. */
    private static final int SHORT_TEXTS = 8;

    @Test
    void quantizedEncoderEmbedsATextDifferentlyWhenItSharesAPaddedBatchWithLongerTexts() {
        double[] cosines = cosinesAloneVersusBatched(MiniLm.QUANTIZED);

        System.out.printf(Locale.ROOT, "all-minilm-l6-v2-q, alone vs in a batch: cosine min %.6f max %.6f%n",
                min(cosines), max(cosines));
        assertThat(min(cosines)).isLessThan(0.9995).isGreaterThan(0.9);
    }

    @Test
    void fullPrecisionEncoderEmbedsATextTheSameAloneAndInAPaddedBatch() {
        double[] cosines = cosinesAloneVersusBatched(MiniLm.FULL_PRECISION);

        System.out.printf(Locale.ROOT, "all-minilm-l6-v2, alone vs in a batch: cosine min %.8f%n", min(cosines));
        assertThat(min(cosines)).isGreaterThan(0.999999);
    }

    @Test
    void quantizedEncoderGivesTheSameEmbeddingForATextScoredAloneTwice() {
        String text = shortTexts().get(0);
        try (SentenceEmbedder embedder = embedder(MiniLm.QUANTIZED)) {
            assertThat(embedder.embed(text)).containsExactly(embedder.embed(text));
        }
    }

    /** For each short text: cosine of its embedding alone to its embedding in a batch with seven long entries. */
    private static double[] cosinesAloneVersusBatched(MiniLm model) {
        List<String> shortTexts = shortTexts();
        List<String> longTexts = new ArrayList<>();
        for (Map<String, Object> row : query("SELECT text FROM read_parquet('%s') WHERE kind = 'entry' ORDER BY id "
                + "LIMIT 7")) {
            longTexts.add((String) row.get("text"));
        }
        double[] cosines = new double[shortTexts.size()];
        try (SentenceEmbedder embedder = embedder(model)) {
            for (int i = 0; i < shortTexts.size(); i++) {
                List<String> batch = new ArrayList<>(longTexts);
                batch.add(i % batch.size(), shortTexts.get(i));
                float[] batched = embedder.embedBatch(batch)[i % longTexts.size()];
                cosines[i] = cosine(embedder.embed(shortTexts.get(i)), batched);
            }
        }
        return cosines;
    }

    private static List<String> shortTexts() {
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> row : query("SELECT text FROM read_parquet('%s') WHERE kind = 'gloss' "
                + "AND length(text) < 60 ORDER BY id LIMIT " + SHORT_TEXTS)) {
            texts.add((String) row.get("text"));
        }
        return texts;
    }

    private static SentenceEmbedder embedder(MiniLm model) {
        Path folder = TextModelsFolder.get().resolve(model.folderName());
        return SentenceEmbedder.ofFolder(folder, MiniLm.MAX_LENGTH);
    }

    private static List<Map<String, Object>> query(String sql) {
        return SampleDirectory.query(String.format(sql,
                SampleDirectory.resolve(WordNetSampleGenerator.DATA_FILE).toAbsolutePath()));
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int j = 0; j < a.length; j++) {
            dot += (double) a[j] * b[j];
            normA += (double) a[j] * a[j];
            normB += (double) b[j] * b[j];
        }
        return dot / Math.sqrt(normA * normB);
    }

    private static double min(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        for (double value : values) {
            min = Math.min(min, value);
        }
        return min;
    }

    private static double max(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : values) {
            max = Math.max(max, value);
        }
        return max;
    }
}
