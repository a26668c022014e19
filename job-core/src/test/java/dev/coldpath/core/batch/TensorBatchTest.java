package dev.coldpath.core.batch;

import static dev.coldpath.core.testing.Plans.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.decode.TensorValues;
import dev.coldpath.core.encode.ArrayColumn;
import dev.coldpath.core.encode.RowRejectedException;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.score.BatchScorer;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.tensor.ElementType;
import dev.coldpath.core.testing.Chunk;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.Row;
import dev.coldpath.core.testing.Scoring;
import dev.coldpath.core.testing.TestGraphs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TensorBatchTest {
    private static final ColumnType FLOATS = ColumnType.arrayOf(ColumnType.FLOAT);
    private static final ColumnType FLOATS2 = ColumnType.arrayOf(FLOATS);
    private static final OrtEnvironment ENV = OnnxModel.environment();

    static Stream<Arguments> losslessConversions() {
        return Stream.of(
                conversion(DataType.FLOAT, ColumnType.FLOAT, 1.5f, -3.25e-7f, new float[] {1.5f, -3.25e-7f}),
                conversion(DataType.FLOAT, ColumnType.SHORT, Short.MIN_VALUE, Short.MAX_VALUE,
                        new float[] {-32768f, 32767f}),
                conversion(DataType.FLOAT, ColumnType.BYTE, Byte.MIN_VALUE, Byte.MAX_VALUE, new float[] {-128f, 127f}),
                conversion(DataType.DOUBLE, ColumnType.DOUBLE, 0.1, -1e300, new double[] {0.1, -1e300}),
                conversion(DataType.DOUBLE, ColumnType.FLOAT, 0.1f, Float.MAX_VALUE,
                        new double[] {0.10000000149011612, 3.4028234663852886E38}),
                conversion(DataType.DOUBLE, ColumnType.INT, Integer.MIN_VALUE, Integer.MAX_VALUE,
                        new double[] {-2147483648.0, 2147483647.0}),
                conversion(DataType.DOUBLE, ColumnType.SHORT, (short) -7, Short.MAX_VALUE, new double[] {-7, 32767}),
                conversion(DataType.DOUBLE, ColumnType.BYTE, (byte) -1, Byte.MAX_VALUE, new double[] {-1, 127}),
                conversion(DataType.INT64, ColumnType.LONG, Long.MIN_VALUE, Long.MAX_VALUE,
                        new long[] {Long.MIN_VALUE, Long.MAX_VALUE}),
                conversion(DataType.INT64, ColumnType.INT, Integer.MIN_VALUE, Integer.MAX_VALUE,
                        new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE}),
                conversion(DataType.INT64, ColumnType.SHORT, Short.MIN_VALUE, (short) 3, new long[] {-32768, 3}),
                conversion(DataType.INT64, ColumnType.BYTE, Byte.MIN_VALUE, (byte) 0, new long[] {-128, 0}),
                conversion(DataType.INT32, ColumnType.INT, Integer.MIN_VALUE, Integer.MAX_VALUE,
                        new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE}),
                conversion(DataType.INT32, ColumnType.SHORT, Short.MIN_VALUE, Short.MAX_VALUE,
                        new int[] {-32768, 32767}),
                conversion(DataType.INT32, ColumnType.BYTE, Byte.MIN_VALUE, Byte.MAX_VALUE, new int[] {-128, 127}),
                conversion(DataType.INT16, ColumnType.SHORT, Short.MIN_VALUE, Short.MAX_VALUE,
                        new short[] {Short.MIN_VALUE, Short.MAX_VALUE}),
                conversion(DataType.INT16, ColumnType.BYTE, Byte.MIN_VALUE, Byte.MAX_VALUE, new short[] {-128, 127}),
                conversion(DataType.INT8, ColumnType.BYTE, Byte.MIN_VALUE, Byte.MAX_VALUE, new byte[] {-128, 127}),
                conversion(DataType.BOOL, ColumnType.BOOLEAN, true, false, new boolean[] {true, false}));
    }

    private static Arguments conversion(DataType target, ColumnType source, Object a, Object b, Object expected) {
        return Arguments.of(target, source, a, b, expected);
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("losslessConversions")
    void losslessConversionProducesExactlyTheValue(DataType target, ColumnType source, Object a, Object b,
                                                   Object expected) {
        byte[] model = TestGraphs.identity(target, TestGraphs.N, 2);
        ScoringPlan plan = Plans.request(model, schema("a", source, "b", source)).sole("a", "b").plan();

        TensorValues y = Scoring.tensor(Scoring.score(model, plan, Row.of(a, b)), 0);

        assertThat(y.rows()).isEqualTo(1);
        assertThat(y.innerDims()).containsExactly(2);
        assertThat(y.values()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("losslessConversions")
    void columnarAppendConvertsExactlyAsRowAppendDoes(DataType target, ColumnType source, Object a, Object b,
                                                      Object expected) {
        byte[] model = TestGraphs.identity(target, TestGraphs.N, 2);
        ScoringPlan plan = Plans.request(model, schema("a", source, "b", source)).sole("a", "b").plan();
        TensorBatch batch = plan.newBatch();

        assertThat(batch.appendColumns(Chunk.of(Row.of(a, b), Row.of(b, a)), 0, 1)).isTrue();

        assertThat(batch.rows()).isEqualTo(1);
        assertThat(values(score(model, plan, batch), 0)).isEqualTo(expected);
    }

    @Test
    void columnarRangesAndSingleRowsInterleaveInRowOrder() throws RowRejectedException {
        byte[] model = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 2);
        ScoringPlan plan = Plans.request(model, schema("id", ColumnType.LONG, "a", ColumnType.FLOAT, "b",
                ColumnType.FLOAT)).sole("b", "a").batchSize(6).plan();
        Chunk chunk = Chunk.of(Row.of(0L, 1f, 2f), Row.of(1L, 3f, 4f), Row.of(2L, 5f, 6f), Row.of(3L, 7f, 8f));
        TensorBatch batch = plan.newBatch();

        batch.append(Row.of(9L, -1f, -2f));
        assertThat(batch.appendColumns(chunk, 1, 3)).isTrue();
        assertThat(batch.appendColumns(chunk, 0, 4)).as("4 rows do not fit in the 3 places left").isFalse();
        assertThat(batch.appendColumns(chunk, 3, 4)).isTrue();
        batch.append(Row.of(9L, -3f, -4f));

        assertThat(batch.rows()).isEqualTo(5);
        assertThat(values(score(model, plan, batch), 0))
                .isEqualTo(new float[] {-2, -1, 4, 3, 6, 5, 8, 7, -4, -3});
    }

    @Test
    void flatArrayColumnsAreAppendedFromTheirElementsInRowOrder() throws RowRejectedException {
        byte[] model = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 3);
        ScoringPlan plan = Plans.request(model, schema("id", ColumnType.LONG, "v", FLOATS)).sole("v").batchSize(4)
                .plan();
        Chunk chunk = Chunk.of(Row.of(0L, Row.floats(1, 2, 3)), Row.of(1L, Row.floats(4, 5, 6)),
                Row.of(2L, Row.floats(7, 8, 9)));
        TensorBatch batch = plan.newBatch();

        batch.append(Row.of(9L, Row.floats(-1, -2, -3)));
        assertThat(batch.appendColumns(chunk, 1, 3)).isTrue();

        assertThat(batch.rows()).isEqualTo(3);
        assertThat(values(score(model, plan, batch), 0)).isEqualTo(new float[] {-1, -2, -3, 4, 5, 6, 7, 8, 9});
    }

    static Stream<Arguments> chunksForRowByRow() {
        byte[] twoColumns = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 2);
        RowSchema floats = schema("a", ColumnType.FLOAT, "b", ColumnType.FLOAT);
        RowSchema doubles = schema("a", ColumnType.DOUBLE, "b", ColumnType.DOUBLE);
        byte[] doubleModel = TestGraphs.identity(DataType.DOUBLE, TestGraphs.N, 2);
        return Stream.of(
                Arguments.of("a null", Plans.request(twoColumns, floats).sole("a", "b"),
                        Chunk.of(Row.of(1f, 2f), Row.of(null, 4f))),
                Arguments.of("a float NaN", Plans.request(twoColumns, floats).sole("a", "b"),
                        Chunk.of(Row.of(1f, 2f), Row.of(3f, Float.NaN))),
                Arguments.of("a double NaN", Plans.request(doubleModel, doubles).sole("a", "b"),
                        Chunk.of(Row.of(Double.NaN, 2.0), Row.of(3.0, 4.0))),
                Arguments.of("an array of another length", Plans.request(twoColumns, schema("v", FLOATS)).sole("v"),
                        Chunk.of(Row.of(Row.floats(1, 2)), Row.of(Row.floats(3, 4, 5)))),
                Arguments.of("a null array", Plans.request(twoColumns, schema("v", FLOATS)).sole("v"),
                        Chunk.of(Row.of(Row.floats(1, 2)), Row.of((Object) null))),
                Arguments.of("a null array element", Plans.request(twoColumns, schema("v", FLOATS)).sole("v"),
                        Chunk.of(Row.of(Row.floats(1, 2)), Row.of(Row.array(3f, null)))),
                Arguments.of("a NaN array element", Plans.request(twoColumns, schema("v", FLOATS)).sole("v"),
                        Chunk.of(Row.of(Row.floats(1, Float.NaN)), Row.of(Row.floats(3, 4)))),
                Arguments.of("a nested array column", Plans.request(TestGraphs.rank3(), schema("x", FLOATS2)).sole("x"),
                        Chunk.of(Row.of(Row.array(Row.floats(1, 2, 3), Row.floats(4, 5, 6))),
                                Row.of(Row.array(Row.floats(1, 2, 3), Row.floats(4, 5, 6))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunksForRowByRow")
    void chunkThatNeedsRowByRowLeavesTheBatchAsItWas(String what, Plans request, Chunk chunk)
            throws RowRejectedException {
        ScoringPlan plan = request.plan();
        TensorBatch batch = plan.newBatch();
        boolean doubles = plan.binding().encoders().get(0).elementType() == ElementType.DOUBLE;
        boolean nested = plan.binding().encoders().get(0) instanceof ArrayColumn a && a.depth() == 2;
        batch.append(doubles ? Row.of(5.0, 6.0) : nested ? Row.of(Row.array(Row.floats(5, 6, 7), Row.floats(8, 9, 0)))
                : plan.binding().encoders().get(0) instanceof ArrayColumn
                ? Row.of(Row.floats(5, 6)) : Row.of(5f, 6f));

        assertThat(batch.appendColumns(chunk, 0, 2)).isFalse();

        assertThat(batch.rows()).isEqualTo(1);
        Object first = values(score(request.modelBytes(), plan, batch), 0);
        assertThat(first).isEqualTo(doubles ? new double[] {5, 6} : nested ? new float[] {5, 6, 7, 8, 9, 0}
                : new float[] {5, 6});
    }

    /** Every row a batch rejected, as "source row: reason". */
    private static final class Rejections implements RejectedRows {
        final List<String> seen = new ArrayList<>();

        @Override
        public void rejected(int sourceRow, RowRejectedException reason) {
            seen.add(sourceRow + ": " + reason.reason());
        }
    }

    @Test
    void columnarRangeWithBadRowsKeepsTheOthersInOrderAndRejectsTheBadOnesInChunkOrder() {
        byte[] model = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 2);
        ScoringPlan plan = Plans.request(model, schema("id", ColumnType.LONG, "a", ColumnType.FLOAT, "b",
                ColumnType.FLOAT)).sole("a", "b").plan();
        Chunk chunk = Chunk.of(Row.of(0L, 1f, 2f), Row.of(1L, null, 4f), Row.of(2L, 5f, Float.NaN),
                Row.of(3L, 7f, 8f), Row.of(4L, 9f, 10f));
        TensorBatch batch = plan.newBatch();
        Rejections rejects = new Rejections();

        assertThat(batch.appendColumns(chunk, 0, 5, rejects)).isTrue();

        assertThat(rejects.seen).containsExactly("1: Column 'a' is null", "2: Column 'b' is NaN");
        assertThat(batch.rows()).isEqualTo(3);
        assertThat(List.of(batch.sourceRow(0), batch.sourceRow(1), batch.sourceRow(2))).containsExactly(0, 3, 4);
        assertThat(values(score(model, plan, batch), 0)).isEqualTo(new float[] {1, 2, 7, 8, 9, 10});
    }

    @Test
    void columnarRangeImputesMissingValuesWhenThePolicySaysSo() {
        byte[] model = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 2);
        ScoringPlan plan = Plans.request(model, schema("a", ColumnType.FLOAT, "b", ColumnType.FLOAT)).sole("a", "b")
                .badRows(new BadRows(BadRows.Policy.SKIP, 0.5, true, -1)).plan();
        Chunk chunk = Chunk.of(Row.of(1f, 2f), Row.of(null, 4f), Row.of(5f, Float.NaN));
        TensorBatch batch = plan.newBatch();
        Rejections rejects = new Rejections();

        assertThat(batch.appendColumns(chunk, 0, 3, rejects)).isTrue();

        assertThat(rejects.seen).isEmpty();
        assertThat(values(score(model, plan, batch), 0)).isEqualTo(new float[] {1, 2, -1, 4, 5, -1});
    }

    @Test
    void columnarArrayRangeRejectsNullShortAndHoledArraysAndKeepsTheRest() {
        byte[] model = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 3);
        ScoringPlan plan = Plans.request(model, schema("id", ColumnType.LONG, "v", FLOATS)).sole("v").plan();
        Chunk chunk = Chunk.of(Row.of(0L, Row.floats(1, 2, 3)), Row.of(1L, null), Row.of(2L, Row.floats(4, 5)),
                Row.of(3L, Row.array(6f, null, 8f)), Row.of(4L, Row.floats(9, Float.NaN, 11)),
                Row.of(5L, Row.floats(12, 13, 14)));
        TensorBatch batch = plan.newBatch();
        Rejections rejects = new Rejections();

        assertThat(batch.appendColumns(chunk, 0, 6, rejects)).isTrue();

        assertThat(rejects.seen).containsExactly("1: Column 'v' is null",
                "2: Column 'v' has an array of length 2 but model input 'x' needs 3 values per row",
                "3: Column 'v' has a null array element at index 1", "4: Column 'v' is NaN at array index 1");
        assertThat(batch.rows()).isEqualTo(2);
        assertThat(batch.sourceRow(1)).isEqualTo(5);
        assertThat(values(score(model, plan, batch), 0)).isEqualTo(new float[] {1, 2, 3, 12, 13, 14});
    }

    @Test
    void columnarRangeWithBadRowsGivesTheTensorRowByRowAppendGives() throws RowRejectedException {
        byte[] model = TestGraphs.identity(DataType.DOUBLE, TestGraphs.N, 2);
        ScoringPlan plan = Plans.request(model, schema("a", ColumnType.DOUBLE, "b", ColumnType.DOUBLE)).sole("a", "b")
                .plan();
        Row[] rows = {Row.of(0.5, 1.0), Row.of(Double.NaN, 2.0), Row.of(1.5, null), Row.of(2.5, 4.0), Row.of(3.5, 5.0)};
        TensorBatch columnar = plan.newBatch();
        TensorBatch rowByRow = plan.newBatch();

        columnar.appendColumns(Chunk.of(rows), 0, rows.length, new Rejections());
        for (Row row : rows) {
            try {
                rowByRow.append(row);
            } catch (RowRejectedException e) {
                // rejected either way
            }
        }

        assertThat(values(score(model, plan, columnar), 0)).isEqualTo(values(score(model, plan, rowByRow), 0))
                .isEqualTo(new double[] {0.5, 1, 2.5, 4, 3.5, 5});
    }

    @Test
    void padToLongestPadsEachBatchToItsLongestRowAndFeedsTheMask() throws RowRejectedException {
        byte[] model = TestGraphs.sequenceWithMask();
        ScoringPlan plan = Plans.request(model, schema("id", ColumnType.LONG, "v", FLOATS)).feature("x", "v")
                .batchifier(new PadToLongest(-1, "mask")).plan();
        TensorBatch batch = plan.newBatch();
        batch.append(Row.of(0L, Row.floats(1, 2, 3)));
        batch.append(Row.of(1L, Row.floats(4)));
        batch.append(Row.of(2L, Row.floats(5, 6)));

        List<Prediction> out = score(model, plan, batch);

        assertThat(plan.binding().encoders()).extracting(e -> e.input()).containsExactly("x");
        assertThat(Scoring.tensor(out, 0).innerDims()).containsExactly(3);
        assertThat(values(out, 0)).isEqualTo(new float[] {1, 2, 3, 4, -1, -1, 5, 6, -1});
        assertThat(values(out, 1)).isEqualTo(new float[] {3, 1, 2});
        assertThat(batch.appendColumns(Chunk.of(Row.of(3L, Row.floats(7))), 0, 1))
                .as("padded rows are not written a column at a time").isFalse();
    }

    @Test
    void padToLongestPadsTheHalvesOfABatchToTheirOwnLongestRow() throws Exception {
        byte[] model = TestGraphs.sequenceWithMask();
        ScoringPlan plan = Plans.request(model, schema("v", FLOATS)).feature("x", "v")
                .batchifier(new PadToLongest(0, "mask")).plan();
        TensorBatch batch = plan.newBatch();
        batch.append(Row.of(Row.floats(1)));
        batch.append(Row.of(Row.floats(2, 3)));
        batch.append(Row.of(Row.floats(4, 5, 6, 7)));

        Map<String, OnnxTensor> firstTwo = batch.tensors(ENV, 0, 2);
        try {
            assertThat(firstTwo.get("x").getInfo().getShape()).containsExactly(2, 2);
            assertThat(firstTwo.get("x").getFloatBuffer().array()).containsExactly(1, 0, 2, 3);
            assertThat(firstTwo.get("mask").getLongBuffer().array()).containsExactly(1, 0, 1, 1);
        } finally {
            firstTwo.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void flatAndNestedArraysGiveTheSameRank3Tensor() throws OrtException, RowRejectedException {
        byte[] model = TestGraphs.rank3();
        TensorBatch flat = Plans.request(model, schema("x", FLOATS)).plan().newBatch();
        TensorBatch nested = Plans.request(model, schema("x", FLOATS2)).plan().newBatch();
        for (int r = 0; r < 3; r++) {
            float b = 10 * r;
            flat.append(Row.of(Row.floats(b, b + 1, b + 2, b + 3, b + 4, b + 5)));
            nested.append(Row.of(Row.array(Row.floats(b, b + 1, b + 2), Row.floats(b + 3, b + 4, b + 5))));
        }

        Map<String, OnnxTensor> fromFlat = flat.tensors(ENV);
        Map<String, OnnxTensor> fromNested = nested.tensors(ENV);
        try {
            OnnxTensor a = fromFlat.get("x");
            OnnxTensor b = fromNested.get("x");
            assertThat(a.getInfo().getShape()).containsExactly(3, 2, 3);
            assertThat(b.getInfo().getShape()).containsExactly(3, 2, 3);
            float[] values = a.getFloatBuffer().array();
            assertThat(values).containsExactly(0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25);
            assertThat(b.getFloatBuffer().array()).containsExactly(values);
        } finally {
            fromFlat.values().forEach(OnnxTensor::close);
            fromNested.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void symbolicInnerDimensionIsSetByTheFirstRowAndALaterRowOfAnotherLengthIsRejected()
            throws RowRejectedException {
        byte[] model = TestGraphs.symbolicInner();
        ScoringPlan plan = Plans.request(model, schema("v", FLOATS)).sole("v").plan();
        TensorBatch batch = plan.newBatch();
        batch.append(Row.of(Row.floats(1, 2, 3, 4)));
        batch.append(Row.of(Row.floats(5, 6, 7, 8)));

        RowRejectedException e = catchThrowableOfType(RowRejectedException.class,
                () -> batch.append(Row.of(Row.floats(1, 2, 3))));

        assertThat(e.column()).isEqualTo("v");
        assertThat(e.reason()).isEqualTo("Column 'v' has an array of length 3 but model input 'x' needs 4 values"
                + " per row (set by the first row of the batch, as the model leaves that dimension symbolic)");
        assertThat(batch.rows()).isEqualTo(2);
        List<Prediction> out = score(model, plan, batch);
        assertThat(Scoring.tensor(out, 0).innerDims()).containsExactly(4);
        assertThat(values(out, 0)).isEqualTo(new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(values(out, 1)).isEqualTo(new float[] {10, 26});
    }

    @Test
    void clearResetsRowsAndTheSymbolicDimension() throws RowRejectedException {
        byte[] model = TestGraphs.symbolicInner();
        ScoringPlan plan = Plans.request(model, schema("v", FLOATS)).sole("v").batchSize(2).plan();
        TensorBatch batch = plan.newBatch();
        batch.append(Row.of(Row.floats(1, 2, 3, 4)));
        batch.append(Row.of(Row.floats(5, 6, 7, 8)));
        assertThat(batch.isFull()).isTrue();

        batch.clear();

        assertThat(batch.rows()).isZero();
        assertThat(batch.isFull()).isFalse();
        assertThat(batch.capacity()).isEqualTo(2);
        batch.append(Row.of(Row.floats(9, 10, 11)));
        List<Prediction> out = score(model, plan, batch);
        assertThat(Scoring.tensor(out, 0).rows()).isEqualTo(1);
        assertThat(Scoring.tensor(out, 0).innerDims()).containsExactly(3);
        assertThat(values(out, 1)).isEqualTo(new float[] {30});
    }

    @Test
    void appendingToAFullBatchIsAnError() throws RowRejectedException {
        byte[] model = TestGraphs.identity(DataType.FLOAT, TestGraphs.N);
        TensorBatch batch = Plans.request(model, schema("x", ColumnType.FLOAT)).batchSize(2).plan().newBatch();
        batch.append(Row.of(1f));
        batch.append(Row.of(2f));

        assertThatThrownBy(() -> batch.append(Row.of(3f)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("batch is full: 2");
        assertThat(batch.rows()).isEqualTo(2);
    }

    static Stream<Arguments> rejectedRows() {
        byte[] identity3 = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 3);
        RowSchema threeColumns = schema("a", ColumnType.FLOAT, "b", ColumnType.FLOAT, "c", ColumnType.FLOAT);
        RowSchema arrayColumn = schema("id", ColumnType.LONG, "v", FLOATS);
        byte[] rank3 = TestGraphs.rank3();
        RowSchema nested = schema("cube", FLOATS2);
        Row cubeA = Row.of(Row.array(Row.floats(1, 2, 3), Row.floats(4, 5, 6)));
        Row cubeB = Row.of(Row.array(Row.floats(7, 8, 9), Row.floats(10, 11, 12)));
        return Stream.of(
                rejected("null scalar", Plans.request(identity3, threeColumns).sole("a", "b", "c"),
                        Row.of(1f, 2f, 3f), Row.of(7f, null, 9f), Row.of(4f, 5f, 6f),
                        "b", "Column 'b' is null", new float[] {1, 2, 3, 4, 5, 6}),
                rejected("null array", Plans.request(identity3, arrayColumn).sole("v"),
                        Row.of(1L, Row.floats(1, 2, 3)), Row.of(2L, null), Row.of(3L, Row.floats(4, 5, 6)),
                        "v", "Column 'v' is null", new float[] {1, 2, 3, 4, 5, 6}),
                rejected("null element", Plans.request(identity3, arrayColumn).sole("v"),
                        Row.of(1L, Row.floats(1, 2, 3)), Row.of(2L, Row.array(7f, null, 9f)),
                        Row.of(3L, Row.floats(4, 5, 6)),
                        "v", "Column 'v' has a null array element at index 1", new float[] {1, 2, 3, 4, 5, 6}),
                rejected("array too short", Plans.request(identity3, arrayColumn).sole("v"),
                        Row.of(1L, Row.floats(1, 2, 3)), Row.of(2L, Row.floats(7, 8)), Row.of(3L, Row.floats(4, 5, 6)),
                        "v", "Column 'v' has an array of length 2 but model input 'x' needs 3 values per row",
                        new float[] {1, 2, 3, 4, 5, 6}),
                rejected("array too long", Plans.request(identity3, arrayColumn).sole("v"),
                        Row.of(1L, Row.floats(1, 2, 3)), Row.of(2L, Row.floats(7, 8, 9, 10)),
                        Row.of(3L, Row.floats(4, 5, 6)),
                        "v", "Column 'v' has an array of length 4 but model input 'x' needs 3 values per row",
                        new float[] {1, 2, 3, 4, 5, 6}),
                rejected("nested array with too many rows", Plans.request(rank3, nested).sole("cube"),
                        cubeA, Row.of(Row.array(Row.floats(0, 0, 0), Row.floats(0, 0, 0), Row.floats(0, 0, 0))), cubeB,
                        "cube", "Column 'cube' has an array of length 3 at nesting level 1 but model input 'x' needs 2",
                        new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}),
                rejected("nested array with a short inner array", Plans.request(rank3, nested).sole("cube"),
                        cubeA, Row.of(Row.array(Row.floats(0, 0, 0), Row.floats(0, 0))), cubeB,
                        "cube", "Column 'cube' has an array of length 2 at nesting level 2 but model input 'x' needs 3",
                        new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}),
                rejected("null nested array", Plans.request(rank3, nested).sole("cube"),
                        cubeA, Row.of(Row.array(Row.floats(0, 0, 0), null)), cubeB,
                        "cube", "Column 'cube' has a null nested array at level 1, index 1",
                        new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}),
                rejected("null in the second input of a two-input model",
                        Plans.request(TestGraphs.twoInputs(), schema("x", FLOATS, "y",
                                ColumnType.arrayOf(ColumnType.LONG))),
                        Row.of(Row.floats(1, 2, 3), Row.array(10L, 20L)), Row.of(Row.floats(0, 0, 0), null),
                        Row.of(Row.floats(4, 5, 6), Row.array(30L, 40L)),
                        "y", "Column 'y' is null", new float[] {1, 2, 3, 10, 20, 4, 5, 6, 30, 40}));
    }

    private static Arguments rejected(String what, Plans request, Row good, Row bad, Row next, String column,
                                      String reason, float[] firstOutput) {
        return Arguments.of(what, request, good, bad, next, column, reason, firstOutput);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedRows")
    void rejectedRowNamesItsColumnAndLeavesTheBatchUsable(String what, Plans request, Row good, Row bad, Row next,
                                                          String column, String reason, float[] firstOutput)
            throws RowRejectedException {
        ScoringPlan plan = request.plan();
        TensorBatch batch = plan.newBatch();
        batch.append(good);

        RowRejectedException e = catchThrowableOfType(RowRejectedException.class, () -> batch.append(bad));

        assertThat(e).as("rejection of " + bad).isNotNull();
        assertThat(e.column()).isEqualTo(column);
        assertThat(e.reason()).isEqualTo(reason).isEqualTo(e.getMessage());
        assertThat(e.getStackTrace()).as("cheap to throw").isEmpty();
        assertThat(batch.rows()).isEqualTo(1);
        batch.append(next);
        assertThat(batch.rows()).isEqualTo(2);
        assertThat(values(score(request.modelBytes(), plan, batch), 0)).isEqualTo(firstOutput);
    }

    @Test
    void rejectedFirstRowDoesNotFixTheSymbolicDimension() throws RowRejectedException {
        byte[] model = TestGraphs.symbolicInner();
        ScoringPlan plan = Plans.request(model, schema("v", FLOATS)).sole("v").plan();
        TensorBatch batch = plan.newBatch();
        assertThatThrownBy(() -> batch.append(Row.of(Row.array(1f, null, 3f)))).isInstanceOf(RowRejectedException.class);

        batch.append(Row.of(Row.floats(1, 2)));

        assertThat(values(score(model, plan, batch), 1)).isEqualTo(new float[] {3});
    }

    private static List<Prediction> score(byte[] model, ScoringPlan plan, TensorBatch batch) {
        try (OnnxModel open = OnnxModel.open("test model", model, SessionSettings.cpu(1))) {
            return new BatchScorer(plan.binding(), open).score(batch);
        }
    }

    /** Output {@code i}'s values. */
    private static Object values(List<Prediction> out, int i) {
        return Scoring.tensor(out, i).values();
    }
}
