package dev.coldpath.core.model;

/** One dimension of a model input or output: a fixed size, or a symbol (size -1) such as the batch "N". */
public record Dimension(long size, String symbol) {
    public Dimension {
        symbol = symbol == null ? "" : symbol;
    }

    public boolean isFixed() {
        return size >= 0;
    }

    @Override
    public String toString() {
        if (isFixed()) {
            return Long.toString(size);
        }
        return symbol.isEmpty() ? "?" : symbol;
    }
}
