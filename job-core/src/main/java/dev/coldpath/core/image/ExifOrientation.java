package dev.coldpath.core.image;

/**
 * The EXIF orientation (TIFF tag 274, values 1 to 8) of an encoded image, read from the bytes without decoding: from a
 * JPEG's APP1 {@code Exif} segment, a TIFF file's first directory, a PNG's {@code eXIf} chunk or a WebP's {@code
 * EXIF} chunk. 1 (or no tag) means the pixels are stored as shown.
 */
public final class ExifOrientation {
    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {
    }

    /** The orientation, 1 to 8; 1 when the bytes carry none or a value outside 1..8. */
    public static int of(byte[] bytes) {
        int value = 1;
        if (bytes.length > 4 && u8(bytes, 0) == 0xFF && u8(bytes, 1) == 0xD8) {
            value = fromJpeg(bytes);
        } else if (bytes.length > 8 && (bytes[0] == 'I' && bytes[1] == 'I' || bytes[0] == 'M' && bytes[1] == 'M')) {
            value = fromTiff(bytes, 0, bytes.length);
        } else if (bytes.length > 8 && u8(bytes, 0) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            value = fromPng(bytes);
        } else if (bytes.length > 12 && bytes[0] == 'R' && bytes[1] == 'I' && bytes[8] == 'W' && bytes[9] == 'E') {
            value = fromWebp(bytes);
        }
        return value >= 1 && value <= 8 ? value : 1;
    }

    private static int fromJpeg(byte[] b) {
        int p = 2;
        while (p + 4 <= b.length && u8(b, p) == 0xFF) {
            int marker = u8(b, p + 1);
            if (marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                p += 2;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return 1; // start of scan: no EXIF before the image data
            }
            int length = u16be(b, p + 2);
            int start = p + 4;
            if (marker == 0xE1 && length >= 8 && start + 6 <= b.length && b[start] == 'E' && b[start + 1] == 'x'
                    && b[start + 2] == 'i' && b[start + 3] == 'f' && b[start + 4] == 0 && b[start + 5] == 0) {
                return fromTiff(b, start + 6, Math.min(b.length, p + 2 + length));
            }
            p += 2 + length;
        }
        return 1;
    }

    private static int fromPng(byte[] b) {
        int p = 8;
        while (p + 8 <= b.length) {
            int length = (int) Math.min(Integer.MAX_VALUE, u32(b, p, false));
            if (b[p + 4] == 'e' && b[p + 5] == 'X' && b[p + 6] == 'I' && b[p + 7] == 'f') {
                return fromTiff(b, p + 8, (int) Math.min(b.length, (long) p + 8 + length));
            }
            if (b[p + 4] == 'I' && b[p + 5] == 'D' && b[p + 6] == 'A' && b[p + 7] == 'T') {
                return 1;
            }
            p += 12 + length;
            if (p < 0) {
                return 1;
            }
        }
        return 1;
    }

    private static int fromWebp(byte[] b) {
        int p = 12;
        while (p + 8 <= b.length) {
            int length = (int) Math.min(Integer.MAX_VALUE, u32(b, p + 4, true));
            if (b[p] == 'E' && b[p + 1] == 'X' && b[p + 2] == 'I' && b[p + 3] == 'F') {
                int start = p + 8;
                // some writers keep JPEG's "Exif\0\0" prefix
                if (start + 6 <= b.length && b[start] == 'E' && b[start + 1] == 'x') {
                    start += 6;
                }
                return fromTiff(b, start, (int) Math.min(b.length, (long) p + 8 + length));
            }
            p += 8 + length + (length & 1);
            if (p < 0) {
                return 1;
            }
        }
        return 1;
    }

    /** Tag 274 of the first image file directory of the TIFF structure at [start, end). */
    private static int fromTiff(byte[] b, int start, int end) {
        if (end - start < 8) {
            return 1;
        }
        boolean little = b[start] == 'I' && b[start + 1] == 'I';
        if (!little && !(b[start] == 'M' && b[start + 1] == 'M')) {
            return 1;
        }
        long ifd = u32(b, start + 4, little);
        if (ifd < 8 || start + ifd + 2 > end) {
            return 1;
        }
        int p = (int) (start + ifd);
        int entries = u16(b, p, little);
        for (int i = 0; i < entries; i++) {
            int entry = p + 2 + 12 * i;
            if (entry + 12 > end) {
                return 1;
            }
            if (u16(b, entry, little) == ORIENTATION_TAG) {
                return u16(b, entry + 8, little); // type SHORT, count 1: the value sits in the entry
            }
        }
        return 1;
    }

    private static int u8(byte[] b, int p) {
        return b[p] & 0xFF;
    }

    private static int u16be(byte[] b, int p) {
        return p + 1 < b.length ? (u8(b, p) << 8) | u8(b, p + 1) : 0;
    }

    private static int u16(byte[] b, int p, boolean little) {
        return little ? u8(b, p) | (u8(b, p + 1) << 8) : (u8(b, p) << 8) | u8(b, p + 1);
    }

    private static long u32(byte[] b, int p, boolean little) {
        if (p + 4 > b.length) {
            return 0;
        }
        long v = little ? u8(b, p) | (u8(b, p + 1) << 8) | (u8(b, p + 2) << 16) | ((long) u8(b, p + 3) << 24)
                : ((long) u8(b, p) << 24) | (u8(b, p + 1) << 16) | (u8(b, p + 2) << 8) | u8(b, p + 3);
        return v & 0xFFFFFFFFL;
    }
}
