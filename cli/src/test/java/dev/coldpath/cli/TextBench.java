package dev.coldpath.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.coldpath.core.testing.TextModels;
import dev.coldpath.core.text.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text-model benchmark of issue 16, in one sitting (a benchmark, not a test: its name keeps it out of the
 * suite; run it with {@code -Dit.test=TextBench}): the full-precision MiniLM over texts of mixed length, 3 to 300
 * tokens (the sample sentences joined and cut at a number of words drawn log-uniformly from 1 to 230, so that short
 * texts are common and long ones rare; {@code --max-length 300}), scored by {@code coldpath score} with length
 * bucketing (the default, with a token budget of 64 x 300, which no batch reaches) and without it (naive: the
 * input's order), alternating, and by plain ONNX Runtime on the same texts' tokens in batches of 64, sorted by
 * length over all texts (RAW, tokenizing not timed: one session shared by 2 threads with 1 intra-op thread each, as
 * coldpath's two task slots share it, and for comparison 1 thread with 2 intra-op threads). Prints rows/s and
 * tokens/s of each, the ratios, and each coldpath run's stage table. Arguments as system properties:
 * {@code bench.texts} (600), {@code bench.rounds} (1), {@code bench.naive} (true; false leaves the naive run out,
 * the slowest by far), {@code bench.max-batch-tokens} (the bucketed run's budget, 64 x 300); for the 20,000
 * texts:
 * {@code mvn -B -o -q -pl job-core,connectors,spark-runner,cli -am verify -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=TextBench -Dbench.texts=20000}.
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
        boolean withNaive = Boolean.parseBoolean(System.getProperty("bench.naive", "true"));
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
            double naive = withNaive ? run(input, "naive" + r, "false") : Double.NaN;
            double bucketed = run(input, "bucketed" + r, "true");
            double raw = raw(ids, batch, 1, 2);
            double raw2 = raw(ids, batch, 2, 1);
            System.out.printf(Locale.ROOT, "TextBench round %d: naive %.0f rows/s (%.0f tokens/s), bucketed %.0f"
                            + " rows/s (%.0f tokens/s), RAW bucketed (2 callers x 1 intra-op thread) %.0f rows/s"
                            + " (%.0f tokens/s), RAW bucketed (1 caller x 2 intra-op threads) %.0f rows/s (%.0f"
                            + " tokens/s); bucketed/naive %.2f, bucketed/RAW %.2f, bucketed/RAW-2-threads %.2f%n", r,
                    n / naive, tokens / naive, n / bucketed, tokens / bucketed, n / raw, tokens / raw, n / raw2,
                    tokens / raw2, naive / bucketed, raw / bucketed, raw2 / bucketed);
        }
    }

    /** One {@code coldpath score} run's wall seconds. */
    private double run(Path input, String id, String bucketing) {
        long start = System.nanoTime();
        CliHarness.Outcome out = CliHarness.run("score", "--model", TextModels.minilm().toString(), "--input",
                input.toString(), "--output", tmp.resolve("table").toString(), "--text-column", "body",
                "--max-length", Integer.toString(MAX_LENGTH), "--batch-size", Integer.toString(BATCH), "--run-id", id,
                "--set", "text.bucketing=" + bucketing, "--set", "text.max-batch-tokens="
                        + (bucketing.equals("true") ? Integer.getInteger("bench.max-batch-tokens", BATCH * MAX_LENGTH)
                        : 0));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (out.exitCode() != 0) {
            throw new IllegalStateException(out.err());
        }
        out.out().lines().filter(l -> l.startsWith("coldpath: run") || l.startsWith("  text")
                        || l.startsWith("  stage") || STAGE_LINE.matcher(l).lookingAt())
                .forEach(l -> System.out.println("TextBench " + id + ": " + l.strip()));
        return seconds;
    }

    /**
     * ONNX Runtime alone on the texts' token batches of {@code batch}, sorted by length over all texts: one session
     * with {@code intraOp} intra-op threads, shared by {@code callers} threads that take the batches in turn (as
     * coldpath's task slots share an executor's session). The wall seconds from the first batch to the last, in
     * which each caller builds its batch's three int64 tensors and runs the session; the session's creation is not
     * timed.
     */
    private static double raw(long[][] ids, int batch, int intraOp, int callers) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Integer[] order = new Integer[ids.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOp);
            try (OrtSession session = env.createSession(TextModels.minilm().resolve("model.onnx").toString(),
                    options)) {
                AtomicInteger nextBatch = new AtomicInteger();
                Callable<Void> caller = () -> {
                    for (int from = nextBatch.getAndIncrement() * batch; from < order.length;
                         from = nextBatch.getAndIncrement() * batch) {
                        runBatch(env, session, ids, order, from, Math.min(order.length, from + batch));
                    }
                    return null;
                };
                ExecutorService pool = Executors.newFixedThreadPool(callers);
                try {
                    long start = System.nanoTime();
                    for (Future<Void> done : pool.invokeAll(Collections.nCopies(callers, caller))) {
                        done.get();
                    }
                    return (System.nanoTime() - start) / 1e9;
                } finally {
                    pool.shutdown();
                }
            }
        }
    }

    private static void runBatch(OrtEnvironment env, OrtSession session, long[][] ids, Integer[] order, int from,
                                 int to) throws Exception {
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
             OnnxTensor c = OnnxTensor.createTensor(env, types);
             OrtSession.Result result = session.run(Map.of("input_ids", a, "attention_mask", b,
                     "token_type_ids", c))) {
            if (result.size() == 0) {
                throw new IllegalStateException("no output");
            }
        }
    }
}
