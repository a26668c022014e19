package dev.coldpath.core.text;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A {@code tokenizer.json} as the driver read it: where it was, its sha256, and its bytes, which travel to the
 * executors with the plan (a tokenizer file is a few MB at most), so that an executor reads no file to tokenize.
 * Equal by location and hash. Immutable and serializable.
 */
public final class TokenizerFile implements Serializable {
    private final String location;
    private final String sha256;
    private final byte[] json;

    public TokenizerFile(String location, byte[] json) {
        this.location = requireNonNull(location, "location is null");
        this.json = requireNonNull(json, "json is null").clone();
        this.sha256 = sha256(json);
    }

    public String location() {
        return location;
    }

    public String sha256() {
        return sha256;
    }

    /** The file's bytes; do not modify. */
    byte[] json() {
        return json;
    }

    /** The truncation length the file sets, else {@link TextTokenizer#DEFAULT_MAX_LENGTH}. */
    public int declaredMaxLength() {
        return TextTokenizer.declaredMaxLength(json, location);
    }

    /** The id the file pads with ({@code padding.pad_id}), else 0. */
    public long padId() {
        return TextTokenizer.declaredPadId(json, location);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizerFile other && location.equals(other.location) && sha256.equals(other.sha256);
    }

    @Override
    public int hashCode() {
        return location.hashCode() * 31 + sha256.hashCode();
    }

    @Override
    public String toString() {
        return location;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
