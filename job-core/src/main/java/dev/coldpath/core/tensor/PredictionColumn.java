package dev.coldpath.core.tensor;

import dev.coldpath.core.plan.OutputColumn;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One model output for a batch, copied out of ONNX Runtime so the native result can be closed. Tensor values
 * are kept flat (one primitive array for the whole batch, row-major), maps as one map per row.
 *
 * @param flat      float[], double[], long[], int[], short[], byte[], boolean[] or String[]; null for maps
 * @param innerDims each row's dimensions after the batch dimension; empty for scalars and maps
 * @param maps      one map per row for a sequence-of-maps output; null for tensors
 */
public record PredictionColumn(OutputColumn spec, int rows, Object flat, int[] innerDims,
                               List<Map<Object, Object>> maps) {
    /** Values per row (1 for a scalar). */
    public int elementsPerRow() {
        int n = 1;
        for (int d : innerDims) {
            n *= d;
        }
        return n;
    }

    /**
     * The row's value as plain Java objects: a boxed scalar, nested {@code List}s for arrays, or a map. For
     * tests and reports; engines read {@link #flat} directly.
     */
    public Object valueAt(int row) {
        if (maps != null) {
            return maps.get(row);
        }
        int per = elementsPerRow();
        if (innerDims.length == 0) {
            return Array.get(flat, row);
        }
        return nested(row * per, 0);
    }

    private Object nested(int offset, int level) {
        int n = innerDims[level];
        int stride = 1;
        for (int i = level + 1; i < innerDims.length; i++) {
            stride *= innerDims[i];
        }
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(level == innerDims.length - 1 ? Array.get(flat, offset + i) : nested(offset + i * stride, level + 1));
        }
        return list;
    }
}
