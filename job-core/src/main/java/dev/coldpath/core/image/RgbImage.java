package dev.coldpath.core.image;

/**
 * A decoded image as 8-bit RGB, interleaved and row-major ({@code pixels[(y * width + x) * 3 + c]}, c = 0 red, 1
 * green, 2 blue), as shown (EXIF orientation applied when asked) and opaque (alpha composited on white). Its buffer
 * is reused by the decoder that returned it: valid until that decoder's next image. Not thread safe.
 */
public final class RgbImage {
    private int width;
    private int height;
    private byte[] pixels = new byte[0];

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** The pixels; may be longer than {@code width * height * 3}. */
    byte[] pixels() {
        return pixels;
    }

    /** Makes room for a {@code width} × {@code height} image; the previous pixels are lost. */
    void reset(int width, int height) {
        this.width = width;
        this.height = height;
        int needed = Math.multiplyExact(Math.multiplyExact(width, height), 3);
        if (pixels.length < needed) {
            pixels = new byte[needed];
        }
    }

    /** Takes {@code other}'s pixels and dimensions, giving it this image's buffer (no copy). */
    void swap(RgbImage other) {
        byte[] p = pixels;
        pixels = other.pixels;
        other.pixels = p;
        int w = width;
        width = other.width;
        other.width = w;
        int h = height;
        height = other.height;
        other.height = h;
    }

    public int getWidth() {
        return width;
    }

    public int getHeight() {
        return height;
    }

    /** One sample, 0..255: channel {@code c} (0 red, 1 green, 2 blue) of pixel (x, y). */
    public int sample(int x, int y, int c) {
        return pixels[(y * width + x) * 3 + c] & 0xFF;
    }
}
