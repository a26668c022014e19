package dev.coldpath.sample;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Sentence embeddings by mean pooling a text encoder's {@code last_hidden_state} over the attention mask, computed
 * in Java from ONNX Runtime's token outputs. {@link #embed(String)} scores each text alone, with no padding: the
 * reference that batch results are held against. {@link #embedBatch(List)} pads to the longest text, as a batch
 * scorer does. Not thread safe; close it to free the session and the tokenizer.
 */
public final class SentenceEmbedder implements AutoCloseable {
    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;

    /** Truncates at {@code maxLength} tokens; the tokenizer file's own padding is switched off. */
    public SentenceEmbedder(Path model, Path tokenizerJson, int maxLength) {
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                    "padding", "false", "truncation", "true", "maxLength", Integer.toString(maxLength)));
        } catch (IOException e) {
            throw new SampleDataException("Cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
        try {
            session = environment.createSession(model.toString(), new OrtSession.SessionOptions());
        } catch (OrtException e) {
            tokenizer.close();
            throw new SampleDataException("Cannot open " + model + " with ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /** A model folder holding {@code model.onnx} and {@code tokenizer.json}. */
    public static SentenceEmbedder ofFolder(Path folder, int maxLength) {
        return new SentenceEmbedder(folder.resolve("model.onnx"), folder.resolve("tokenizer.json"), maxLength);
    }

    /** The tokens of {@code text}, special tokens included, truncated. */
    public Encoding encode(String text) {
        return tokenizer.encode(text);
    }

    /** The mean-pooled embedding of {@code text} scored alone. */
    public float[] embed(String text) {
        return embedBatch(List.of(text))[0];
    }

    /** Mean-pooled embeddings of {@code texts} scored as one batch, padded with zeros to the longest. */
    public float[][] embedBatch(List<String> texts) {
        long[][][] inputs = tokens(texts);
        float[][][] hidden = run(inputs);
        float[][] embeddings = new float[texts.size()][];
        for (int row = 0; row < texts.size(); row++) {
            embeddings[row] = meanPool(hidden[row], inputs[1][row]);
        }
        return embeddings;
    }

    /** {@code input_ids}, {@code attention_mask} and {@code token_type_ids}, each [batch][longest], zero-padded. */
    public long[][][] tokens(List<String> texts) {
        Encoding[] encodings = new Encoding[texts.size()];
        int longest = 0;
        for (int row = 0; row < texts.size(); row++) {
            encodings[row] = tokenizer.encode(texts.get(row));
            longest = Math.max(longest, encodings[row].getIds().length);
        }
        long[][][] inputs = new long[3][texts.size()][longest];
        for (int row = 0; row < texts.size(); row++) {
            long[] ids = encodings[row].getIds();
            System.arraycopy(ids, 0, inputs[0][row], 0, ids.length);
            System.arraycopy(encodings[row].getAttentionMask(), 0, inputs[1][row], 0, ids.length);
            System.arraycopy(encodings[row].getTypeIds(), 0, inputs[2][row], 0, ids.length);
        }
        return inputs;
    }

    /** {@code last_hidden_state} for token inputs as {@link #tokens(List)} makes them. */
    public float[][][] run(long[][][] inputs) {
        return (float[][][]) run(session, inputs, MiniLm.HIDDEN_OUTPUT);
    }

    /**
     * Runs any model that takes {@code input_ids}, {@code attention_mask} and {@code token_type_ids} on token inputs
     * as {@link #tokens(List)} makes them, and returns one output as Java arrays.
     */
    public static Object run(OrtSession session, long[][][] inputs, String output) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OnnxTensor ids = OnnxTensor.createTensor(environment, inputs[0]);
                OnnxTensor mask = OnnxTensor.createTensor(environment, inputs[1]);
                OnnxTensor types = OnnxTensor.createTensor(environment, inputs[2]);
                OrtSession.Result result = session.run(Map.of(
                        "input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            return result.get(output).orElseThrow(() -> new SampleDataException(
                    "The model has no output " + output)).getValue();
        } catch (OrtException e) {
            throw new SampleDataException("Cannot run the text model: " + e.getMessage(), e);
        }
    }

    /** The mean of the token vectors whose mask is 1, summed in double. */
    public static float[] meanPool(float[][] tokenVectors, long[] mask) {
        double[] sum = new double[tokenVectors[0].length];
        long count = 0;
        for (int t = 0; t < tokenVectors.length; t++) {
            if (mask[t] == 0) {
                continue;
            }
            count++;
            for (int j = 0; j < sum.length; j++) {
                sum[j] += tokenVectors[t][j];
            }
        }
        float[] mean = new float[sum.length];
        for (int j = 0; j < sum.length; j++) {
            mean[j] = (float) (sum[j] / Math.max(count, 1));
        }
        return mean;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new SampleDataException("Cannot close the ONNX Runtime session: " + e.getMessage(), e);
        } finally {
            tokenizer.close();
        }
    }
}
