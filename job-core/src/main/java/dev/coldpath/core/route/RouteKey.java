package dev.coldpath.core.route;

import dev.coldpath.core.schema.ColumnType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The routing key of one row as canonical bytes, and its bucket: the stable hash that decides which binding
 * publishes a row, the same in every run, on every machine and in every engine (docs/models.md, "Routing").
 * <p>
 * Each key value, in the order of {@code routing.key}, appends: a null, the byte {@code 0x00}; an integer of any
 * width (tinyint to bigint), {@code 0x01} and the value as a signed 64-bit little-endian integer (so 7 routes
 * alike in an int and a bigint column); a string, {@code 0x02}, its UTF-8 length as an unsigned 32-bit
 * little-endian integer, and its UTF-8 bytes; a boolean, {@code 0x03} and {@code 0x01} or {@code 0x00}. The bucket
 * is MurmurHash3 x86_32 of those bytes with seed 0, read as unsigned, modulo {@link #BUCKETS}.
 * <p>
 * Reused for each row of a task: {@link #reset}, append the values, read {@link #bucket}. Not thread safe.
 */
public final class RouteKey {
    /** Buckets 0 to 9,999: a canary's share is set in steps of 0.01 %. */
    public static final int BUCKETS = 10_000;
    /** The MurmurHash3 seed. */
    public static final int SEED = 0;
    private static final Set<ColumnType.Kind> KINDS = EnumSet.of(ColumnType.Kind.BOOLEAN, ColumnType.Kind.BYTE,
            ColumnType.Kind.SHORT, ColumnType.Kind.INT, ColumnType.Kind.LONG, ColumnType.Kind.STRING);

    private byte[] bytes = new byte[64];
    private int length;

    /** Whether a column of {@code type} can be part of a routing key: integers, strings and booleans. */
    public static boolean accepts(ColumnType type) {
        return KINDS.contains(type.kind());
    }

    public RouteKey reset() {
        length = 0;
        return this;
    }

    public RouteKey appendNull() {
        room(1);
        bytes[length++] = 0;
        return this;
    }

    public RouteKey appendLong(long value) {
        room(9);
        bytes[length++] = 1;
        for (int i = 0; i < 8; i++) {
            bytes[length++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    public RouteKey appendString(String value) {
        return appendUtf8(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A string value given as its UTF-8 bytes (as columnar engines hold it). */
    public RouteKey appendUtf8(byte[] utf8) {
        room(5 + utf8.length);
        bytes[length++] = 2;
        for (int i = 0; i < 4; i++) {
            bytes[length++] = (byte) (utf8.length >>> (8 * i));
        }
        System.arraycopy(utf8, 0, bytes, length, utf8.length);
        length += utf8.length;
        return this;
    }

    public RouteKey appendBoolean(boolean value) {
        room(2);
        bytes[length++] = 3;
        bytes[length++] = (byte) (value ? 1 : 0);
        return this;
    }

    /** Appends a value as read from a key column: null, a Byte/Short/Integer/Long, a String or a Boolean. */
    public RouteKey append(Object value) {
        if (value == null) {
            return appendNull();
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return appendLong(((Number) value).longValue());
        }
        if (value instanceof String s) {
            return appendString(s);
        }
        if (value instanceof Boolean b) {
            return appendBoolean(b);
        }
        throw new IllegalArgumentException("a routing key value is an integer, a string or a boolean: "
                + value.getClass().getName());
    }

    /** The canonical bytes appended since the last {@link #reset}. */
    public byte[] bytes() {
        return Arrays.copyOf(bytes, length);
    }

    /** The key's bucket, 0 to {@link #BUCKETS} - 1. */
    public int bucket() {
        return (int) (Integer.toUnsignedLong(murmur3(bytes, length, SEED)) % BUCKETS);
    }

    /** The bucket of a key given as its values, in order. */
    public static int bucketOf(Object... values) {
        RouteKey key = new RouteKey();
        for (Object v : values) {
            key.append(v);
        }
        return key.bucket();
    }

    private void room(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    /** MurmurHash3 x86_32 (Austin Appleby's reference, public domain) of {@code data[0, length)}. */
    static int murmur3(byte[] data, int length, int seed) {
        final int c1 = 0xcc9e2d51;
        final int c2 = 0x1b873593;
        int h = seed;
        int blocks = length / 4;
        for (int i = 0; i < blocks; i++) {
            int at = i * 4;
            int k = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16
                    | (data[at + 3] & 0xff) << 24;
            k *= c1;
            k = Integer.rotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int tail = blocks * 4;
        int k = 0;
        switch (length & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                k ^= data[tail] & 0xff;
                k *= c1;
                k = Integer.rotateLeft(k, 15);
                k *= c2;
                h ^= k;
                break;
            default:
                break;
        }
        h ^= length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
