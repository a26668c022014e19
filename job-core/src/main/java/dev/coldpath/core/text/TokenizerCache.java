package dev.coldpath.core.text;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tokenizers of this JVM, one per tokenizer file (by sha256) and maximum length, shared by every task slot of
 * an executor as its ONNX sessions are ({@code SessionCache}): the second piece of deliberate static state, beside
 * the session cache. Thread safe; a tokenizer is loaded at most once per key, under the cache's lock. Bounded at
 * {@value #CAPACITY} tokenizers: beyond that the least recently used is dropped from the cache, not closed (a task
 * may still be encoding with it; the garbage collector frees it). {@link #reset} empties it for tests.
 */
public final class TokenizerCache {
    static final int CAPACITY = 8;

    private record Key(String sha256, int maxLength) {
        Key {
            requireNonNull(sha256, "sha256 is null");
        }
    }

    private static final Map<Key, TextTokenizer> TOKENIZERS = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, TextTokenizer> eldest) {
            return size() > CAPACITY;
        }
    };
    private static final AtomicLong CREATED = new AtomicLong();

    private TokenizerCache() {
    }

    /** The tokenizer of {@code file} truncating at {@code maxLength}, loaded on first use in this JVM. */
    public static TextTokenizer get(TokenizerFile file, int maxLength) {
        Key key = new Key(file.sha256(), maxLength);
        synchronized (TOKENIZERS) {
            TextTokenizer tokenizer = TOKENIZERS.get(key);
            if (tokenizer == null) {
                tokenizer = TextTokenizer.load(file.json(), file.location(), maxLength);
                TOKENIZERS.put(key, tokenizer);
                CREATED.incrementAndGet();
            }
            return tokenizer;
        }
    }

    /** Tokenizers loaded in this JVM since it started or the last {@link #reset}. */
    public static long created() {
        return CREATED.get();
    }

    /** Forgets every tokenizer and zeroes the counter. For tests. */
    public static void reset() {
        synchronized (TOKENIZERS) {
            TOKENIZERS.clear();
            CREATED.set(0);
        }
    }
}
