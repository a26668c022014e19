package dev.coldpath.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.coldpath.core.image.ImageSettings.Channels;
import dev.coldpath.core.image.ImageSettings.Crop;
import dev.coldpath.core.image.ImageSettings.DataType;
import dev.coldpath.core.image.ImageSettings.Interpolation;
import dev.coldpath.core.image.ImageSettings.Layout;
import dev.coldpath.core.image.ImageSettings.PadAnchor;
import dev.coldpath.core.image.ImageSettings.Resize;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The geometry (resize modes, crop, padding), channels, normalisation and layouts, on small images worked by hand. */
class ImagePreprocessorTest {
    private static ImageSettings settings(int h, int w, Resize resize, Crop crop, PadAnchor anchor, double pad) {
        return new ImageSettings(h, w, resize, pad, anchor, crop, Channels.RGB, 1, new double[] {0},
                new double[] {1}, Layout.NHWC, DataType.FLOAT, Interpolation.BILINEAR, true, 1_000_000);
    }

    /** A {@code w} × {@code h} image whose pixel (x, y) is {@code colour.at(x, y)} (0xRRGGBB). */
    private static RgbImage image(int w, int h, java.util.function.IntBinaryOperator colour) {
        RgbImage image = new RgbImage();
        image.reset(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = colour.applyAsInt(x, y);
                image.pixels()[(y * w + x) * 3] = (byte) (rgb >> 16);
                image.pixels()[(y * w + x) * 3 + 1] = (byte) (rgb >> 8);
                image.pixels()[(y * w + x) * 3 + 2] = (byte) rgb;
            }
        }
        return image;
    }

    private static float[] run(ImageSettings s, RgbImage image) throws ImageDecodeException {
        float[] out = new float[s.valuesPerImage() + 2];
        out[0] = -7;
        out[out.length - 1] = -7;
        new ImagePreprocessor(s).write(image, out, 1);
        assertThat(out[0]).as("nothing written before base").isEqualTo(-7);
        assertThat(out[out.length - 1]).as("nothing written past the image").isEqualTo(-7);
        return Arrays.copyOfRange(out, 1, out.length - 1);
    }

    /** Red of pixel (x, y) of an NHWC RGB output of width {@code w}. */
    private static float red(float[] out, int w, int x, int y) {
        return out[(y * w + x) * 3];
    }

    @Test
    void fitPadKeepsTheAspectAndLetterboxesCentredOrTopLeft() throws Exception {
        RgbImage wide = image(40, 20, (x, y) -> 0xC80A1E); // 200, 10, 30
        float[] centred = run(settings(32, 32, Resize.FIT_PAD, Crop.NONE, PadAnchor.CENTER, -1), wide);
        float[] topLeft = run(settings(32, 32, Resize.FIT_PAD, Crop.NONE, PadAnchor.TOP_LEFT, -1), wide);

        // 40 x 20 scaled by 0.8 is 32 x 16: 8 rows of padding above and below, or 16 below
        for (int y = 0; y < 32; y++) {
            assertThat(red(centred, 32, 5, y)).as("centred row %s", y).isEqualTo(y >= 8 && y < 24 ? 200 : -1);
            assertThat(red(topLeft, 32, 31, y)).as("top-left row %s", y).isEqualTo(y < 16 ? 200 : -1);
        }
        assertThat(centred[(10 * 32 + 3) * 3 + 2]).isEqualTo(30);
    }

    @Test
    void fixedHeightResizesToTheHeightAndPadsOnTheRightOrSquashesWideImages() throws Exception {
        ImageSettings s = settings(10, 30, Resize.FIXED_HEIGHT, Crop.NONE, PadAnchor.CENTER, 0.5);
        float[] narrow = run(s, image(10, 5, (x, y) -> 0x640000));
        float[] wide = run(s, image(100, 5, (x, y) -> x < 50 ? 0x640000 : 0xC80000));

        // 10 x 5 to height 10: width ceil(10 x 10 / 5) = 20, padded to 30
        for (int x = 0; x < 30; x++) {
            assertThat(red(narrow, 30, x, 9)).as("x %s", x).isEqualTo(x < 20 ? 100 : 0.5f);
        }
        // 100 x 5 would be 200 wide: squashed to 30, no padding; left half 100, right half 200
        assertThat(red(wide, 30, 0, 0)).isEqualTo(100);
        assertThat(red(wide, 30, 29, 9)).isEqualTo(200);
    }

    @Test
    void shorterSideCoversTheSizeAndTheCentreIsCropped() throws Exception {
        // 40 x 20: green in the central 20 columns, red outside; the shorter side (20) goes to 10, so 20 x 10,
        // and the central 10 x 10 of that is the green part
        RgbImage image = image(40, 20, (x, y) -> x >= 10 && x < 30 ? 0x00FF00 : 0xFF0000);
        float[] out = run(settings(10, 10, Resize.SHORTER_SIDE, Crop.CENTER, PadAnchor.CENTER, 0), image);

        for (int i = 0; i < 100; i++) {
            assertThat(new float[] {out[3 * i], out[3 * i + 1], out[3 * i + 2]}).containsExactly(0, 255, 0);
        }
    }

    @Test
    void noResizeTakesTheImageAsItIsOrItsCentreAndRefusesOtherSizes() throws Exception {
        RgbImage image = image(6, 4, (x, y) -> (10 * y + x) << 16);
        float[] centre = run(settings(2, 2, Resize.NONE, Crop.CENTER, PadAnchor.CENTER, 0), image);
        float[] whole = run(settings(4, 6, Resize.NONE, Crop.NONE, PadAnchor.CENTER, 0), image);

        // the central 2 x 2 of 6 x 4 starts at (2, 1)
        assertThat(new float[] {red(centre, 2, 0, 0), red(centre, 2, 1, 0), red(centre, 2, 0, 1), red(centre, 2, 1, 1)})
                .containsExactly(12, 13, 22, 23);
        assertThat(red(whole, 6, 5, 3)).isEqualTo(35);
        assertThatThrownBy(() -> run(settings(5, 5, Resize.NONE, Crop.NONE, PadAnchor.CENTER, 0), image))
                .hasMessage("the image is 6x4 (width x height) but image.resize: none needs 5x5");
        assertThatThrownBy(() -> run(settings(5, 5, Resize.NONE, Crop.CENTER, PadAnchor.CENTER, 0), image))
                .hasMessage("the image is 6x4 (width x height) but image.resize: none needs at least 5x5");
    }

    @Test
    void channelsNormalisationAndLayoutsPlaceEachValue() throws Exception {
        // 2 x 1: (10, 20, 30) and (40, 50, 60)
        RgbImage image = image(2, 1, (x, y) -> x == 0 ? 0x0A141E : 0x28323C);
        ImageSettings imagenet = new ImageSettings(1, 2, Resize.EXACT, 0, PadAnchor.CENTER, Crop.NONE, Channels.BGR,
                1 / 255.0, new double[] {0.1, 0.2, 0.3}, new double[] {0.5, 0.25, 2}, Layout.NCHW, DataType.FLOAT,
                Interpolation.BILINEAR, true, 1_000_000);
        ImageSettings grey = new ImageSettings(1, 2, Resize.EXACT, 0, PadAnchor.CENTER, Crop.NONE, Channels.GRAY, 2,
                new double[] {1}, new double[] {1}, Layout.NHWC, DataType.FLOAT, Interpolation.BILINEAR, true,
                1_000_000);
        ImageSettings bytes = new ImageSettings(1, 2, Resize.EXACT, 0, PadAnchor.CENTER, Crop.NONE, Channels.RGB, 1,
                new double[] {0}, new double[] {1}, Layout.NHWC, DataType.UINT8, Interpolation.BILINEAR, true,
                1_000_000);

        float[] bgr = run(imagenet, image);
        float[] g = run(grey, image);
        byte[] u8 = new byte[6];
        new ImagePreprocessor(bytes).write(image, u8, 0);

        // NCHW, channel 0 is blue: (30/255 - 0.1) / 0.5, (60/255 - 0.1) / 0.5; then green, then red
        float[] expected = {(30 / 255f - 0.1f) / 0.5f, (60 / 255f - 0.1f) / 0.5f, (20 / 255f - 0.2f) / 0.25f,
                (50 / 255f - 0.2f) / 0.25f, (10 / 255f - 0.3f) / 2, (40 / 255f - 0.3f) / 2};
        for (int i = 0; i < 6; i++) {
            assertThat(bgr[i]).as("value %s", i).isCloseTo(expected[i], within(1e-6f));
        }
        // grey = 0.299 R + 0.587 G + 0.114 B, then 2 v - 1
        assertThat(g[0]).isCloseTo(2 * (0.299f * 10 + 0.587f * 20 + 0.114f * 30) - 1, within(1e-4f));
        assertThat(g[1]).isCloseTo(2 * (0.299f * 40 + 0.587f * 50 + 0.114f * 60) - 1, within(1e-4f));
        assertThat(u8).containsExactly(10, 20, 30, 40, 50, 60);
    }

    @Test
    void settingsRefuseCombinationsThatCannotWork() {
        assertThatThrownBy(() -> settings(8, 8, Resize.SHORTER_SIDE, Crop.NONE, PadAnchor.CENTER, 0))
                .hasMessageStartingWith("Invalid image.crop: none with image.resize: shorter-side");
        assertThatThrownBy(() -> settings(8, 8, Resize.FIT_PAD, Crop.CENTER, PadAnchor.CENTER, 0))
                .hasMessageStartingWith("Invalid image.crop: center with image.resize: fit-pad");
        assertThatThrownBy(() -> new ImageSettings(8, 8, Resize.EXACT, 0, PadAnchor.CENTER, Crop.NONE, Channels.RGB,
                1 / 255.0, new double[] {0}, new double[] {1}, Layout.NCHW, DataType.UINT8, Interpolation.BILINEAR,
                true, 1)).hasMessageStartingWith("Invalid image.scale/mean/std with image.dtype: uint8");
        assertThatThrownBy(() -> new ImageSettings(8, 8, Resize.EXACT, 0, PadAnchor.CENTER, Crop.NONE, Channels.GRAY,
                1, new double[] {0.4, 0.5, 0.6}, new double[] {1}, Layout.NCHW, DataType.FLOAT,
                Interpolation.BILINEAR, true, 1)).hasMessageStartingWith("Invalid image.mean: [0.4, 0.5, 0.6]");
        assertThatThrownBy(() -> settings(0, 8, Resize.EXACT, Crop.NONE, PadAnchor.CENTER, 0))
                .hasMessageStartingWith("Invalid image.size: [0, 8]");
    }
}
