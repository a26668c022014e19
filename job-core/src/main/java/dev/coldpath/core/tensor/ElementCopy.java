package dev.coldpath.core.tensor;

/**
 * Copies one value from a row, column or array into a Java array of a tensor's element type (a {@link
 * TensorBuffer}'s), converting it without loss. {@link ElementType#copyFrom} gives the one for a column kind.
 */
@FunctionalInterface
public interface ElementCopy {
    void copy(Values source, int index, Object target, int position);
}
