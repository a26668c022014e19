package dev.coldpath.spark;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.encode.RowRejectedException;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.TestGraphs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * A micro-benchmark of the tensor fill, the inner piece of the hot path: nanoseconds per value to copy K float
 * columns of a Spark ColumnarBatch (the Parquet reader's on-heap vectors) into a batch's tensor buffer, column
 * by column ({@link TensorBatch#appendColumns}) and, for comparison, row by row ({@link TensorBatch#append}
 * over row views, the path for array features and bad values). Not a test: {@code scripts/bench.sh --fill}
 * runs it. Arguments: [columns] [rows per batch] [rounds]; then also, column by column, the same batch with one
 * null (in f0) and one NaN (in f1) per 2,000 rows, which the batch rejects one by one.
 */
public final class ColumnarFillBench {
    private ColumnarFillBench() {
    }

    public static void main(String[] args) throws RowRejectedException {
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int batchRows = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        int readerRows = 4096;
        ColumnarBatch batch = floatColumns(k, readerRows, false);
        Object[] schema = new Object[2 * k];
        List<String> names = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            schema[2 * c] = "f" + c;
            schema[2 * c + 1] = ColumnType.FLOAT;
            names.add("f" + c);
        }
        ScoringPlan plan = Plans.request(TestGraphs.identity(DataType.FLOAT, TestGraphs.N, k), Plans.schema(schema))
                .sole(names).batchSize(batchRows).plan();
        TensorBatch tensor = plan.newBatch();
        InputChunk.BatchChunk chunk = new InputChunk.BatchChunk().pointTo(batch);
        SparkValues values = new SparkValues();
        double[] columnar = new double[rounds];
        double[] rowByRow = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long valuesCopied = 0;
            long start = System.nanoTime();
            for (int repeat = 0; repeat < 200; repeat++) {
                for (int from = 0; from + batchRows <= readerRows; from += batchRows) {
                    tensor.clear();
                    if (!tensor.appendColumns(chunk, from, from + batchRows)) {
                        throw new IllegalStateException("the columnar fill refused clean float columns");
                    }
                    valuesCopied += (long) batchRows * k;
                }
            }
            columnar[round] = (System.nanoTime() - start) / (double) valuesCopied;
            valuesCopied = 0;
            start = System.nanoTime();
            for (int repeat = 0; repeat < 50; repeat++) {
                for (int from = 0; from + batchRows <= readerRows; from += batchRows) {
                    tensor.clear();
                    for (int r = from; r < from + batchRows; r++) {
                        tensor.append(values.wrap(chunk.row(r), k));
                    }
                    valuesCopied += (long) batchRows * k;
                }
            }
            rowByRow[round] = (System.nanoTime() - start) / (double) valuesCopied;
        }
        InputChunk.BatchChunk bad = new InputChunk.BatchChunk().pointTo(floatColumns(k, readerRows, true));
        double[] withBadRows = new double[rounds];
        long[] rejected = new long[1];
        for (int round = 0; round < rounds; round++) {
            long valuesCopied = 0;
            long start = System.nanoTime();
            for (int repeat = 0; repeat < 200; repeat++) {
                for (int from = 0; from + batchRows <= readerRows; from += batchRows) {
                    tensor.clear();
                    if (!tensor.appendColumns(bad, from, from + batchRows, (row, reason) -> rejected[0]++)) {
                        throw new IllegalStateException("the columnar fill refused float columns with bad rows");
                    }
                    valuesCopied += (long) batchRows * k;
                }
            }
            withBadRows[round] = (System.nanoTime() - start) / (double) valuesCopied;
        }
        System.out.printf(Locale.ROOT, "tensor fill, %d float columns, batches of %d rows, %d rounds (median of the"
                + " last half):%n  column by column  %.2f ns/value%n  row by row        %.2f ns/value%n"
                + "  column by column, 0.1 %% bad rows  %.2f ns/value%n", k, batchRows, rounds,
                medianOfLastHalf(columnar), medianOfLastHalf(rowByRow), medianOfLastHalf(withBadRows));
    }

    /** The median of the rounds after the first half, which warm the JIT up. */
    private static double medianOfLastHalf(double[] rounds) {
        double[] warm = Arrays.copyOfRange(rounds, rounds.length / 2, rounds.length);
        Arrays.sort(warm);
        return warm[warm.length / 2];
    }

    /** K float columns; with {@code bad}, f0 is null in rows 7 modulo 2000 and f1 NaN in rows 1007 modulo 2000. */
    private static ColumnarBatch floatColumns(int k, int rows, boolean bad) {
        Random random = new Random(5);
        ColumnVector[] columns = new ColumnVector[k];
        for (int c = 0; c < k; c++) {
            OnHeapColumnVector vector = new OnHeapColumnVector(rows, DataTypes.FloatType);
            for (int r = 0; r < rows; r++) {
                if (bad && c == 0 && r % 2000 == 7) {
                    vector.putNull(r);
                } else if (bad && c == 1 && r % 2000 == 1007) {
                    vector.putFloat(r, Float.NaN);
                } else {
                    vector.putFloat(r, random.nextFloat() * 2 - 1);
                }
            }
            columns[c] = vector;
        }
        return new ColumnarBatch(columns, rows);
    }
}
