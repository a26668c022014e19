package dev.coldpath.core.tensor;

/**
 * Copies one value from a row, column or array into a Java array of the tensor's element type ({@link
 * ElementArray}), converting it losslessly.
 */
@FunctionalInterface
interface ElementCopy {
    void copy(Values source, int index, Object target, int position);
}
