package dev.coldpath.core.image;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * How an image column becomes a model input (the job's {@code image.*} keys): the size, the resize and crop, the
 * channel order, the normalisation, the layout and the element type, and the decoding limits. Immutable and
 * serializable; validated here, with messages that name the key.
 *
 * @param height, width  the input's spatial size ({@code image.size: [H, W]})
 * @param padValue       the value of padded pixels, in the model's input units (after scale, mean and std)
 * @param scale          multiplies each 0..255 sample first ({@code 1/255} for 0..1 inputs)
 * @param mean           subtracted after the scale, one value per channel or one for all
 * @param std            divides after the mean, one value per channel or one for all
 * @param maxPixels      images with more pixels (by their header) are refused before decoding
 */
public record ImageSettings(int height, int width, Resize resize, double padValue, PadAnchor padAnchor, Crop crop,
                            Channels channels, double scale, double[] mean, double[] std, Layout layout,
                            DataType dtype, Interpolation interpolation, boolean exifRotate, long maxPixels)
        implements Serializable {

    /** How the decoded image is brought to {@code height} × {@code width}. */
    public enum Resize {
        /** to H × W, ignoring the aspect */
        EXACT,
        /** keeping the aspect, so that the image covers H × W; then {@code crop: center} cuts H × W out of it */
        SHORTER_SIDE,
        /** keeping the aspect, so that it fits inside H × W; the rest is padded (a letterbox) */
        FIT_PAD,
        /** to height H and width ceil(H × w / h), at most W (wider images are squashed); padded on the right */
        FIXED_HEIGHT,
        /** not resized: the image must be H × W, or larger with {@code crop: center} */
        NONE;

        /** As a job file writes it. */
        @Override
        public String toString() {
            return ImageSettings.name(this);
        }
    }

    public enum PadAnchor {
        TOP_LEFT, CENTER;

        /** As a job file writes it. */
        @Override
        public String toString() {
            return ImageSettings.name(this);
        }
    }

    public enum Crop {
        NONE, CENTER;

        /** As a job file writes it. */
        @Override
        public String toString() {
            return ImageSettings.name(this);
        }
    }

    public enum Channels {
        RGB(3), BGR(3), GRAY(1);

        private final int count;

        /** As a job file writes it. */
        @Override
        public String toString() {
            return ImageSettings.name(this);
        }

        Channels(int count) {
            this.count = count;
        }

        public int count() {
            return count;
        }
    }

    public enum Layout {
        NCHW, NHWC;

        /** As a job file writes it. */
        @Override
        public String toString() {
            return ImageSettings.name(this);
        }
    }

    public enum DataType {
        FLOAT, UINT8;

        /** As a job file writes it. */
        @Override
        public String toString() {
            return ImageSettings.name(this);
        }
    }

    /** The resampling filter: bilinear (OpenCV's INTER_LINEAR), or area averaging for downscales (INTER_AREA). */
    public enum Interpolation {
        BILINEAR, AREA;

        /** As a job file writes it. */
        @Override
        public String toString() {
            return ImageSettings.name(this);
        }
    }

    public ImageSettings {
        requireNonNull(resize, "resize is null");
        requireNonNull(padAnchor, "padAnchor is null");
        requireNonNull(crop, "crop is null");
        requireNonNull(channels, "channels is null");
        requireNonNull(layout, "layout is null");
        requireNonNull(dtype, "dtype is null");
        requireNonNull(interpolation, "interpolation is null");
        mean = mean.clone();
        std = std.clone();
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("Invalid image.size: [" + height + ", " + width + "] (both must be > 0)");
        }
        if ((long) height * width * channels.count() > Integer.MAX_VALUE / 64) {
            throw new IllegalArgumentException("Invalid image.size: [" + height + ", " + width + "] (too large)");
        }
        if (mean.length != 1 && mean.length != channels.count()) {
            throw new IllegalArgumentException("Invalid image.mean: " + Arrays.toString(mean) + " (one value, or one"
                    + " per channel: " + channels.count() + " for channels " + name(channels) + ")");
        }
        if (std.length != 1 && std.length != channels.count()) {
            throw new IllegalArgumentException("Invalid image.std: " + Arrays.toString(std) + " (one value, or one"
                    + " per channel: " + channels.count() + " for channels " + name(channels) + ")");
        }
        for (double s : std) {
            if (!(s != 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("Invalid image.std: " + Arrays.toString(std)
                        + " (each must be finite and not 0)");
            }
        }
        if (!Double.isFinite(scale) || scale == 0) {
            throw new IllegalArgumentException("Invalid image.scale: " + scale + " (must be finite and not 0)");
        }
        if (resize == Resize.SHORTER_SIDE && crop != Crop.CENTER) {
            throw new IllegalArgumentException("Invalid image.crop: none with image.resize: shorter-side (the resized"
                    + " image covers H x W and is larger: set image.crop: center)");
        }
        if (crop == Crop.CENTER && resize != Resize.SHORTER_SIDE && resize != Resize.NONE) {
            throw new IllegalArgumentException("Invalid image.crop: center with image.resize: " + name(resize)
                    + " (the image is already H x W: crop only with resize shorter-side or none)");
        }
        if (dtype == DataType.UINT8) {
            if (scale != 1 || !all(mean, 0) || !all(std, 1)) {
                throw new IllegalArgumentException("Invalid image.scale/mean/std with image.dtype: uint8 (a uint8 input"
                        + " takes the 0..255 samples as they are: leave scale 1, mean 0, std 1)");
            }
            if (padValue != Math.rint(padValue) || padValue < 0 || padValue > 255) {
                throw new IllegalArgumentException("Invalid image.pad-value: " + padValue
                        + " (with image.dtype: uint8, an integer from 0 to 255)");
            }
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("Invalid image.max-pixels: " + maxPixels + " (must be > 0)");
        }
    }

    /** Square {@code size}, resized exactly, RGB, NCHW floats of the 0..255 samples: the defaults. */
    public static ImageSettings defaults(int height, int width) {
        return new ImageSettings(height, width, Resize.EXACT, 0, PadAnchor.CENTER, Crop.NONE, Channels.RGB, 1,
                new double[] {0}, new double[] {1}, Layout.NCHW, DataType.FLOAT, Interpolation.BILINEAR, true,
                100_000_000L);
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** The dimensions of one image after the batch dimension: [C, H, W] or [H, W, C]. */
    public long[] shape() {
        int c = channels.count();
        return layout == Layout.NCHW ? new long[] {c, height, width} : new long[] {height, width, c};
    }

    /** Values per image. */
    public int valuesPerImage() {
        return height * width * channels.count();
    }

    /** A copy with another size (the model's, when the job sets none). */
    public ImageSettings withSize(int h, int w) {
        return new ImageSettings(h, w, resize, padValue, padAnchor, crop, channels, scale, mean, std, layout, dtype,
                interpolation, exifRotate, maxPixels);
    }

    /** How the job file spells a value of these enums: {@code fit-pad}, {@code top-left}. */
    public static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A short description, for plans and errors: {@code 224x224 exact bilinear rgb nchw float}. */
    public String describe() {
        return height + "x" + width + " " + name(resize) + (crop == Crop.CENTER ? " center-crop" : "") + " "
                + name(interpolation) + " " + name(channels) + " " + name(layout) + " " + name(dtype);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageSettings s && height == s.height && width == s.width && resize == s.resize
                && Double.compare(padValue, s.padValue) == 0 && padAnchor == s.padAnchor && crop == s.crop
                && channels == s.channels && Double.compare(scale, s.scale) == 0 && Arrays.equals(mean, s.mean)
                && Arrays.equals(std, s.std) && layout == s.layout && dtype == s.dtype
                && interpolation == s.interpolation && exifRotate == s.exifRotate && maxPixels == s.maxPixels;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std) + height * 7919 + width;
    }

    @Override
    public String toString() {
        return "ImageSettings[" + describe() + ", scale " + scale + ", mean " + Arrays.toString(mean) + ", std "
                + Arrays.toString(std) + ", pad " + padValue + " " + name(padAnchor) + "]";
    }

    private static boolean all(double[] values, double v) {
        for (double d : values) {
            if (d != v) {
                return false;
            }
        }
        return true;
    }
}
