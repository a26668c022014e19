package dev.coldpath.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.image.ImageSettings.Crop;
import dev.coldpath.core.image.ImageSettings.DataType;
import dev.coldpath.core.image.ImageSettings.Interpolation;
import dev.coldpath.core.image.ImageSettings.Layout;
import dev.coldpath.core.image.ImageSettings.Resize;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The resize against OpenCV's {@code resize} (INTER_LINEAR and INTER_AREA) on the same decoded JPEG pixels, for odd
 * sizes and aspect ratios, up and down: every sample within 1 grey level.
 */
class ImageResizeOpenCvTest {
    @BeforeAll
    static void loadOpenCv() {
        nu.pattern.OpenCV.loadLocally();
    }

    static Stream<Arguments> sizes() {
        return Stream.of(
                // source w, h -> target w, h
                Arguments.of(640, 481, 224, 224),
                Arguments.of(17, 31, 224, 224),
                Arguments.of(333, 129, 100, 37),
                Arguments.of(1001, 7, 50, 3),
                Arguments.of(5, 5, 224, 224),
                Arguments.of(97, 211, 64, 256),
                Arguments.of(300, 200, 150, 100),
                Arguments.of(1280, 963, 299, 299),
                Arguments.of(28, 28, 28, 28),
                Arguments.of(223, 225, 224, 224));
    }

    @ParameterizedTest(name = "{0}x{1} to {2}x{3}")
    @MethodSource("sizes")
    void bilinearIsWithinOneGreyLevelOfOpenCvInterLinear(int w, int h, int tw, int th) throws Exception {
        RgbImage image = decoded(w, h);

        byte[] ours = resize(image, tw, th, Interpolation.BILINEAR);
        byte[] opencv = opencv(image, tw, th, Imgproc.INTER_LINEAR);

        assertThat(maxDifference(ours, opencv)).isLessThanOrEqualTo(1);
    }

    @ParameterizedTest(name = "{0}x{1} to {2}x{3}")
    @MethodSource("sizes")
    void areaIsWithinOneGreyLevelOfOpenCvInterAreaOnDownscales(int w, int h, int tw, int th) throws Exception {
        if (tw > w || th > h) {
            return; // OpenCV's INTER_AREA upscale is its own filter; ours is bilinear there
        }
        RgbImage image = decoded(w, h);

        byte[] ours = resize(image, tw, th, Interpolation.AREA);
        byte[] opencv = opencv(image, tw, th, Imgproc.INTER_AREA);

        assertThat(maxDifference(ours, opencv)).isLessThanOrEqualTo(1);
    }

    private static RgbImage decoded(int w, int h) throws ImageDecodeException {
        byte[] jpeg = TestImages.jpeg(TestImages.picture(w, h, w + h), 0.9f, false);
        return new ImageDecoder(100_000_000L, true).decode(jpeg);
    }

    private static byte[] resize(RgbImage image, int tw, int th, Interpolation interpolation)
            throws ImageDecodeException {
        ImageSettings settings = new ImageSettings(th, tw, Resize.EXACT, 0, ImageSettings.PadAnchor.CENTER, Crop.NONE,
                ImageSettings.Channels.RGB, 1, new double[] {0}, new double[] {1}, Layout.NHWC, DataType.UINT8,
                interpolation, true, 100_000_000L);
        byte[] out = new byte[settings.valuesPerImage()];
        new ImagePreprocessor(settings).write(image, out, 0);
        return out;
    }

    private static byte[] opencv(RgbImage image, int tw, int th, int interpolation) {
        Mat src = new Mat(image.height(), image.width(), CvType.CV_8UC3);
        byte[] pixels = new byte[image.width() * image.height() * 3];
        System.arraycopy(image.pixels(), 0, pixels, 0, pixels.length);
        src.put(0, 0, pixels);
        Mat dst = new Mat();
        Imgproc.resize(src, dst, new Size(tw, th), 0, 0, interpolation);
        byte[] out = new byte[tw * th * 3];
        dst.get(0, 0, out);
        return out;
    }

    private static int maxDifference(byte[] a, byte[] b) {
        assertThat(a).hasSameSizeAs(b);
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
        }
        return max;
    }
}
