package dev.coldpath.core.decode;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.error.InferenceException;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.tensor.ElementType;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * A text model's embedding, one array&lt;float&gt; per row: a float [N, L, H] sequence output pooled over each row's
 * tokens (the first {@code lengths[r]} positions, which the attention mask keeps: padding is never pooled), or a
 * float [N, H] output the graph pooled itself ({@code sentence_embedding}, written as it is). With {@code normalize},
 * each embedding is divided by its L2 norm (a zero vector stays zero).
 *
 * @param rank 3 for a sequence output to pool, 2 for one already pooled
 */
public record PooledEmbedding(String output, String column, Pooling pooling, boolean normalize, int rank)
        implements OutputDecoder {
    public PooledEmbedding {
        requireNonNull(output, "output is null");
        requireNonNull(column, "column is null");
        requireNonNull(pooling, "pooling is null");
        if (rank != 2 && rank != 3) {
            throw new IllegalArgumentException("rank must be 2 (pooled) or 3 (a sequence): " + rank);
        }
        if (pooling == Pooling.NONE) {
            throw new IllegalArgumentException("pooling none writes the outputs as they are");
        }
    }

    @Override
    public ColumnType type() {
        return ColumnType.arrayOf(ColumnType.FLOAT);
    }

    /** Without the rows' lengths, every position of the sequence is pooled. */
    @Override
    public TensorValues decode(OnnxValue value, int rows) throws OrtException {
        return decode(value, rows, Optional.empty());
    }

    @Override
    public TensorValues decode(OnnxValue value, int rows, Optional<int[]> lengths) throws OrtException {
        OnnxTensor tensor = (OnnxTensor) value;
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != rank || shape[0] != rows) {
            throw new InferenceException("Model output '" + output + "' has shape " + Arrays.toString(shape)
                    + " for a batch of " + rows + " rows; coldpath expects rank " + rank + ", the batch first", null);
        }
        FloatBuffer in = tensor.getFloatBuffer();
        int width = Math.toIntExact(shape[rank - 1]);
        float[] out = new float[rows * width];
        if (rank == 2) {
            in.get(out);
        } else {
            int positions = Math.toIntExact(shape[1]);
            for (int r = 0; r < rows; r++) {
                int length = lengths.isPresent() ? Math.min(positions, lengths.get()[r]) : positions;
                pool(in, r * positions * width, Math.max(1, length), width, out, r * width);
            }
        }
        if (normalize) {
            for (int r = 0; r < rows; r++) {
                normalize(out, r * width, width);
            }
        }
        return new TensorValues(column, ElementType.FLOAT, rows, out, new int[] {width});
    }

    /** Pools {@code length} vectors of {@code width} from {@code in} at {@code base} into {@code out} at {@code at}. */
    private void pool(FloatBuffer in, int base, int length, int width, float[] out, int at) {
        switch (pooling) {
            case CLS -> {
                for (int h = 0; h < width; h++) {
                    out[at + h] = in.get(base + h);
                }
            }
            case MEAN -> {
                double[] sum = new double[width];
                for (int t = 0; t < length; t++) {
                    for (int h = 0, p = base + t * width; h < width; h++) {
                        sum[h] += in.get(p + h);
                    }
                }
                for (int h = 0; h < width; h++) {
                    out[at + h] = (float) (sum[h] / length);
                }
            }
            case MAX -> {
                for (int h = 0; h < width; h++) {
                    out[at + h] = Float.NEGATIVE_INFINITY;
                }
                for (int t = 0; t < length; t++) {
                    for (int h = 0, p = base + t * width; h < width; h++) {
                        out[at + h] = Math.max(out[at + h], in.get(p + h));
                    }
                }
            }
            case NONE -> throw new IllegalStateException("no pooling");
        }
    }

    private static void normalize(float[] v, int at, int width) {
        double sum = 0;
        for (int h = 0; h < width; h++) {
            sum += (double) v[at + h] * v[at + h];
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int h = 0; h < width; h++) {
                v[at + h] = (float) (v[at + h] / norm);
            }
        }
    }
}
