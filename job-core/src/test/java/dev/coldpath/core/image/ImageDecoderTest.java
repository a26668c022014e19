package dev.coldpath.core.image;

import static dev.coldpath.core.image.TestImages.encode;
import static dev.coldpath.core.image.TestImages.jpeg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every supported format and pixel layout decodes to the pixels that were written; bad bytes are refused. */
class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(100_000_000L, true);

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp", "tiff"})
    void losslessFormatsDecodeToTheExactPixelsWritten(String format) throws Exception {
        BufferedImage picture = TestImages.picture(37, 23, 1);

        RgbImage image = decoder.decode(encode(picture, format));

        assertThat(image.getWidth()).isEqualTo(37);
        assertThat(image.getHeight()).isEqualTo(23);
        assertSamePixels(image, picture, 0);
    }

    @Test
    void baselineAndProgressiveJpegsDecodeCloseToThePixelsWritten() throws Exception {
        BufferedImage picture = TestImages.picture(64, 48, 2);

        RgbImage baseline = decoder.decode(jpeg(picture, 0.98f, false));
        double baselineError = meanError(baseline, picture);
        RgbImage progressive = decoder.decode(jpeg(picture, 0.98f, true));

        // the picture's hard edges and 4:2:0 chroma subsampling cost a few levels on average; a wrong decode costs 50+
        assertThat(baselineError).isLessThan(8.0);
        assertThat(meanError(progressive, picture)).isLessThan(8.0);
        assertThat(progressive.getWidth()).isEqualTo(64);
    }

    @Test
    void aCmykJpegDecodesToRgbWithInkDarkAndPaperLight() throws Exception {
        // 4-band raster written as is: an Adobe-less four-component JPEG, which readers take as CMYK
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 32, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                cmyk.setPixel(x, y, x < 16 ? new int[] {0, 0, 0, 0} : new int[] {0, 0, 0, 255});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(cmyk, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }

        RgbImage image = decoder.decode(out.toByteArray());

        int paper = image.sample(4, 8, 0) + image.sample(4, 8, 1) + image.sample(4, 8, 2);
        int ink = image.sample(28, 8, 0) + image.sample(28, 8, 1) + image.sample(28, 8, 2);
        assertThat(Math.abs(paper - ink)).as("paper %s, ink %s", paper, ink).isGreaterThan(400);
    }

    @Test
    void aGifDecodesItsFirstFrameThroughItsPalette() throws Exception {
        BufferedImage first = palette(new int[] {0xFF0000, 0x00FF00}, 0);
        BufferedImage second = palette(new int[] {0x0000FF, 0xFFFFFF}, 1);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            writer.writeToSequence(new IIOImage(first, null, null), null);
            writer.writeToSequence(new IIOImage(second, null, null), null);
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }

        RgbImage image = decoder.decode(out.toByteArray());

        assertThat(rgb(image, 0, 0)).isEqualTo(0xFF0000);
        assertThat(rgb(image, 1, 0)).isEqualTo(0x00FF00);
    }

    @Test
    void greyscaleSamplesBecomeEqualRgbWithoutAColourSpaceConversion() throws Exception {
        BufferedImage grey = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 5; x++) {
            grey.getRaster().setSample(x, 1, 0, 50 * x + 3);
        }

        RgbImage image = decoder.decode(encode(grey, "png"));

        for (int x = 0; x < 5; x++) {
            assertThat(new int[] {image.sample(x, 1, 0), image.sample(x, 1, 1), image.sample(x, 1, 2)})
                    .containsExactly(50 * x + 3, 50 * x + 3, 50 * x + 3);
        }
    }

    @Test
    void sixteenBitGreyAndRgbAreRoundedToEightBits() throws Exception {
        BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 32896, 65535}); // 32896 = 128.5 × 257
        ComponentColorModel rgb16 = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = rgb16.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {65535, 257 * 100, 0});
        raster.setPixel(1, 0, new int[] {257 * 7, 257 * 200, 257 * 255});
        BufferedImage colour = new BufferedImage(rgb16, raster, false, null);

        RgbImage g = decoder.decode(encode(grey, "png"));
        int[] greys = {g.sample(0, 0, 0), g.sample(1, 0, 0), g.sample(2, 0, 1)};
        RgbImage c = decoder.decode(encode(colour, "png"));

        assertThat(greys).containsExactly(0, 128, 255);
        assertThat(rgb(c, 0, 0)).isEqualTo(0xFF6400);
        assertThat(rgb(c, 1, 0)).isEqualTo(0x07C8FF);
    }

    @Test
    void alphaIsCompositedOnWhite() throws Exception {
        BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00123456); // transparent
        argb.setRGB(1, 0, 0xFF123456); // opaque
        argb.setRGB(2, 0, 0x80000000); // half-transparent black
        BufferedImage indexed = palette(new int[] {0x000000, 0xFF0000}, 0, true);

        RgbImage image = decoder.decode(encode(argb, "png"));
        int[] pixels = {rgb(image, 0, 0), rgb(image, 1, 0), rgb(image, 2, 0)};
        RgbImage palette = decoder.decode(encode(indexed, "png"));

        assertThat(pixels[0]).isEqualTo(0xFFFFFF);
        assertThat(pixels[1]).isEqualTo(0x123456);
        assertThat(pixels[2]).isEqualTo(0x7F7F7F); // 255 × (1 - 128/255) = 127
        assertThat(rgb(palette, 0, 0)).as("transparent palette entry").isEqualTo(0xFFFFFF);
        assertThat(rgb(palette, 1, 0)).isEqualTo(0xFF0000);
    }

    @Test
    void webpDecodes() throws Exception {
        byte[] webp;
        try (InputStream in = getClass().getResourceAsStream("/images/gradient-lossless.webp")) {
            webp = in.readAllBytes();
        }
        BufferedImage reference = ImageIO.read(getClass().getResource("/images/gradient.png"));

        RgbImage image = decoder.decode(webp);

        assertThat(image.getWidth()).isEqualTo(reference.getWidth());
        assertSamePixels(image, reference, 0);
    }

    @Test
    void lossyWebpDecodesCloseToItsSource() throws Exception {
        byte[] webp;
        try (InputStream in = getClass().getResourceAsStream("/images/gradient-lossy.webp")) {
            webp = in.readAllBytes();
        }
        BufferedImage reference = ImageIO.read(getClass().getResource("/images/gradient.png"));

        RgbImage image = decoder.decode(webp);

        assertThat(image.getHeight()).isEqualTo(reference.getHeight());
        assertThat(meanError(image, reference)).isLessThan(8.0);
    }

    @ParameterizedTest
    @ValueSource(ints = {6, 8})
    void exifOrientationIsApplied(int orientation) throws Exception {
        // a 40 × 20 picture, red in its top-left 10 × 10 corner, grey elsewhere
        BufferedImage stored = new BufferedImage(40, 20, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                stored.setRGB(x, y, x < 10 && y < 10 ? 0xFF0000 : 0x808080);
            }
        }
        byte[] plain = jpeg(stored, 0.95f, false);
        byte[] tagged = TestImages.withExifOrientation(plain, orientation);

        RgbImage shown = decoder.decode(tagged);
        RgbImage asStored = new ImageDecoder(100_000_000L, false).decode(tagged);

        assertThat(ExifOrientation.of(tagged)).isEqualTo(orientation);
        assertThat(ExifOrientation.of(plain)).isEqualTo(1);
        assertThat(new int[] {shown.getWidth(), shown.getHeight()}).containsExactly(20, 40);
        assertThat(new int[] {asStored.getWidth(), asStored.getHeight()}).containsExactly(40, 20);
        // 6: turned clockwise, the stored top-left corner is shown top-right; 8: anticlockwise, bottom-left
        int redX = orientation == 6 ? 15 : 4;
        int redY = orientation == 6 ? 4 : 35;
        assertThat(shown.sample(redX, redY, 0)).isGreaterThan(200);
        assertThat(shown.sample(redX, redY, 1)).isLessThan(60);
        assertThat(shown.sample(19 - redX, 39 - redY, 0)).isBetween(100, 160);
    }

    @Test
    void theOrientationOfAPngEXifChunkIsAppliedToo() throws Exception {
        BufferedImage stored = new BufferedImage(4, 2, BufferedImage.TYPE_3BYTE_BGR);
        stored.setRGB(0, 0, 0xFF0000); // red top-left, the rest black
        byte[] png = encode(stored, "png");
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0};
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(new byte[] {'e', 'X', 'I', 'f'});
        crc.update(tiff);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 33); // signature and IHDR
        out.write(new byte[] {0, 0, 0, (byte) tiff.length, 'e', 'X', 'I', 'f'});
        out.write(tiff);
        long c = crc.getValue();
        out.write(new byte[] {(byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c});
        out.write(png, 33, png.length - 33);
        byte[] tagged = out.toByteArray();

        RgbImage shown = decoder.decode(tagged);

        assertThat(ExifOrientation.of(tagged)).isEqualTo(3); // turned 180 degrees
        assertThat(rgb(shown, 3, 1)).isEqualTo(0xFF0000);
        assertThat(rgb(shown, 0, 0)).isEqualTo(0);
    }

    @Test
    void emptyUnknownTruncatedAndCorruptBytesAreRefusedWithAReason() {
        byte[] png = encode(TestImages.picture(64, 64, 3), "png");
        byte[] jpg = jpeg(TestImages.picture(64, 64, 3), 0.9f, false);
        byte[] corrupt = jpg.clone();
        Arrays.fill(corrupt, 20, corrupt.length - 2, (byte) 0x5A);

        assertThatThrownBy(() -> decoder.decode(new byte[0])).hasMessage("empty (0 bytes)");
        assertThatThrownBy(() -> decoder.decode("hello, not an image".getBytes()))
                .hasMessageStartingWith("not a known image format (19 bytes starting 68656c6c6f2c206e)");
        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(png, png.length / 2)))
                .hasMessageContaining("PNG");
        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(jpg, jpg.length / 2)))
                .hasMessageStartingWith("truncated").hasMessageContaining("JPEG");
        assertThatThrownBy(() -> decoder.decode(corrupt)).isInstanceOf(ImageDecodeException.class);
    }

    @Test
    void anImageOverTheLimitIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        byte[] small = encode(TestImages.picture(100, 50, 4), "png");
        // a PNG whose header claims 200,000 × 100,000 pixels: decoding it would need 60 GB
        byte[] bomb = small.clone();
        writeInt(bomb, 16, 200_000);
        writeInt(bomb, 20, 100_000);

        assertThatThrownBy(() -> new ImageDecoder(4_999, true).decode(small))
                .hasMessage("PNG of 100x50 = 5000 pixels, more than image.max-pixels (4999)");
        assertThat(new ImageDecoder(5_000, true).decode(small).getWidth()).isEqualTo(100);
        long start = System.nanoTime();
        assertThatThrownBy(() -> decoder.decode(bomb)).hasMessageStartingWith(
                "PNG of 200000x100000 = 20000000000 pixels, more than image.max-pixels (100000000)");
        assertThat((System.nanoTime() - start) / 1e9).isCloseTo(0, within(2.0));
    }

    @Test
    void buffersAreReusedFromImageToImage() throws Exception {
        RgbImage first = decoder.decode(encode(TestImages.picture(30, 30, 1), "png"));
        byte[] buffer = first.pixels();
        RgbImage second = decoder.decode(encode(TestImages.picture(20, 10, 2), "png"));

        assertThat(second).isSameAs(first);
        assertThat(second.pixels()).isSameAs(buffer);
        assertSamePixels(second, TestImages.picture(20, 10, 2), 0);
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static BufferedImage palette(int[] colours, int first) {
        return palette(colours, first, false);
    }

    /** A 2 × 1 indexed image: pixel 0 is entry {@code first}, pixel 1 the other; entry 0 transparent if asked. */
    private static BufferedImage palette(int[] colours, int first, boolean transparentZero) {
        byte[] r = new byte[colours.length];
        byte[] g = new byte[colours.length];
        byte[] b = new byte[colours.length];
        for (int i = 0; i < colours.length; i++) {
            r[i] = (byte) (colours[i] >> 16);
            g[i] = (byte) (colours[i] >> 8);
            b[i] = (byte) colours[i];
        }
        IndexColorModel cm = transparentZero ? new IndexColorModel(8, colours.length, r, g, b, 0)
                : new IndexColorModel(8, colours.length, r, g, b);
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, cm);
        image.getRaster().setSample(0, 0, 0, first);
        image.getRaster().setSample(1, 0, 0, 1 - first);
        return image;
    }

    static int rgb(RgbImage image, int x, int y) {
        return image.sample(x, y, 0) << 16 | image.sample(x, y, 1) << 8 | image.sample(x, y, 2);
    }

    private static void assertSamePixels(RgbImage image, BufferedImage expected, int tolerance) {
        Raster raster = expected.getRaster();
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int[] want = raster.getPixel(x, y, (int[]) null);
                for (int c = 0; c < 3; c++) {
                    assertThat(image.sample(x, y, c)).as("(%s, %s) channel %s", x, y, c)
                            .isCloseTo(want[c], within(tolerance));
                }
            }
        }
    }

    private static double meanError(RgbImage image, BufferedImage expected) {
        double sum = 0;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int[] want = expected.getRaster().getPixel(x, y, (int[]) null);
                for (int c = 0; c < 3; c++) {
                    sum += Math.abs(image.sample(x, y, c) - want[c]);
                }
            }
        }
        return sum / (expected.getWidth() * expected.getHeight() * 3);
    }
}
