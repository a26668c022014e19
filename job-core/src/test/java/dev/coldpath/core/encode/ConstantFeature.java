package dev.coldpath.core.encode;

import dev.coldpath.core.tensor.ElementType;
import dev.coldpath.core.tensor.Values;
import java.util.Arrays;
import java.util.List;

/**
 * A toy encoder: the same values in every row, read from no column. It is the whole of what a new kind of input
 * needs: one class, and nothing else in coldpath changes.
 */
record ConstantFeature(String input, ElementType elementType, double... values) implements RowEncoder {
    @Override
    public List<String> columns() {
        return List.of();
    }

    @Override
    public long[] shape() {
        return new long[] {values.length};
    }

    @Override
    public String source() {
        return "the constant " + Arrays.toString(values);
    }

    @Override
    public void encode(Values row, RowTarget target, MissingValues missing) {
        int base = target.start(target.dims());
        for (int i = 0; i < values.length; i++) {
            target.buffer().put(base + i, values[i]);
        }
    }
}
