package dev.coldpath.core.image;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.image.ImageSettings.Channels;
import dev.coldpath.core.image.ImageSettings.Crop;
import dev.coldpath.core.image.ImageSettings.DataType;
import dev.coldpath.core.image.ImageSettings.Interpolation;
import dev.coldpath.core.image.ImageSettings.Layout;
import dev.coldpath.core.image.ImageSettings.PadAnchor;
import dev.coldpath.core.image.ImageSettings.Resize;
import java.util.Arrays;

/**
 * Brings a decoded {@link RgbImage} to a model input's values, as {@link ImageSettings} say, in this order:
 *
 * <ol>
 *   <li>the geometry: the size the image is resized to, the part of it kept (a centre crop) and where that goes on
 *       the H × W canvas (padding elsewhere);</li>
 *   <li>the resampling of the kept part only, separable, in float: bilinear with OpenCV's INTER_LINEAR convention
 *       (pixel centres aligned: source coordinate {@code (d + 0.5) × w / rw - 0.5}, edge pixels repeated), or area
 *       averaging (INTER_AREA) for downscales;</li>
 *   <li>the channels: RGB, BGR, or grey = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as OpenCV; a grey pixel
 *       keeps its value exactly);</li>
 *   <li>for floats, {@code (v × scale - mean[c]) / std[c]}; for uint8, v rounded to the nearest integer in
 *       0..255;</li>
 *   <li>padded pixels get {@code pad-value} as it is (already in the model's units);</li>
 *   <li>the layout: NCHW ({@code c × H × W + y × W + x}) or NHWC ({@code (y × W + x) × C + c}).</li>
 * </ol>
 *
 * Buffers are reused from image to image. Not thread safe: one per task.
 */
public final class ImagePreprocessor {
    private final ImageSettings settings;
    private final float[] scale;
    private final float[] offset;
    private float[] rows = new float[0];
    private float[] content = new float[0];
    private boolean[] needed = new boolean[0];
    private long tapsKey = -1;
    private ResampleTaps xTaps;
    private ResampleTaps yTaps;

    public ImagePreprocessor(ImageSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        int c = settings.channels().count();
        scale = new float[c];
        offset = new float[c];
        double[] mean = settings.mean();
        double[] std = settings.std();
        for (int i = 0; i < c; i++) {
            double m = mean[mean.length == 1 ? 0 : i];
            double s = std[std.length == 1 ? 0 : i];
            scale[i] = (float) (settings.scale() / s);
            offset[i] = (float) (-m / s);
        }
    }

    public ImageSettings settings() {
        return settings;
    }

    /**
     * The placement of an image of {@code w} × {@code h} on the canvas: it is resized to {@code rw} × {@code rh}; its
     * part at ({@code cx}, {@code cy}) of {@code cw} × {@code ch} is kept and drawn at ({@code ox}, {@code oy}).
     */
    record Placement(int rw, int rh, int cx, int cy, int cw, int ch, int ox, int oy) {
    }

    /** Where an image of {@code w} × {@code h} goes; throws when {@code resize: none} and the size does not fit. */
    Placement place(int w, int h) throws ImageDecodeException {
        int tw = settings.width();
        int th = settings.height();
        switch (settings.resize()) {
            case EXACT:
                return new Placement(tw, th, 0, 0, tw, th, 0, 0);
            case SHORTER_SIDE: {
                double s = Math.max((double) tw / w, (double) th / h);
                int rw = Math.max(tw, (int) Math.round(w * s));
                int rh = Math.max(th, (int) Math.round(h * s));
                return new Placement(rw, rh, (rw - tw) / 2, (rh - th) / 2, tw, th, 0, 0);
            }
            case FIT_PAD: {
                double s = Math.min((double) tw / w, (double) th / h);
                int rw = Math.min(tw, Math.max(1, (int) Math.round(w * s)));
                int rh = Math.min(th, Math.max(1, (int) Math.round(h * s)));
                boolean center = settings.padAnchor() == PadAnchor.CENTER;
                return new Placement(rw, rh, 0, 0, rw, rh, center ? (tw - rw) / 2 : 0, center ? (th - rh) / 2 : 0);
            }
            case FIXED_HEIGHT: {
                int rw = (int) Math.min(tw, Math.max(1, (long) Math.ceil((double) th * w / h)));
                return new Placement(rw, th, 0, 0, rw, th, 0, 0);
            }
            default: {
                if (settings.crop() == Crop.CENTER ? w < tw || h < th : w != tw || h != th) {
                    throw new ImageDecodeException("the image is " + w + "x" + h + " (width x height) but"
                            + " image.resize: none needs " + (settings.crop() == Crop.CENTER ? "at least " : "")
                            + tw + "x" + th);
                }
                return new Placement(w, h, (w - tw) / 2, (h - th) / 2, tw, th, 0, 0);
            }
        }
    }

