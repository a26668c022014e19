package dev.coldpath.core.encode;

import static dev.coldpath.core.testing.Plans.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.plan.ImageInputs;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.ImageSpec;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.Row;
import dev.coldpath.core.testing.Scoring;
import dev.coldpath.core.testing.TestGraphs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The image encoder, chosen from {@code image.*} keys by {@link ImageInputs} and scored through a real session: the
 * model's input holds each image's preprocessed pixels, and images that cannot be decoded are rejected with a reason.
 */
class ImageColumnTest {
    private static final RowSchema SCHEMA = schema("id", ColumnType.LONG, "image", ColumnType.BINARY);

    private static ImageSpec spec(String... keyValues) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("image.column", "image");
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.put(keyValues[i], keyValues[i + 1]);
        }
        return ImageSpec.from(JobConfig.of(keys, "test"));
    }

    private static ScoringPlan plan(byte[] model, ImageSpec spec) {
        Map<String, Encoder> encoders = ImageInputs.encoders(spec, Plans.signature(model), SCHEMA, Map.of());
        Plans request = Plans.request(model, SCHEMA);
        encoders.values().forEach(request::encoder);
        return request.plan();
    }

    /** A grey {@code w} × {@code h} PNG whose pixel (x, y) is {@code (seed + 7x + 13y) mod 256}. */
    static byte[] greyPng(int w, int h, int seed) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, (seed + 7 * x + 13 * y) & 0xFF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void greyPngsFeedAFloatNchwInputScaledAndTheImageColumnIsNotKept() {
        byte[] model = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 1, 4, 6);
        ScoringPlan plan = plan(model, spec("image.channels", "gray", "image.scale", "1/255"));

        List<Prediction> out = Scoring.score(model, plan, Row.of(1L, greyPng(6, 4, 0)), Row.of(2L, greyPng(6, 4, 50)));

        assertThat(plan.binding().encoders()).extracting(Encoder::source)
                .containsExactly("images in column image (4x6 exact bilinear gray nchw float)");
        assertThat(plan.output().keepColumns()).containsExactly("id");
        float[] values = Scoring.tensor(out, 0).values() instanceof float[] f ? f : null;
        assertThat(values).hasSize(48);
        for (int r = 0; r < 2; r++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    float expected = ((r * 50 + 7 * x + 13 * y) & 0xFF) * (float) (1 / 255.0);
                    assertThat(values[r * 24 + y * 6 + x]).as("row %s (%s, %s)", r, x, y).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void aPlanWithAnImageInputTravelsSerializedAndEncodesOnTheOtherSide() throws Exception {
        byte[] model = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 1, 4, 6);
        ScoringPlan plan = plan(model, spec("image.channels", "gray"));
        Scoring.score(model, plan, Row.of(1L, greyPng(6, 4, 9))); // its buffers are built, and not serialized

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(plan);
        }
        ScoringPlan copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ScoringPlan) in.readObject();
        }
        List<Prediction> out = Scoring.score(model, copy, Row.of(1L, greyPng(6, 4, 9)));

        assertThat(copy.binding().encoders()).isEqualTo(plan.binding().encoders());
        assertThat(((float[]) Scoring.tensor(out, 0).values())[23]).isEqualTo((9 + 7 * 5 + 13 * 3) & 0xFF);
    }

    @Test
    void aUint8NhwcModelTakesTheSamplesAsTheyAreResizedToItsSize() {
        byte[] model = TestGraphs.identity(DataType.UINT8, TestGraphs.N, 2, 3, 3);
        ScoringPlan plan = plan(model, spec());

        // 6 x 4 grey to 3 x 2: an exact 2 x 2 average, (p(2x, 2y) + p(2x+1, 2y) + p(2x, 2y+1) + p(2x+1, 2y+1)) / 4
        List<Prediction> out = Scoring.score(model, plan, Row.of(1L, greyPng(6, 4, 0)));

        assertThat(plan.binding().encoders().get(0).elementType().onnxName()).isEqualTo("uint8");
        assertThat(plan.binding().encoders().get(0).shape()).containsExactly(2, 3, 3);
        short[] values = (short[]) Scoring.tensor(out, 0).values();
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                double mean = (7 * 2 * x + 13 * 2 * y) + (7 + 13) / 2.0;
                for (int c = 0; c < 3; c++) {
                    assertThat(values[(y * 3 + x) * 3 + c]).isEqualTo((short) Math.round(mean));
                }
            }
        }
    }

    @Test
    void rowsWhoseImageCannotBeDecodedAreRejectedWithAReason() {
        byte[] model = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 3, 8, 8);
        ScoringPlan plan = plan(model, spec("image.max-pixels", "100"));
        byte[] png = greyPng(10, 10, 1);
        TensorBatch batch = plan.newBatch();

        assertThatThrownBy(() -> batch.append(Row.of(1L, new byte[0]))).isInstanceOf(RowRejectedException.class)
                .extracting(e -> ((RowRejectedException) e).reason())
                .isEqualTo("cannot decode image: empty (0 bytes) (column 'image')");
        assertThatThrownBy(() -> batch.append(Row.of(2L, null)))
                .hasMessage("cannot decode image: column 'image' is null");
        assertThatThrownBy(() -> batch.append(Row.of(3L, Arrays.copyOf(png, 40))))
                .hasMessageStartingWith("cannot decode image: ");
        assertThatThrownBy(() -> batch.append(Row.of(4L, greyPng(11, 10, 1))))
                .hasMessage("cannot decode image: PNG of 11x10 = 110 pixels, more than image.max-pixels (100)"
                        + " (column 'image')");
        assertThat(((RowRejectedException) catchRejection(batch, Row.of(5L, "not an image".getBytes()))).column())
                .isEqualTo("image");
    }

    @Test
    void imagesDecodedAheadOnAnotherThreadFeedTheSameValuesAndRejectionsAsInlineAndOtherBytesAreDecodedInline()
            throws Exception {
        byte[] model = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 1, 4, 6);
        ScoringPlan inline = plan(model, spec("image.channels", "gray", "image.size", "[4, 6]"));
        ScoringPlan ahead = plan(model, spec("image.channels", "gray", "image.size", "[4, 6]"));
        ImageColumn column = (ImageColumn) ahead.binding().encoders().get(0);
        byte[][] images = {greyPng(12, 8, 1), new byte[0], null, greyPng(9, 5, 2), greyPng(6, 4, 3)};
        ExecutorService helper = Executors.newSingleThreadExecutor();
        try {
            column.decodeAhead(images, 4, helper); // the fifth is not ahead: decoded inline
            TensorBatch expected = inline.newBatch();
            TensorBatch actual = ahead.newBatch();
            for (int i = 0; i < images.length; i++) {
                Row row = Row.of((long) i, images[i] == null ? null : images[i].clone());
                String wanted = rejection(expected, row);
                assertThat(rejection(actual, row)).as("row %s", i).isEqualTo(wanted);
            }
            assertThat(column.takeAheadNanos()).as("the helper's time").isPositive();
            assertThat(column.takeInlineNanos()).as("the fifth image's time").isPositive();
            assertThat(values(actual)).hasSize(3 * 24).isEqualTo(values(expected));

            column.decodeAhead(images, 4, helper); // out of order: the batch ahead is dropped, nothing is lost
            TensorBatch again = ahead.newBatch();
            again.append(Row.of(0L, images[3].clone()));
            again.append(Row.of(1L, images[0].clone()));
            assertThat(column.takeAheadNanos()).isZero();
            TensorBatch reference = inline.newBatch();
            reference.append(Row.of(0L, images[3].clone()));
            reference.append(Row.of(1L, images[0].clone()));
            assertThat(values(again)).hasSize(2 * 24).isEqualTo(values(reference));
        } finally {
            helper.shutdownNow();
        }
    }

    private static float[] values(TensorBatch batch) throws OrtException {
        Map<String, OnnxTensor> tensors = batch.tensors(OrtEnvironment.getEnvironment());
        try {
            FloatBuffer buffer = tensors.get("x").getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return values;
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /** Appends the row; its rejection reason, or null when the batch took it. */
    private static String rejection(TensorBatch batch, Row row) {
        try {
            batch.append(row);
            return null;
        } catch (RowRejectedException e) {
            return e.reason();
        }
    }

    private static Throwable catchRejection(TensorBatch batch, Row row) {
        try {
            batch.append(row);
        } catch (RowRejectedException e) {
            return e;
        }
        throw new AssertionError("not rejected: " + row);
    }

    static Stream<Arguments> planningFailures() {
        byte[] nchw = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 3, 8, 8);
        return Stream.of(
                Arguments.of("a column that is not there", nchw, spec("image.column", "photo"), SCHEMA,
                        "Invalid image.column: column 'photo' not found in the input (input columns: id bigint,"
                                + " image binary)"),
                Arguments.of("a column that is not binary", nchw, spec(),
                        schema("id", ColumnType.LONG, "image", ColumnType.STRING),
                        "Invalid image.column: column 'image' is string; images are read from a binary column"),
                Arguments.of("a model without a rank-4 input", TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 3),
                        spec(), SCHEMA, "image.column feeds the model's one input of rank 4 ([N,C,H,W] or"
                                + " [N,H,W,C]), but the model has 0 (its inputs: x float[N,3])"),
                Arguments.of("grey into three channels", nchw, spec("image.channels", "gray"), SCHEMA,
                        "Invalid image.channels: gray gives 1 channel but model input 'x' float[N,3,8,8] takes 3"
                                + " (layout nchw; set image.channels: rgb or bgr)"),
                Arguments.of("another size than the model's", nchw, spec("image.size", "[8, 9]"), SCHEMA,
                        "Invalid image.size: [8, 9] but model input 'x' float[N,3,8,8] takes [8, 8] (layout nchw)"),
                Arguments.of("an open size without image.size",
                        TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 3, "H", "W"), spec(), SCHEMA,
                        "model input 'x' float[N,3,H,W] leaves its height or width open: set image.size: [H, W]"),
                Arguments.of("uint8 for a float model", nchw, spec("image.dtype", "uint8"), SCHEMA,
                        "Invalid image.dtype: uint8 but model input 'x' float[N,3,8,8] takes float (set"
                                + " image.dtype: float, or leave it out)"),
                Arguments.of("an int64 model", TestGraphs.identity(DataType.INT64, TestGraphs.N, 3, 8, 8), spec(),
                        SCHEMA, "Cannot feed model input 'x' int64[N,3,8,8] from images: an image input is float or"
                                + " uint8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planningFailures")
    void thePlannerRefusesImageSettingsThatDoNotFitTheModelOrTheInput(String what, byte[] model, ImageSpec spec,
                                                                      RowSchema schema, String message) {
        assertThatThrownBy(() -> ImageInputs.encoders(spec, Plans.signature(model), schema, Map.of()))
                .isInstanceOf(JobSpecException.class).hasMessageStartingWith(message);
    }

    @Test
    void theImageInputCannotAlsoBeMappedToColumns() {
        byte[] model = TestGraphs.identity(DataType.FLOAT, TestGraphs.N, 3, 8, 8);

        assertThatThrownBy(() -> ImageInputs.encoders(spec(), Plans.signature(model), SCHEMA,
                Map.of("x", List.of("id")))).hasMessage("Invalid features: model input 'x' float[N,3,8,8] is fed"
                + " from image.column image (leave it out of features)");
    }
}
