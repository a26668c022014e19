package dev.coldpath.core.tensor;

import java.nio.Buffer;

/** Copies one value from a row or array into a typed tensor buffer, converting it losslessly. */
@FunctionalInterface
interface ElementCopy {
    void copy(Values source, int index, Buffer target, int position);
}
