package dev.coldpath.core.score;

import dev.coldpath.core.decode.Prediction;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch's predictions when some rows may have failed in the model: each row either has predictions (in one
 * of the parts the batch was split into) or a rejection reason.
 */
public final class ScoredBatch {
    private final List<List<Prediction>> parts = new ArrayList<>();
    private final int[] part;
    private final int[] offset;
    private final String[] rejections;
    private int rejected;

    ScoredBatch(int rows) {
        part = new int[rows];
        offset = new int[rows];
        rejections = new String[rows];
    }

    void add(List<Prediction> columns, int from, int to) {
        parts.add(columns);
        for (int r = from; r < to; r++) {
            part[r] = parts.size() - 1;
            offset[r] = r - from;
        }
    }

    void reject(int row, String reason) {
        rejections[row] = reason;
        part[row] = -1;
        rejected++;
    }

    public int rows() {
        return part.length;
    }

    public int rejected() {
        return rejected;
    }

    public boolean isRejected(int row) {
        return rejections[row] != null;
    }

    public String rejection(int row) {
        return rejections[row];
    }

    /** The prediction columns holding {@code row}'s values, in plan order; read them at {@link #index}. */
    public List<Prediction> columns(int row) {
        return parts.get(part[row]);
    }

    public int index(int row) {
        return offset[row];
    }

    /** Every part's columns, for metrics. */
    public List<List<Prediction>> parts() {
        return parts;
    }
}
