package dev.coldpath.core.image;

/**
 * For each output coordinate along one axis, the source coordinates it reads and their weights (summing to 1): two
 * taps for bilinear, the covered source pixels for area averaging. Both axes of a resize use one each.
 */
final class ResampleTaps {
    final int[] start;
    final int[] count;
    final int[] index;
    final float[] weight;
    /** Whether every output coordinate has exactly two taps, at {@code 2i} and {@code 2i + 1} (bilinear). */
    final boolean twoTaps;

    private ResampleTaps(int[] start, int[] count, int[] index, float[] weight, boolean twoTaps) {
        this.start = start;
        this.count = count;
        this.index = index;
        this.weight = weight;
        this.twoTaps = twoTaps;
    }

    /**
     * Bilinear taps for output coordinates [{@code from}, {@code from + n}) of a resize of {@code source} pixels to
     * {@code target}, with OpenCV's INTER_LINEAR convention: pixel centres are aligned ({@code f = (d + 0.5) ×
     * source / target - 0.5}), and a coordinate outside [0, source - 1] takes the edge pixel.
     */
    static ResampleTaps bilinear(int source, int target, int from, int n) {
        int[] start = new int[n];
        int[] count = new int[n];
        int[] index = new int[2 * n];
        float[] weight = new float[2 * n];
        double scale = (double) source / target;
        for (int i = 0; i < n; i++) {
            int d = from + i;
            float f = (float) ((d + 0.5) * scale - 0.5);
            int s = (int) Math.floor(f);
            float a = f - s;
            if (s < 0) {
                s = 0;
                a = 0;
            }
            if (s >= source - 1) {
                s = source - 1;
                a = 0;
            }
            start[i] = 2 * i;
            count[i] = 2;
            index[2 * i] = s;
            index[2 * i + 1] = Math.min(s + 1, source - 1);
            weight[2 * i] = 1 - a;
            weight[2 * i + 1] = a;
        }
        return new ResampleTaps(start, count, index, weight, true);
    }

    /**
     * Area taps (OpenCV's INTER_AREA for downscales): output pixel d averages the source interval [d × s, (d + 1) × s),
     * s = source / target, each source pixel weighted by the length it overlaps. For an upscale ({@code source <
     * target}) the taps are bilinear.
     */
    static ResampleTaps area(int source, int target, int from, int n) {
        if (source <= target) {
            return bilinear(source, target, from, n);
        }
        double scale = (double) source / target;
        int[] start = new int[n];
        int[] count = new int[n];
        int most = (int) Math.ceil(scale) + 1;
        int[] index = new int[most * n];
        float[] weight = new float[most * n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            int d = from + i;
            double f0 = d * scale;
            double f1 = Math.min(source, (d + 1) * scale);
            start[i] = k;
            for (int s = (int) Math.floor(f0); s < Math.ceil(f1) && s < source; s++) {
                double overlap = Math.min(f1, s + 1) - Math.max(f0, s);
                if (overlap > 1e-9) {
                    index[k] = s;
                    weight[k] = (float) (overlap / (f1 - f0));
                    k++;
                }
            }
            count[i] = k - start[i];
        }
        return new ResampleTaps(start, count, index, weight, false);
    }
}