    /**
     * Writes {@code image} as one input's values into {@code target} (a {@code float[]} for dtype float, a {@code
     * byte[]} for uint8) from {@code base}: {@link ImageSettings#valuesPerImage()} values.
     */
    public void write(RgbImage image, Object target, int base) throws ImageDecodeException {
        Placement p = place(image.width(), image.height());
        int n = p.cw() * p.ch() * 3;
        if (content.length < n) {
            content = new float[n];
        }
        if (settings.resize() == Resize.NONE || p.rw() == image.width() && p.rh() == image.height()) {
            copy(image, p);
        } else {
            resample(image, p);
        }
        emit(p, target, base);
    }

    private void copy(RgbImage image, Placement p) {
        byte[] src = image.pixels();
        int o = 0;
        for (int y = 0; y < p.ch(); y++) {
            int s = ((p.cy() + y) * image.width() + p.cx()) * 3;
            for (int i = 0, n = p.cw() * 3; i < n; i++) {
                content[o++] = src[s + i] & 0xFF;
            }
        }
    }

    private void resample(RgbImage image, Placement p) {
        int w = image.width();
        int h = image.height();
        long key = ((((long) w * 65_537 + h) * 65_537 + p.rw()) * 65_537 + p.rh()) * 31 + p.cx() * 17 + p.cy();
        if (key != tapsKey) {
            boolean area = settings.interpolation() == Interpolation.AREA;
            xTaps = area ? ResampleTaps.area(w, p.rw(), p.cx(), p.cw()) : ResampleTaps.bilinear(w, p.rw(), p.cx(),
                    p.cw());
            yTaps = area ? ResampleTaps.area(h, p.rh(), p.cy(), p.ch()) : ResampleTaps.bilinear(h, p.rh(), p.cy(),
                    p.ch());
            tapsKey = key;
        }
        int cw = p.cw();
        int rowValues = cw * 3;
        if (rows.length < h * rowValues) {
            rows = new float[h * rowValues];
        }
        if (needed.length < h) {
            needed = new boolean[h];
        }
        Arrays.fill(needed, 0, h, false);
        for (int j = 0; j < p.ch(); j++) {
            for (int k = yTaps.start[j], end = k + yTaps.count[j]; k < end; k++) {
                needed[yTaps.index[k]] = true;
            }
        }
        byte[] src = image.pixels();
        // horizontal pass, for the source rows the vertical pass reads
        for (int y = 0; y < h; y++) {
            if (!needed[y]) {
                continue;
            }
            int line = y * w * 3;
            int o = y * rowValues;
            if (xTaps.twoTaps) {
                int[] index = xTaps.index;
                float[] weight = xTaps.weight;
                for (int i = 0; i < cw; i++, o += 3) {
                    int s0 = line + index[2 * i] * 3;
                    int s1 = line + index[2 * i + 1] * 3;
                    float w0 = weight[2 * i];
                    float w1 = weight[2 * i + 1];
                    rows[o] = w0 * (src[s0] & 0xFF) + w1 * (src[s1] & 0xFF);
                    rows[o + 1] = w0 * (src[s0 + 1] & 0xFF) + w1 * (src[s1 + 1] & 0xFF);
                    rows[o + 2] = w0 * (src[s0 + 2] & 0xFF) + w1 * (src[s1 + 2] & 0xFF);
                }
                continue;
            }
            for (int i = 0; i < cw; i++, o += 3) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = xTaps.start[i], end = k + xTaps.count[i]; k < end; k++) {
                    int s = line + xTaps.index[k] * 3;
                    float wt = xTaps.weight[k];
                    r += wt * (src[s] & 0xFF);
                    g += wt * (src[s + 1] & 0xFF);
                    b += wt * (src[s + 2] & 0xFF);
                }
                rows[o] = r;
                rows[o + 1] = g;
                rows[o + 2] = b;
            }
        }
        // vertical pass
        int o = 0;
        for (int j = 0; j < p.ch(); j++) {
            int first = yTaps.start[j];
            int end = first + yTaps.count[j];
            if (yTaps.twoTaps) {
                int r0 = yTaps.index[first] * rowValues;
                int r1 = yTaps.index[first + 1] * rowValues;
                float w0 = yTaps.weight[first];
                float w1 = yTaps.weight[first + 1];
                for (int i = 0; i < rowValues; i++) {
                    content[o++] = w0 * rows[r0 + i] + w1 * rows[r1 + i];
                }
                continue;
            }
            for (int i = 0; i < rowValues; i++) {
                float v = 0;
                for (int k = first; k < end; k++) {
                    v += yTaps.weight[k] * rows[yTaps.index[k] * rowValues + i];
                }
                content[o++] = v;
            }
        }
    }

    private void emit(Placement p, Object target, int base) {
        int tw = settings.width();
        int th = settings.height();
        Channels channels = settings.channels();
        int c = channels.count();
        boolean nchw = settings.layout() == Layout.NCHW;
        boolean uint8 = settings.dtype() == DataType.UINT8;
        float[] floats = uint8 ? null : (float[]) target;
        byte[] bytes = uint8 ? (byte[]) target : null;
        int plane = th * tw;
        if (p.cw() < tw || p.ch() < th) {
            pad(p, floats, bytes, base, c, nchw);
        }
        boolean bgr = channels == Channels.BGR;
        for (int cy = 0; cy < p.ch(); cy++) {
            int s = cy * p.cw() * 3;
            int pixel = (cy + p.oy()) * tw + p.ox();
            for (int cx = 0; cx < p.cw(); cx++, s += 3, pixel++) {
                if (c == 1) {
                    put(floats, bytes, base + pixel, 0, grey(content[s], content[s + 1],
                            content[s + 2]));
                } else {
                    float r = content[s];
                    float g = content[s + 1];
                    float b = content[s + 2];
                    int at = base + (nchw ? pixel : pixel * 3);
                    int step = nchw ? plane : 1;
                    put(floats, bytes, at, 0, bgr ? b : r);
                    put(floats, bytes, at + step, 1, g);
                    put(floats, bytes, at + 2 * step, 2, bgr ? r : b);
                }
            }
        }
    }

    /** Writes one sample of channel {@code ch}: normalised for floats, rounded to 0..255 for uint8. */
    private void put(float[] floats, byte[] bytes, int at, int ch, float sample) {
        if (floats != null) {
            floats[at] = sample * scale[ch] + offset[ch];
        } else {
            bytes[at] = (byte) Math.max(0, Math.min(255, Math.round(sample)));
        }
    }

    /** Fills every canvas value outside the placed image with {@code pad-value}, as it is. */
    private void pad(Placement p, float[] floats, byte[] bytes, int base, int c, boolean nchw) {
        int tw = settings.width();
        int th = settings.height();
        float pad = (float) settings.padValue();
        byte padByte = (byte) Math.round(pad);
        int plane = th * tw;
        for (int y = 0; y < th; y++) {
            boolean rowIn = y >= p.oy() && y < p.oy() + p.ch();
            for (int x = 0; x < tw; x++) {
                if (rowIn && x >= p.ox() && x < p.ox() + p.cw()) {
                    x = p.ox() + p.cw() - 1;
                    continue;
                }
                int pixel = y * tw + x;
                for (int ch = 0; ch < c; ch++) {
                    int at = base + (nchw ? ch * plane + pixel : pixel * c + ch);
                    if (floats != null) {
                        floats[at] = pad;
                    } else {
                        bytes[at] = padByte;
                    }
                }
            }
        }
    }

    /** BT.601 luma; a grey pixel (R = G = B) stays exactly itself. */
    private static float grey(float r, float g, float b) {
        return r == g && g == b ? r : 0.299f * r + 0.587f * g + 0.114f * b;
    }
}
