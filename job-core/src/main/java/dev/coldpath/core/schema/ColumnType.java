package dev.coldpath.core.schema;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Locale;

/**
 * An engine-neutral column type: a scalar, an array of a column type, or a map. Engines translate their own
 * types to and from these; {@code OTHER} keeps the engine's name for error messages.
 */
public record ColumnType(Kind kind, ColumnType element, ColumnType key, String otherName) implements Serializable {
    public enum Kind { BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, STRING, ARRAY, MAP, OTHER }

    public static final ColumnType BOOLEAN = scalar(Kind.BOOLEAN);
    public static final ColumnType BYTE = scalar(Kind.BYTE);
    public static final ColumnType SHORT = scalar(Kind.SHORT);
    public static final ColumnType INT = scalar(Kind.INT);
    public static final ColumnType LONG = scalar(Kind.LONG);
    public static final ColumnType FLOAT = scalar(Kind.FLOAT);
    public static final ColumnType DOUBLE = scalar(Kind.DOUBLE);
    public static final ColumnType STRING = scalar(Kind.STRING);
    /** A binary column (Parquet BINARY without a string annotation, Spark's BinaryType): encoded images. */
    public static final ColumnType BINARY = other("binary");

    public ColumnType {
        requireNonNull(kind, "kind is null");
        if ((kind == Kind.ARRAY || kind == Kind.MAP) != (element != null)) {
            throw new IllegalArgumentException("element type is required for arrays and maps only: " + kind);
        }
        if ((kind == Kind.MAP) != (key != null)) {
            throw new IllegalArgumentException("key type is required for maps only: " + kind);
        }
    }

    private static ColumnType scalar(Kind kind) {
        return new ColumnType(kind, null, null, null);
    }

    public static ColumnType arrayOf(ColumnType element) {
        return new ColumnType(Kind.ARRAY, requireNonNull(element, "element is null"), null, null);
    }

    public static ColumnType mapOf(ColumnType key, ColumnType value) {
        return new ColumnType(Kind.MAP, requireNonNull(value, "value is null"), requireNonNull(key, "key is null"),
                null);
    }

    public static ColumnType other(String engineName) {
        return new ColumnType(Kind.OTHER, null, null, engineName);
    }

    public boolean isArray() {
        return kind == Kind.ARRAY;
    }

    /** Array nesting depth: 0 for a scalar, 1 for array of scalars, and so on. */
    public int arrayDepth() {
        return isArray() ? 1 + element.arrayDepth() : 0;
    }

    /** The scalar at the bottom of any array nesting. */
    public ColumnType innermost() {
        return isArray() ? element.innermost() : this;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ARRAY -> "array<" + element + ">";
            case MAP -> "map<" + key + "," + element + ">";
            case OTHER -> otherName;
            case LONG -> "bigint";
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }
}
