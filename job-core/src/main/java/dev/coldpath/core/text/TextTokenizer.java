package dev.coldpath.core.text;

import static java.util.Objects.requireNonNull;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.ModelLoadException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} loaded in the Rust tokenizers library (DJL's {@code ai.djl.huggingface:tokenizers},
 * whose jar carries the native library): one text in, its token ids out, with the special tokens, truncated at
 * {@link #maxLength} and never padded (batches are padded by coldpath). Of the file's own settings, the tokenizer
 * model, normalizer, pre-tokenizer and post-processor (the special tokens) are used as they are; its
 * {@code truncation} is replaced by truncation at {@link #maxLength} and its {@code padding} is switched off.
 * Nothing is downloaded: the native library is extracted from the jar ({@link #loadNative}). Thread safe (the Rust
 * tokenizer is); close it to free the native tokenizer.
 */
public final class TextTokenizer implements AutoCloseable {
    /** The truncation length when neither the job nor the tokenizer file sets one. */
    public static final int DEFAULT_MAX_LENGTH = 512;
    /** Where the native library is extracted when the JVM names no directory for DJL's engines. */
    static final String NATIVE_DIR = "coldpath-tokenizers";

    private static final Object NATIVE_LOCK = new Object();
    private static volatile boolean nativeLoaded;

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final String location;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, String location) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.location = location;
    }

    /** One text's tokens: ids and type ids of the same length, and whether truncation cut the text. */
    public record Tokens(long[] ids, long[] typeIds, boolean truncated) {
        public Tokens {
            requireNonNull(ids, "ids is null");
            requireNonNull(typeIds, "typeIds is null");
            if (ids.length != typeIds.length) {
                throw new IllegalArgumentException("ids and typeIds differ in length: " + ids.length + " and "
                        + typeIds.length);
            }
        }

        public int length() {
            return ids.length;
        }
    }

    /**
     * Loads the tokenizer file's bytes ({@code location} names it in errors), truncating at {@code maxLength} tokens,
     * special tokens included.
     */
    public static TextTokenizer load(byte[] json, String location, int maxLength) {
        requireNonNull(json, "json is null");
        requireNonNull(location, "location is null");
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be > 0: " + maxLength);
        }
        loadNative();
        Map<String, String> options = Map.of("truncation", "true", "padding", "false",
                "maxLength", Integer.toString(maxLength), "addSpecialTokens", "true",
                "withOverflowingTokens", "false");
        try {
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options),
                    maxLength, location);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("Cannot load tokenizer " + location + ": " + firstLine(e)
                    + " (it must be a Hugging Face tokenizer.json)", e);
        }
    }

    /**
     * The truncation length the tokenizer file sets ({@code truncation.max_length}), or {@link #DEFAULT_MAX_LENGTH}
     * when it sets none.
     */
    public static int declaredMaxLength(byte[] json, String location) {
        try {
            JsonNode length = new ObjectMapper().readTree(json).path("truncation").path("max_length");
            return length.canConvertToInt() && length.asInt() > 0 ? length.asInt() : DEFAULT_MAX_LENGTH;
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read tokenizer " + location + ": " + firstLine(e)
                    + " (it must be a Hugging Face tokenizer.json)", e);
        }
    }

    /** The id the tokenizer file pads with ({@code padding.pad_id}), else 0. */
    public static long declaredPadId(byte[] json, String location) {
        try {
            JsonNode id = new ObjectMapper().readTree(json).path("padding").path("pad_id");
            return id.canConvertToLong() ? id.asLong() : 0;
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read tokenizer " + location + ": " + firstLine(e)
                    + " (it must be a Hugging Face tokenizer.json)", e);
        }
    }

    /**
     * Loads the Rust tokenizers library from DJL's jar, once per JVM, offline. DJL copies it out of the jar into
     * {@code ENGINE_CACHE_DIR} (a system property or environment variable), else {@code DJL_CACHE_DIR}, else
     * {@code ~/.djl.ai}; coldpath sets the property to {@code ${java.io.tmpdir}/coldpath-tokenizers} when neither
     * variable is set, and JNA's {@code jna.tmpdir} below it, so that executors need no writable home directory;
     * and it sets {@code ai.djl.offline=true}.
     */
    public static void loadNative() {
        if (nativeLoaded) {
            return;
        }
        synchronized (NATIVE_LOCK) {
            if (nativeLoaded) {
                return;
            }
            if (System.getenv("ENGINE_CACHE_DIR") == null && System.getProperty("ENGINE_CACHE_DIR") == null
                    && System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
                System.setProperty("ENGINE_CACHE_DIR",
                        Paths.get(System.getProperty("java.io.tmpdir"), NATIVE_DIR).toString());
            }
            if (System.getProperty("jna.tmpdir") == null) { // DJL's platform probe loads JNA, which wants a temp dir
                System.setProperty("jna.tmpdir",
                        Paths.get(System.getProperty("java.io.tmpdir"), NATIVE_DIR, "jna").toString());
            }
            if (System.getProperty("ai.djl.offline") == null) {
                System.setProperty("ai.djl.offline", "true");
            }
            try {
                ai.djl.huggingface.tokenizers.jni.LibUtils.checkStatus();
            } catch (RuntimeException | LinkageError e) {
                throw new ModelLoadException(Fault.INTERNAL, "Cannot load the Hugging Face tokenizers native library"
                        + " from the ai.djl.huggingface:tokenizers jar (" + firstLine(e) + "; it ships linux-x86_64,"
                        + " linux-aarch64, osx-aarch64 and win-x86_64 libraries, extracted to ENGINE_CACHE_DIR: check"
                        + " that directory is writable)", e);
            }
            nativeLoaded = true;
        }
    }

    /** The text's tokens, truncated at {@link #maxLength}. */
    public Tokens encode(String text) {
        requireNonNull(text, "text is null");
        return tokens(TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, true));
    }

    /**
     * The tokens of each text, in one call into the library, which encodes them in parallel (Rust's
     * {@code encode_batch}); the same tokens as {@link #encode} gives for each text alone.
     */
    public Tokens[] encodeAll(String[] texts) {
        if (texts.length == 0) {
            return new Tokens[0];
        }
        long[] encodings = TokenizersLibrary.LIB.batchEncode(tokenizer.getHandle(), texts, true);
        Tokens[] tokens = new Tokens[encodings.length];
        int i = 0;
        try {
            for (; i < encodings.length; i++) {
                tokens[i] = tokens(encodings[i]);
            }
            return tokens;
        } finally {
            for (int j = i + 1; j < encodings.length; j++) { // only after a failure
                TokenizersLibrary.LIB.deleteEncoding(encodings[j]);
            }
        }
    }

    /**
     * Reads an encoding's ids, type ids and overflow, and frees it: the three values coldpath uses, where DJL's
     * {@code Encoding} would also copy out the tokens' strings, offsets and masks of every text.
     */
    private static Tokens tokens(long encoding) {
        try {
            TokenizersLibrary lib = TokenizersLibrary.LIB;
            return new Tokens(lib.getTokenIds(encoding), lib.getTypeIds(encoding), lib.getOverflowCount(encoding) > 0);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    public String location() {
        return location;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse("");
    }
}
