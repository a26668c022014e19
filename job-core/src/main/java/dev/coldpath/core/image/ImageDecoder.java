package dev.coldpath.core.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferUShort;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns encoded image bytes into an {@link RgbImage}: PNG, JPEG (baseline, progressive, CMYK), BMP, GIF (its first
 * frame), WebP and TIFF, through {@code javax.imageio} and the TwelveMonkeys plugins. Greyscale becomes R = G = B,
 * palette images go through their palette, 16-bit samples are rounded to 8 bits, alpha is composited on white, and
 * the EXIF orientation is applied when asked.
 *
 * <p>The image's size is read from its header first: one over {@code maxPixels} is refused before any pixel is
 * decoded, so a decompression bomb costs a header read. Pixels are read from the decoded raster's data directly
 * (no per-pixel {@code getRGB}) into buffers reused from image to image. Not thread safe: one per task.
 */
public final class ImageDecoder {
    static {
        ImageIO.setUseCache(false); // decode from memory, never through temporary files
        ImageIO.scanForPlugins();
    }

    private final long maxPixels;
    private final boolean exifRotate;
    private final RgbImage image = new RgbImage();
    private final RgbImage spare = new RgbImage();
    private int[] row = new int[0];

    public ImageDecoder(long maxPixels, boolean exifRotate) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be > 0: " + maxPixels);
        }
        this.maxPixels = maxPixels;
        this.exifRotate = exifRotate;
    }

    /** The image in {@code bytes}; the returned image is this decoder's buffer, valid until the next call. */
    public RgbImage decode(byte[] bytes) throws ImageDecodeException {
        if (bytes.length == 0) {
            throw new ImageDecodeException("empty (0 bytes)");
        }
        BufferedImage decoded = read(bytes);
        toRgb(decoded, image);
        if (exifRotate) {
            int orientation = ExifOrientation.of(bytes);
            if (orientation != 1) {
                orient(image, orientation, spare);
                image.swap(spare);
            }
        }
        return image;
    }

    private BufferedImage read(byte[] bytes) throws ImageDecodeException {
        ImageReader reader = null;
        String format = "image";
        try (ImageInputStream stream = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                throw new ImageDecodeException("not a known image format (" + bytes.length + " bytes starting "
                        + hex(bytes) + ")");
            }
            reader = readers.next();
            format = reader.getFormatName().toUpperCase(Locale.ROOT);
            reader.setInput(stream, false, true);
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new ImageDecodeException(format + " header gives an empty size " + width + "x" + height);
            }
            if (width * height > maxPixels) {
                throw new ImageDecodeException(format + " of " + width + "x" + height + " = " + width * height
                        + " pixels, more than image.max-pixels (" + maxPixels + ")");
            }
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage decoded = reader.read(0);
            for (String warning : warnings) {
                String lower = warning.toLowerCase(Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("truncated")) {
                    throw new ImageDecodeException("truncated " + format + " (" + warning.strip() + ")");
                }
            }
            return decoded;
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
            if (e instanceof EOFException || message.toLowerCase(Locale.ROOT).contains("end of")) {
                throw new ImageDecodeException("truncated or corrupt " + format + " (" + message + ")");
            }
            throw new ImageDecodeException("corrupt " + format + " (" + message + ")");
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
    }

    /** Copies {@code source} into {@code out} as opaque 8-bit RGB, reading its raster's data directly. */
    void toRgb(BufferedImage source, RgbImage out) {
        int w = source.getWidth();
        int h = source.getHeight();
        ColorModel cm = source.getColorModel();
        Raster raster = source.getRaster();
        out.reset(w, h);
        if (cm instanceof IndexColorModel palette) {
            fromPalette(raster, palette, out);
        } else if (raster.getSampleModel() instanceof ComponentSampleModel samples && isPlainColourSpace(cm)
                && (raster.getDataBuffer() instanceof DataBufferByte
                        || raster.getDataBuffer() instanceof DataBufferUShort)
                && samples.getNumBands() == cm.getNumComponents()
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            fromComponents(raster, samples, cm, out);
        } else if (cm instanceof DirectColorModel direct && cm.getColorSpace().isCS_sRGB()
                && raster.getSampleModel() instanceof SinglePixelPackedSampleModel packed
                && raster.getDataBuffer() instanceof DataBufferInt && eightBitMasks(direct)
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            fromPacked(raster, packed, direct, out);
        } else {
            // anything else (another colour space, odd sample layouts): let Java2D convert it onto white
            BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = rgb.createGraphics();
            try {
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, w, h);
                g.drawImage(source, 0, 0, null);
            } finally {
                g.dispose();
            }
            fromComponents(rgb.getRaster(), (ComponentSampleModel) rgb.getRaster().getSampleModel(),
                    rgb.getColorModel(), out);
        }
    }

    private static boolean isPlainColourSpace(ColorModel cm) {
        ColorSpace space = cm.getColorSpace();
        return space.isCS_sRGB() && cm.getNumColorComponents() == 3
                || space.getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1;
    }

    private static boolean eightBitMasks(DirectColorModel cm) {
        return Integer.bitCount(cm.getRedMask()) == 8 && Integer.bitCount(cm.getGreenMask()) == 8
                && Integer.bitCount(cm.getBlueMask()) == 8
                && (!cm.hasAlpha() || Integer.bitCount(cm.getAlphaMask()) == 8);
    }

    private static void fromComponents(Raster raster, ComponentSampleModel samples, ColorModel cm, RgbImage out) {
        int w = out.width();
        int h = out.height();
        byte[] px = out.pixels();
        int colours = cm.getNumColorComponents();
        boolean alpha = cm.hasAlpha();
        boolean premultiplied = cm.isAlphaPremultiplied();
        int pixelStride = samples.getPixelStride();
        int lineStride = samples.getScanlineStride();
        int[] offsets = samples.getBandOffsets();
        int[] banks = samples.getBankIndices();
        DataBuffer buffer = raster.getDataBuffer();
        int r = offsets[0] + buffer.getOffsets()[banks[0]];
        int g = colours == 3 ? offsets[1] + buffer.getOffsets()[banks[1]] : r;
        int b = colours == 3 ? offsets[2] + buffer.getOffsets()[banks[2]] : r;
        int a = alpha ? offsets[colours] + buffer.getOffsets()[banks[colours]] : 0;
        if (buffer instanceof DataBufferByte bytes) {
            byte[] rd = bytes.getData(banks[0]);
            byte[] gd = bytes.getData(banks[colours == 3 ? 1 : 0]);
            byte[] bd = bytes.getData(banks[colours == 3 ? 2 : 0]);
            byte[] ad = alpha ? bytes.getData(banks[colours]) : null;
            int o = 0;
            for (int y = 0; y < h; y++) {
                int p = y * lineStride;
                for (int x = 0; x < w; x++, p += pixelStride, o += 3) {
                    int rv = rd[p + r] & 0xFF;
                    int gv = gd[p + g] & 0xFF;
                    int bv = bd[p + b] & 0xFF;
                    if (alpha) {
                        int av = ad[p + a] & 0xFF;
                        rv = onWhite(rv, av, premultiplied);
                        gv = onWhite(gv, av, premultiplied);
                        bv = onWhite(bv, av, premultiplied);
                    }
                    px[o] = (byte) rv;
                    px[o + 1] = (byte) gv;
                    px[o + 2] = (byte) bv;
                }
            }
        } else {
            DataBufferUShort shorts = (DataBufferUShort) buffer;
            short[] rd = shorts.getData(banks[0]);
            short[] gd = shorts.getData(banks[colours == 3 ? 1 : 0]);
            short[] bd = shorts.getData(banks[colours == 3 ? 2 : 0]);
            short[] ad = alpha ? shorts.getData(banks[colours]) : null;
            int o = 0;
            for (int y = 0; y < h; y++) {
                int p = y * lineStride;
                for (int x = 0; x < w; x++, p += pixelStride, o += 3) {
                    int rv = to8(rd[p + r]);
                    int gv = to8(gd[p + g]);
                    int bv = to8(bd[p + b]);
                    if (alpha) {
                        int av = to8(ad[p + a]);
                        rv = onWhite(rv, av, premultiplied);
                        gv = onWhite(gv, av, premultiplied);
                        bv = onWhite(bv, av, premultiplied);
                    }
                    px[o] = (byte) rv;
                    px[o + 1] = (byte) gv;
                    px[o + 2] = (byte) bv;
                }
            }
        }
    }

    private static void fromPacked(Raster raster, SinglePixelPackedSampleModel packed, DirectColorModel cm,
                                   RgbImage out) {
        int w = out.width();
        int h = out.height();
        byte[] px = out.pixels();
        DataBufferInt buffer = (DataBufferInt) raster.getDataBuffer();
        int[] data = buffer.getData();
        int base = buffer.getOffset();
        int lineStride = packed.getScanlineStride();
        int rs = Integer.numberOfTrailingZeros(cm.getRedMask());
        int gs = Integer.numberOfTrailingZeros(cm.getGreenMask());
        int bs = Integer.numberOfTrailingZeros(cm.getBlueMask());
        boolean alpha = cm.hasAlpha();
        int as = alpha ? Integer.numberOfTrailingZeros(cm.getAlphaMask()) : 0;
        boolean premultiplied = cm.isAlphaPremultiplied();
        int o = 0;
        for (int y = 0; y < h; y++) {
            int p = base + y * lineStride;
            for (int x = 0; x < w; x++, o += 3) {
                int v = data[p + x];
                int rv = (v >>> rs) & 0xFF;
                int gv = (v >>> gs) & 0xFF;
                int bv = (v >>> bs) & 0xFF;
                if (alpha) {
                    int av = (v >>> as) & 0xFF;
                    rv = onWhite(rv, av, premultiplied);
                    gv = onWhite(gv, av, premultiplied);
                    bv = onWhite(bv, av, premultiplied);
                }
                px[o] = (byte) rv;
                px[o + 1] = (byte) gv;
                px[o + 2] = (byte) bv;
            }
        }
    }

    private void fromPalette(Raster raster, IndexColorModel palette, RgbImage out) {
        int w = out.width();
        int h = out.height();
        byte[] px = out.pixels();
        int size = palette.getMapSize();
        byte[] reds = new byte[size];
        byte[] greens = new byte[size];
        byte[] blues = new byte[size];
        byte[] alphas = new byte[size];
        palette.getReds(reds);
        palette.getGreens(greens);
        palette.getBlues(blues);
        palette.getAlphas(alphas);
        if (row.length < w) {
            row = new int[w];
        }
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++, o += 3) {
                int i = Math.min(row[x], size - 1);
                int av = alphas[i] & 0xFF;
                px[o] = (byte) onWhite(reds[i] & 0xFF, av, false);
                px[o + 1] = (byte) onWhite(greens[i] & 0xFF, av, false);
                px[o + 2] = (byte) onWhite(blues[i] & 0xFF, av, false);
            }
        }
    }

    /** A sample of opacity {@code alpha} (0..255) over white, rounded. */
    static int onWhite(int value, int alpha, boolean premultiplied) {
        if (alpha == 255) {
            return value;
        }
        if (premultiplied) {
            return Math.min(255, value + 255 - alpha);
        }
        return (value * alpha + 255 * (255 - alpha) + 127) / 255;
    }

    /** A 16-bit sample rounded to 8 bits. */
    private static int to8(short sample) {
        return ((sample & 0xFFFF) * 255 + 32767) / 65535;
    }

    /**
     * Writes {@code in} as shown under EXIF {@code orientation} (2 to 8) into {@code out}: 2 mirrored left to right, 3
     * turned 180°, 4 mirrored top to bottom, 5 transposed, 6 turned 90° clockwise, 7 transversed, 8 turned 90°
     * anticlockwise.
     */
    static void orient(RgbImage in, int orientation, RgbImage out) {
        int w = in.width();
        int h = in.height();
        boolean swaps = orientation >= 5;
        int ow = swaps ? h : w;
        int oh = swaps ? w : h;
        out.reset(ow, oh);
        byte[] src = in.pixels();
        byte[] dst = out.pixels();
        int o = 0;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++, o += 3) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    case 8 -> { sx = w - 1 - y; sy = x; }
                    default -> { sx = x; sy = y; }
                }
                int s = (sy * w + sx) * 3;
                dst[o] = src[s];
                dst[o + 1] = src[s + 1];
                dst[o + 2] = src[s + 2];
            }
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            s.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return s.toString();
    }
}
