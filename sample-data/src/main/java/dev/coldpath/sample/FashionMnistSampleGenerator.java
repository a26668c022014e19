package dev.coldpath.sample;

import static dev.coldpath.sample.OnnxGraphBuilder.BATCH;
import static dev.coldpath.sample.OnnxGraphBuilder.FLOAT;
import static dev.coldpath.sample.OnnxGraphBuilder.intAttribute;
import static dev.coldpath.sample.OnnxGraphBuilder.tensorType;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The image sample: a linear classifier (softmax regression) trained on Fashion-MNIST (Debian's
 * dataset-fashion-mnist, MIT) and exported to ONNX, its class names, and some test images as PNG and JPEG files.
 * Same data in, same bytes out.
 *
 * <p>Usage: {@code FashionMnistSampleGenerator SAMPLE_DATA_DIR FASHION_MNIST_DIR}, the second the folder of the IDX
 * files ({@code scripts/fetch-fashion-mnist.sh} prints it).
 */
public final class FashionMnistSampleGenerator {
    static final String MODEL_FILE = "models/fashion_mnist_linear.onnx";
    static final String LABELS_FILE = "models/fashion_mnist_labels.txt";
    static final String IMAGES_DIR = "images/fashion-mnist";
    static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final int SIDE = 28;
    private static final int PIXELS = SIDE * SIDE;
    private static final int TRAIN = 12_000;
    private static final int EPOCHS = 15;
    private static final int MINI_BATCH = 50;
    private static final double LEARNING_RATE = 0.2;
    private static final double L2 = 1e-4;
    private static final int IMAGES = 24;

