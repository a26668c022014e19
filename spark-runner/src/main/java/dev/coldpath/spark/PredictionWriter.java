package dev.coldpath.spark;

import dev.coldpath.core.decode.ClassNamesDecoder;
import dev.coldpath.core.decode.MapDecoder;
import dev.coldpath.core.decode.MapValues;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.decode.PooledEmbedding;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.decode.SoftmaxLabel;
import dev.coldpath.core.decode.TensorDecoder;
import dev.coldpath.core.decode.TensorValues;
import dev.coldpath.core.decode.TopClasses;
import dev.coldpath.core.tensor.ElementType;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.array.ByteArrayMethods;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Writes one row of a {@link Prediction} into a Spark row slot, as the column's Spark type expects. One writer per
 * output column and task, chosen once by the decoder. A value written may be reused by the next write, so the row
 * must be copied (projected) before that.
 */
@FunctionalInterface
interface PredictionWriter {
    void write(Prediction column, int row, InternalRow target, int ordinal);

    static PredictionWriter forColumn(OutputDecoder output) {
        if (output instanceof MapDecoder map) {
            boolean stringKeys = map.keyType() == ElementType.STRING;
            return (c, r, t, o) -> t.update(o, mapData(((MapValues) c).valueAt(r), stringKeys));
        }
        if (output instanceof ClassNamesDecoder names) {
            return names.shape() == ClassNamesDecoder.Shape.LABEL ? SparkElements.of(ElementType.STRING).scalarWriter()
                    : (c, r, t, o) -> t.update(o, mapData(((MapValues) c).valueAt(r), true));
        }
        if (output instanceof PooledEmbedding) {
            return new ArrayWriter();
        }
        if (output instanceof SoftmaxLabel softmax) {
            return SparkElements.of(softmax.part() == SoftmaxLabel.Part.LABEL ? ElementType.STRING : ElementType.FLOAT)
                    .scalarWriter();
        }
        if (output instanceof TopClasses top) {
            return switch (top.part()) {
                case LABEL -> SparkElements.of(ElementType.STRING).scalarWriter();
                case SCORE -> SparkElements.of(ElementType.FLOAT).scalarWriter();
                case TOP_K_LABELS, TOP_K_SCORES -> new ArrayWriter();
            };
        }
        TensorDecoder tensor = (TensorDecoder) output;
        return tensor.rank() > 1 ? new ArrayWriter() : SparkElements.of(tensor.elementType().readAs()).scalarWriter();
    }

    /**
     * Arrays: a flat one of primitives into one reused UnsafeArrayData, so no object is made per row; anything
     * else (nested, strings) as new array objects.
     */
    final class ArrayWriter implements PredictionWriter {
        private final UnsafeArrayData array = new UnsafeArrayData();
        private long[] words = new long[0];

        @Override
        public void write(Prediction prediction, int row, InternalRow target, int ordinal) {
            TensorValues column = (TensorValues) prediction;
            SparkElements element = SparkElements.of(column.type());
            int width = element.unsafeWidth();
            if (column.innerRank() != 1 || width == 0) {
                target.update(ordinal, arrayData(column, row));
                return;
            }
            int n = column.innerDim(0);
            int header = UnsafeArrayData.calculateHeaderPortionInBytes(n);
            int size = header + (int) ByteArrayMethods.roundNumberOfBytesToNearestWord((long) n * width);
            if (words.length * 8 < size) {
                words = new long[size / 8];
            }
            Arrays.fill(words, 0, size / 8, 0L); // no nulls, and zero padding as Spark writes it
            Platform.putLong(words, Platform.LONG_ARRAY_OFFSET, n);
            Platform.copyMemory(column.values(), element.baseOffset() + (long) row * n * width, words,
                    Platform.LONG_ARRAY_OFFSET + header, (long) n * width);
            array.pointTo(words, Platform.LONG_ARRAY_OFFSET, size);
            target.update(ordinal, array);
        }
    }

    /** The row's values as (nested) arrays: [N, K] gives one array of K, each further dimension a level. */
    private static ArrayData arrayData(TensorValues column, int row) {
        int per = column.elementsPerRow();
        return slice(SparkElements.of(column.type()), column.values(), row * per, column.innerDims(), 0);
    }

    private static ArrayData slice(SparkElements element, Object values, int offset, int[] dims, int level) {
        int n = dims[level];
        if (level == dims.length - 1) {
            return element.arrayData(values, offset, n);
        }
        int stride = 1;
        for (int i = level + 1; i < dims.length; i++) {
            stride *= dims[i];
        }
        Object[] children = new Object[n];
        for (int i = 0; i < n; i++) {
            children[i] = slice(element, values, offset + i * stride, dims, level + 1);
        }
        return new GenericArrayData(children);
    }

    /** A map with its keys sorted, so equal predictions are written identically. */
    private static ArrayBasedMapData mapData(Map<Object, Object> map, boolean stringKeys) {
        TreeMap<Object, Object> sorted = new TreeMap<>(map);
        Object[] keys = new Object[sorted.size()];
        Object[] values = new Object[sorted.size()];
        int i = 0;
        for (Map.Entry<Object, Object> e : sorted.entrySet()) {
            keys[i] = stringKeys ? UTF8String.fromString((String) e.getKey()) : e.getKey();
            values[i] = e.getValue();
            i++;
        }
        return new ArrayBasedMapData(new GenericArrayData(keys), new GenericArrayData(values));
    }
}
