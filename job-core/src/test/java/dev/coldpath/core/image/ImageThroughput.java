package dev.coldpath.core.image;

import dev.coldpath.core.image.ImageSettings.Channels;
import dev.coldpath.core.image.ImageSettings.Crop;
import dev.coldpath.core.image.ImageSettings.DataType;
import dev.coldpath.core.image.ImageSettings.Interpolation;
import dev.coldpath.core.image.ImageSettings.Layout;
import dev.coldpath.core.image.ImageSettings.PadAnchor;
import dev.coldpath.core.image.ImageSettings.Resize;
import java.util.Arrays;
import java.util.Locale;

/**
 * Decode and preprocess alone, on one thread: 640 × 480 JPEGs (quality 0.9) to 224 × 224 NCHW floats with ImageNet's
 * normalisation. Not a test: a measurement to run by hand, printing the milliseconds per image of each step.
 *
 * <pre>
 * mvn -B -o -q -pl job-core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp job-core/target/test-classes:job-core/target/classes:$(cat job-core/target/cp.txt) \
 *     dev.coldpath.core.image.ImageThroughput [IMAGES]
 * </pre>
 */
public final class ImageThroughput {
    private ImageThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        byte[][] jpegs = new byte[20][];
        for (int i = 0; i < jpegs.length; i++) {
            jpegs[i] = TestImages.jpeg(TestImages.picture(640, 480, i), 0.9f, false);
        }
        ImageDecoder decoder = new ImageDecoder(100_000_000L, true);
        ImageSettings settings = new ImageSettings(224, 224, Resize.EXACT, 0, PadAnchor.CENTER, Crop.NONE,
                Channels.RGB, 1 / 255.0, new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225},
                Layout.NCHW, DataType.FLOAT, Interpolation.BILINEAR, true, 100_000_000L);
        ImagePreprocessor preprocessor = new ImagePreprocessor(settings);
        float[] out = new float[settings.valuesPerImage()];
        for (int round = 1; round <= 3; round++) {
            long decode = 0;
            long preprocess = 0;
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                RgbImage image = decoder.decode(jpegs[i % jpegs.length]);
                long t1 = System.nanoTime();
                preprocessor.write(image, out, 0);
                decode += t1 - t0;
                preprocess += System.nanoTime() - t1;
            }
            System.out.printf(Locale.ROOT, "round %d: %d JPEGs 640x480 (%d KB on average): decode %.2f ms,"
                    + " resize and normalise %.2f ms per image: %.0f images/s on one thread%n", round, n,
                    Arrays.stream(jpegs).mapToInt(b -> b.length).sum() / jpegs.length / 1024, decode / 1e6 / n,
                    preprocess / 1e6 / n, n / ((decode + preprocess) / 1e9));
        }
    }
}
