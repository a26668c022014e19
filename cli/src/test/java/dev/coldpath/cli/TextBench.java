package dev.coldpath.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.coldpath.core.testing.TextModels;
import dev.coldpath.core.text.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text-model benchmark of issue 16, in one sitting (a benchmark, not a test: its name keeps it out of the
 * suite; run it with {@code -Dtest=TextBench}): the full-precision MiniLM over texts of mixed length, 3 to 300
 * tokens (the sample sentences joined and cut at a number of words drawn log-uniformly from 1 to 230, so that short
 * texts are common and long ones rare; {@code --max-length 300}), scored by {@code coldpath score} with length
 * bucketing (the default, with a token budget of 64 x 300, which no batch reaches) and without it (naive: the
 * input's order), alternating, and by plain ONNX Runtime on the same texts' tokens in batches of 64, sorted by
 * length over all texts (RAW: {@code session.run} alone timed, as is, apart, tokenizing them all in one call).
 * Prints rows/s and tokens/s of each, the ratios, and each coldpath run's stage table. Arguments as system
 * properties: {@code bench.texts} (600), {@code bench.rounds} (1); for the 20,000 texts:
 * {@code mvn -B -o -q -pl job-core,connectors,spark-runner,cli -am verify -Dtest=TextBench
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dbench.texts=20000}.
 */
class TextBench {
    private static final int MAX_LENGTH = 300;
    private static final int BATCH = 64;
    private static final Pattern STAGE_LINE = Pattern.compile(
            "  (read|tokenize|tensor|inference|decode|write) ");
    @TempDir
    Path tmp;

    @Test
    void bench() throws Exception {
        int n = Integer.getInteger("bench.texts", 600);
        int rounds = Integer.getInteger("bench.rounds", 1);
        int batch = BATCH;
        List<String> words = List.of(String.join(" ", TextModels.sentences()).split(" "));
        Random random = new Random(16);
        List<String> texts = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int count = (int) Math.round(Math.exp(random.nextDouble() * Math.log(230)));
            int from = random.nextInt(words.size() - count);
            String text = String.join(" ", words.subList(from, from + count));
            texts.add(text);
            rows.add(RowFactory.create((long) i, text));
        }
        Path input = tmp.resolve("texts");
        CliHarness.spark().createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("body", DataTypes.StringType)).repartition(2).write().parquet(input.toString());
        long tokens;
        long[][] ids;
        try (TextTokenizer tokenizer = TextTokenizer.load(TextModels.tokenizerJson(TextModels.MINILM), "tokenizer",
                MAX_LENGTH)) {
            long start = System.nanoTime();
            ids = Arrays.stream(tokenizer.encodeAll(texts.toArray(String[]::new))).map(TextTokenizer.Tokens::ids)
                    .toArray(long[][]::new);
            System.out.printf(Locale.ROOT, "TextBench: tokenizing all texts in one call took %.2f s%n",
                    (System.nanoTime() - start) / 1e9);
        }
        tokens = Arrays.stream(ids).mapToLong(a -> a.length).sum();
        System.out.printf(Locale.ROOT, "TextBench: %d texts, %d tokens (%.1f a text, %d to %d)%n", n, tokens,
                tokens / (double) n, Arrays.stream(ids).mapToInt(a -> a.length).min().orElse(0),
                Arrays.stream(ids).mapToInt(a -> a.length).max().orElse(0));
        Path warm = tmp.resolve("warm");
        CliHarness.spark().createDataFrame(rows.subList(0, Math.min(100, n)), new StructType().add("id",
                DataTypes.LongType).add("body", DataTypes.StringType)).write().parquet(warm.toString());
        run(warm, "warmup", "true");
        for (int r = 0; r < rounds; r++) {
            double naive = run(input, "naive" + r, "false");
            double bucketed = run(input, "bucketed" + r, "true");
            double raw = raw(ids, batch);
            System.out.printf(Locale.ROOT, "TextBench round %d: naive %.0f rows/s (%.0f tokens/s), bucketed %.0f"
                            + " rows/s (%.0f tokens/s), RAW bucketed %.0f rows/s (%.0f tokens/s); bucketed/naive %.2f,"
                            + " bucketed/RAW %.2f%n", r, n / naive, tokens / naive, n / bucketed, tokens / bucketed,
                    n / raw, tokens / raw, naive / bucketed, raw / bucketed);
        }
    }

    /** One {@code coldpath score} run's wall seconds. */
    private double run(Path input, String id, String bucketing) {
        long start = System.nanoTime();
        CliHarness.Outcome out = CliHarness.run("score", "--model", TextModels.minilm().toString(), "--input",
                input.toString(), "--output", tmp.resolve("table").toString(), "--text-column", "body",
                "--max-length", Integer.toString(MAX_LENGTH), "--batch-size", Integer.toString(BATCH), "--run-id", id,
                "--set", "text.bucketing=" + bucketing, "--set", "text.max-batch-tokens="
                        + (bucketing.equals("true") ? BATCH * MAX_LENGTH : 0));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (out.exitCode() != 0) {
            throw new IllegalStateException(out.err());
        }
        out.out().lines().filter(l -> l.startsWith("coldpath: run") || l.startsWith("  text")
                        || l.startsWith("  stage") || STAGE_LINE.matcher(l).lookingAt())
                .forEach(l -> System.out.println("TextBench " + id + ": " + l.strip()));
        return seconds;
    }

    /** ONNX Runtime alone on the texts' token batches, sorted by length: seconds in session.run. */
    private static double raw(long[][] ids, int batch) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Integer[] order = new Integer[ids.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(TextModels.minilm().resolve("model.onnx").toString(),
                    options)) {
                long nanos = 0;
                for (int from = 0; from < order.length; from += batch) {
                    int to = Math.min(order.length, from + batch);
                    int longest = ids[order[to - 1]].length;
                    long[][] input = new long[to - from][longest];
                    long[][] mask = new long[to - from][longest];
                    long[][] types = new long[to - from][longest];
                    for (int r = from; r < to; r++) {
                        long[] row = ids[order[r]];
                        System.arraycopy(row, 0, input[r - from], 0, row.length);
                        Arrays.fill(mask[r - from], 0, row.length, 1L);
                    }
                    try (OnnxTensor a = OnnxTensor.createTensor(env, input);
                         OnnxTensor b = OnnxTensor.createTensor(env, mask);
                         OnnxTensor c = OnnxTensor.createTensor(env, types)) {
                        long start = System.nanoTime();
                        try (OrtSession.Result result = session.run(Map.of("input_ids", a, "attention_mask", b,
                                "token_type_ids", c))) {
                            nanos += System.nanoTime() - start;
                        }
                    }
                }
                return nanos / 1e9;
            }
        }
    }
}
