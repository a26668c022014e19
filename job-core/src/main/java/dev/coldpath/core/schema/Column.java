package dev.coldpath.core.schema;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/** A named, typed column. */
public record Column(String name, ColumnType type) implements Serializable {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }

    @Override
    public String toString() {
        return name + " " + type;
    }
}
