package dev.coldpath.core.testing;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.coldpath.core.text.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The reference a text run is checked against, made without coldpath's encoder, batchifier or decoders: DJL's
 * tokenizer on the same tokenizer.json (truncation at {@code maxLength}, no padding), one text per ONNX Runtime call
 * (so no padding at all), the model's {@code last_hidden_state} mean-pooled over every token, then L2-normalised.
 */
public final class TextReference implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final OrtSession session;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    public TextReference(Path folder, int maxLength) {
        TextTokenizer.loadNative(); // the same offline native library as coldpath's
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"), Map.of("truncation", "true",
                    "padding", "false", "maxLength", Integer.toString(maxLength)));
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT); // as coldpath's sessions
            session = env.createSession(folder.resolve("model.onnx").toString(), options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text's token ids, as the reference tokenizes it. */
    public long[] ids(String text) {
        return tokenizer.encode(text).getIds();
    }

    /** The text's embedding: mean of the token vectors, divided by its L2 norm when {@code normalize}. */
    public float[] embed(String text, boolean normalize) {
        Encoding encoding = tokenizer.encode(text);
        long[] ids = encoding.getIds();
        long[][] batch = {ids};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, batch));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, new long[][] {encoding.getAttentionMask()}));
            inputs.put("token_type_ids", OnnxTensor.createTensor(env, new long[][] {encoding.getTypeIds()}));
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][] hidden = (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
                int width = hidden[0][0].length;
                float[] out = new float[width];
                for (int h = 0; h < width; h++) {
                    double sum = 0;
                    for (float[] token : hidden[0]) {
                        sum += token[h];
                    }
                    out[h] = (float) (sum / ids.length);
                }
                if (normalize) {
                    double norm = 0;
                    for (float v : out) {
                        norm += (double) v * v;
                    }
                    norm = Math.sqrt(norm);
                    for (int h = 0; h < width; h++) {
                        out[h] = (float) (out[h] / norm);
                    }
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