    private FashionMnistSampleGenerator() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("Usage: FashionMnistSampleGenerator SAMPLE_DATA_DIR FASHION_MNIST_DIR");
            System.exit(2);
        }
        generate(Path.of(args[0]), Path.of(args[1]), System.out);
    }

    static void generate(Path sampleDir, Path idx, PrintStream out) throws IOException {
        byte[][] trainImages = images(idx.resolve("train-images-idx3-ubyte.gz"), TRAIN);
        int[] trainLabels = labels(idx.resolve("train-labels-idx1-ubyte.gz"), TRAIN);
        byte[][] testImages = images(idx.resolve("t10k-images-idx3-ubyte.gz"), 10_000);
        int[] testLabels = labels(idx.resolve("t10k-labels-idx1-ubyte.gz"), 10_000);
        double[][] w = train(trainImages, trainLabels);
        double trainAccuracy = accuracy(w, trainImages, trainLabels);
        double testAccuracy = accuracy(w, testImages, testLabels);
        out.printf(Locale.ROOT, "fashion_mnist_linear: training accuracy %.4f (%d images), test accuracy %.4f"
                + " (10,000 images)%n", trainAccuracy, TRAIN, testAccuracy);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("dataset", "fashion_mnist");
        metadata.put("classes", String.join(",", CLASSES));
        metadata.put("trained_by", "coldpath FashionMnistSampleGenerator");
        metadata.put("training", "softmax regression on the first " + TRAIN + " training images, pixels / 255;"
                + " mini-batch gradient descent, " + EPOCHS + " epochs of batches of " + MINI_BATCH + ", learning rate "
                + LEARNING_RATE + ", L2 " + L2 + ", zero initial weights, java.util.Random(17) shuffles");
        metadata.put("training_accuracy", String.format(Locale.ROOT, "%.4f", trainAccuracy));
        metadata.put("test_accuracy", String.format(Locale.ROOT, "%.4f", testAccuracy));
        OnnxGraphs.write(model(w, metadata), sampleDir.resolve(MODEL_FILE));
        Files.writeString(sampleDir.resolve(LABELS_FILE), String.join("\n", CLASSES) + "\n", StandardCharsets.UTF_8);
        Path images = sampleDir.resolve(IMAGES_DIR);
        Files.createDirectories(images);
        for (int i = 0; i < IMAGES; i++) {
            String name = String.format(Locale.ROOT, "t10k-%05d-%s", i,
                    CLASSES.get(testLabels[i]).toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-"));
            boolean png = i % 2 == 0;
            Files.write(images.resolve(name + (png ? ".png" : ".jpg")), encode(testImages[i], png));
        }
        out.printf(Locale.ROOT, "wrote %s, %s and %d images in %s%n", MODEL_FILE, LABELS_FILE, IMAGES, IMAGES_DIR);
    }

    /** Softmax regression: {@code w[k]} holds class k's 784 weights then its bias. */
    static double[][] train(byte[][] images, int[] labels) {
        int k = CLASSES.size();
        double[][] w = new double[k][PIXELS + 1];
        double[][] grad = new double[k][PIXELS + 1];
        double[] p = new double[k];
        double[] x = new double[PIXELS];
        int[] order = new int[images.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random random = new Random(17);
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int from = 0; from < order.length; from += MINI_BATCH) {
                int to = Math.min(order.length, from + MINI_BATCH);
                for (double[] g : grad) {
                    Arrays.fill(g, 0);
                }
                for (int b = from; b < to; b++) {
                    int n = order[b];
                    pixels(images[n], x);
                    probabilities(w, x, p);
                    for (int c = 0; c < k; c++) {
                        double e = p[c] - (labels[n] == c ? 1 : 0);
                        double[] g = grad[c];
                        for (int d = 0; d < PIXELS; d++) {
                            g[d] += e * x[d];
                        }
                        g[PIXELS] += e;
                    }
                }
                double step = LEARNING_RATE / (to - from);
                for (int c = 0; c < k; c++) {
                    for (int d = 0; d <= PIXELS; d++) {
                        w[c][d] -= step * grad[c][d] + (d < PIXELS ? LEARNING_RATE * L2 * w[c][d] : 0);
                    }
                }
            }
        }
        return w;
    }

    static double accuracy(double[][] w, byte[][] images, int[] labels) {
        double[] x = new double[PIXELS];
        double[] p = new double[w.length];
        int right = 0;
        for (int n = 0; n < images.length; n++) {
            pixels(images[n], x);
            probabilities(w, x, p);
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            right += best == labels[n] ? 1 : 0;
        }
        return right / (double) images.length;
    }

    /** The pixels as the job's {@code image.scale: 1/255} gives them to the model. */
    private static void pixels(byte[] image, double[] x) {
        for (int d = 0; d < PIXELS; d++) {
            x[d] = (image[d] & 0xFF) * (float) (1 / 255.0);
        }
    }

    private static void probabilities(double[][] w, double[] x, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < w.length; c++) {
            double z = w[c][PIXELS];
            for (int d = 0; d < PIXELS; d++) {
                z += w[c][d] * x[d];
            }
            p[c] = z;
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int c = 0; c < w.length; c++) {
            p[c] = StrictMath.exp(p[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < w.length; c++) {
            p[c] /= sum;
        }
    }

    /** {@code image float[N,1,28,28]} → Flatten → Gemm (784→10) → {@code logits float[N,10]}. */
    static ModelProto model(double[][] w, Map<String, String> metadata) {
        int k = w.length;
        float[] weights = new float[k * PIXELS];
        float[] bias = new float[k];
        for (int c = 0; c < k; c++) {
            for (int d = 0; d < PIXELS; d++) {
                weights[c * PIXELS + d] = (float) w[c][d];
            }
            bias[c] = (float) w[c][PIXELS];
        }
        OnnxGraphBuilder graph = new OnnxGraphBuilder("fashion_mnist_linear");
        graph.input("image", tensorType(FLOAT, BATCH, 1, SIDE, SIDE), "grey 28x28 images, 0..1 (pixel / 255)");
        String flat = graph.node("Flatten", "flatten", List.of("image"), List.of("pixels"), intAttribute("axis", 1));
        String weightsName = graph.floats("weights", weights, k, PIXELS);
        String biasName = graph.floats("bias", bias, k);
        graph.node("Gemm", "linear", List.of(flat, weightsName, biasName), List.of("logits"),
                intAttribute("transB", 1));
        graph.output("logits", tensorType(FLOAT, BATCH, k), "one logit per class, in the labels file's order");
        return graph.model(Map.of("", 13), "Fashion-MNIST softmax regression (logits)", metadata);
    }

    private static byte[] encode(byte[] grey, boolean png) throws IOException {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, SIDE, SIDE, grey);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (png) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.95f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static byte[][] images(Path file, int n) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != 0x803) {
                throw new SampleDataException(file + " is not an IDX file of images");
            }
            int count = in.readInt();
            if (count < n || in.readInt() != SIDE || in.readInt() != SIDE) {
                throw new SampleDataException(file + " does not hold " + n + " images of 28x28");
            }
            byte[][] images = new byte[n][PIXELS];
            for (byte[] image : images) {
                in.readFully(image);
            }
            return images;
        }
    }

    private static int[] labels(Path file, int n) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != 0x801 || in.readInt() < n) {
                throw new SampleDataException(file + " is not an IDX file of " + n + " labels");
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = in.readUnsignedByte();
            }
            return labels;
        }
    }
}
