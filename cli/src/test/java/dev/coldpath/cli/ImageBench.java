package dev.coldpath.cli;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.coldpath.core.image.ImageDecoder;
import dev.coldpath.core.image.ImagePreprocessor;
import dev.coldpath.core.image.ImageSettings;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image benchmark of issue 17, in one sitting (a benchmark, not a test: its name keeps it out of the suite; run
 * it with {@code -Dit.test=ImageBench}): {@code bench.images} (10,000) JPEGs of about 640×480, generated once into
 * {@code cli/target/image-bench/} from a fixed seed, resized to 224×224 (bilinear, exact) for a small CNN over
 * float[N,3,224,224] built here (Conv 3→8 3×3 stride 2, ReLU, Conv 8→16 3×3 stride 2, ReLU, global average pool,
 * Gemm 16→10). Measures, on two threads as local[2] has two task slots: decode+preprocess alone (the files' bytes
 * in memory, {@link ImageDecoder} and {@link ImagePreprocessor} as the executors use them), RAW (ONNX Runtime alone,
 * one session of one intra-op thread run from two threads, on pre-built batches), and {@code coldpath score} end
 * to end ({@code input.format: images} on local[2]) with {@code image.decode-ahead} false and true, alternating.
 * Prints images/s of each and the ratios end-to-end / min(decode, RAW), and each run's stage table.
 */
class ImageBench {
    private static final int SIDE = 224;
    private static final int BATCH = 64;

    @TempDir
    Path tmp;

    @Test
    void bench() throws Exception {
        int n = Integer.getInteger("bench.images", 10_000);
        int rounds = Integer.getInteger("bench.rounds", 1);
        Path folder = CliHarness.projectDir().resolve("cli/target/image-bench/jpegs-" + n);
        generate(folder, n);
        Path model = folder.resolveSibling("cnn.onnx"); // kept beside the JPEGs, for runs by hand
        byte[] modelBytes = cnn(new Random(17));
        Files.write(model, modelBytes);
        List<byte[]> files = new ArrayList<>();
        try (Stream<Path> paths = Files.list(folder)) {
            for (Path p : paths.sorted().toList()) {
                files.add(Files.readAllBytes(p));
            }
        }
        System.out.printf(Locale.ROOT, "ImageBench: %d JPEGs, %.1f MB, in %s%n", files.size(),
                files.stream().mapToLong(b -> b.length).sum() / 1e6, folder);
        run(folder, model, "warmup", "false", 100);
        for (int r = 0; r < rounds; r++) {
            double decode = decode(files);
            double raw = raw(modelBytes, files.size());
            double off = run(folder, model, "ahead-off-" + r, "false", 0);
            double on = run(folder, model, "ahead-on-" + r, "true", 0);
            double min = Math.min(decode, raw);
            System.out.printf(Locale.ROOT, "ImageBench round %d: decode+preprocess %.0f images/s, RAW %.0f images/s,"
                            + " coldpath %.0f images/s (decode-ahead false), %.0f images/s (true); end-to-end /"
                            + " min(decode, RAW) = %.2f (false), %.2f (true)%n", r, decode, raw, off, on, off / min,
                    on / min);
        }
    }

    /** Images/s of {@code coldpath score} over the folder (the first {@code limit} files' worth when > 0). */
    private double run(Path folder, Path model, String id, String ahead, int limit) throws IOException {
        Path input = folder;
        if (limit > 0) {
            input = tmp.resolve("warm");
            Files.createDirectories(input);
            try (Stream<Path> paths = Files.list(folder)) {
                for (Path p : paths.sorted().limit(limit).toList()) {
                    Files.copy(p, input.resolve(p.getFileName()));
                }
            }
        }
        long start = System.nanoTime();
        CliHarness.Outcome out = CliHarness.run("score", "--model", model.toString(), "--input", input.toString(),
                "--output", tmp.resolve("table").toString(), "--run-id", id, "--batch-size", String.valueOf(BATCH),
                "--set", "input.format=images", "--image-size", SIDE + "," + SIDE, "--set", "image.scale=1/255",
                "--set", "image.decode-ahead=" + ahead);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (out.exitCode() != 0) {
            throw new IllegalStateException(out.err());
        }
        boolean table = false;
        for (String line : out.out().lines().toList()) {
            table |= line.startsWith("  stage ms");
            boolean stage = table && line.startsWith("  ") && !line.startsWith("  inference batch-size")
                    && !line.startsWith("  sessions") && !line.startsWith("  spark");
            if (line.startsWith("coldpath: run") || stage) {
                System.out.println("ImageBench " + id + ": " + line.strip());
            }
            if (line.startsWith("  write")) {
                table = false;
            }
        }
        try (Stream<Path> paths = Files.list(input)) {
            return paths.count() / seconds;
        }
    }

    /** Images/s of decode+preprocess alone, on two threads, from the files' bytes in memory. */
    private static double decode(List<byte[]> files) throws Exception {
        ImageSettings settings = settings();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            long start = System.nanoTime();
            List<Future<Double>> parts = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    ImageDecoder decoder = new ImageDecoder(settings.maxPixels(), true);
                    ImagePreprocessor preprocessor = new ImagePreprocessor(settings);
                    float[] batch = new float[BATCH * settings.valuesPerImage()];
                    double sum = 0;
                    for (int i = first, k = 0; i < files.size(); i += 2, k = (k + 1) % BATCH) {
                        preprocessor.write(decoder.decode(files.get(i)), batch, k * settings.valuesPerImage());
                        sum += batch[k * settings.valuesPerImage()];
                    }
                    return sum;
                }));
            }
            for (Future<Double> part : parts) {
                part.get();
            }
            return files.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Images/s of ONNX Runtime alone: one session, one intra-op thread, run from two threads on pre-built batches. */
    private static double raw(byte[] model, int n) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] values = new float[BATCH * 3 * SIDE * SIDE];
        Random random = new Random(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options);
                 OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(values),
                         new long[] {BATCH, 3, SIDE, SIDE})) {
                try (OrtSession.Result warm = session.run(Map.of("x", tensor))) {
                    warm.get(0);
                }
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    int batches = (n + BATCH - 1) / BATCH;
                    long start = System.nanoTime();
                    List<Future<?>> parts = new ArrayList<>();
                    for (int t = 0; t < 2; t++) {
                        int first = t;
                        parts.add(pool.submit(() -> {
                            for (int b = first; b < batches; b += 2) {
                                try (OrtSession.Result result = session.run(Map.of("x", tensor))) {
                                    result.get(0);
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> part : parts) {
                        part.get();
                    }
                    return (double) batches * BATCH / ((System.nanoTime() - start) / 1e9);
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    private static ImageSettings settings() {
        return new ImageSettings(SIDE, SIDE, ImageSettings.Resize.EXACT, 0, ImageSettings.PadAnchor.CENTER,
                ImageSettings.Crop.NONE, ImageSettings.Channels.RGB, 1 / 255.0, new double[] {0}, new double[] {1},
                ImageSettings.Layout.NCHW, ImageSettings.DataType.FLOAT, ImageSettings.Interpolation.BILINEAR, true,
                100_000_000L);
    }

    /**
     * Writes {@code n} JPEGs (quality 0.85) of about 640×480 into {@code folder} unless it holds them already: a
     * gradient, 24 shapes and a fine texture each, from seed 17 + i.
     */
    private static void generate(Path folder, int n) throws Exception {
        if (Files.isDirectory(folder)) {
            try (Stream<Path> paths = Files.list(folder)) {
                if (paths.count() == n) {
                    return;
                }
            }
        }
        Files.createDirectories(folder);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    for (int i = first; i < n; i += 2) {
                        Files.write(folder.resolve(String.format(Locale.ROOT, "img%05d.jpg", i)), jpeg(i));
                    }
                    return null;
                }));
            }
            for (Future<?> part : parts) {
                part.get();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf(Locale.ROOT, "ImageBench: generated %d JPEGs in %.0f s%n", n,
                (System.nanoTime() - start) / 1e9);
    }

    private static byte[] jpeg(int i) throws IOException {
        Random random = new Random(17 + i);
        int w = 608 + random.nextInt(65);
        int h = 456 + random.nextInt(49);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0x1000000)), w, h,
                    new Color(random.nextInt(0x1000000))));
            g.fillRect(0, 0, w, h);
            for (int s = 0; s < 24; s++) {
                g.setColor(new Color(random.nextInt(0x1000000)));
                int x = random.nextInt(w);
                int y = random.nextInt(h);
                int a = 10 + random.nextInt(160);
                int b = 10 + random.nextInt(120);
                switch (s % 3) {
                    case 0 -> g.fillOval(x - a / 2, y - b / 2, a, b);
                    case 1 -> g.fillRect(x - a / 2, y - b / 2, a, b);
                    default -> {
                        g.setStroke(new BasicStroke(1 + random.nextInt(6)));
                        g.drawLine(x, y, random.nextInt(w), random.nextInt(h));
                    }
                }
            }
        } finally {
            g.dispose();
        }
        byte[] px = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int p = 0; p < px.length; p++) { // a fine texture, as photos have
            px[p] = (byte) Math.max(0, Math.min(255, (px[p] & 0xFF) + random.nextInt(13) - 6));
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** x float[N,3,224,224] → Conv 3→8 s2 → ReLU → Conv 8→16 s2 → ReLU → GlobalAveragePool → Gemm 16→10. */
    private static byte[] cnn(Random random) {
        GraphProto graph = GraphProto.newBuilder().setName("bench_cnn")
                .addInput(ImageModelsCommandTest.value("x", "N", 3, SIDE, SIDE))
                .addInitializer(weights("W1", random, 8, 3, 3, 3)).addInitializer(weights("B1", random, 8))
                .addInitializer(weights("W2", random, 16, 8, 3, 3)).addInitializer(weights("B2", random, 16))
                .addInitializer(weights("W3", random, 16, 10)).addInitializer(weights("B3", random, 10))
                .addNode(conv("conv1", "x", "W1", "B1", "c1")).addNode(op("Relu", "relu1", "c1", "r1"))
                .addNode(conv("conv2", "r1", "W2", "B2", "c2")).addNode(op("Relu", "relu2", "c2", "r2"))
                .addNode(op("GlobalAveragePool", "pool", "r2", "p"))
                .addNode(NodeProto.newBuilder().setOpType("Flatten").setName("flatten").addInput("p").addOutput("f")
                        .addAttribute(AttributeProto.newBuilder().setName("axis")
                                .setType(AttributeProto.AttributeType.INT).setI(1)))
                .addNode(NodeProto.newBuilder().setOpType("Gemm").setName("gemm").addInput("f").addInput("W3")
                        .addInput("B3").addOutput("logits"))
                .addOutput(ImageModelsCommandTest.value("logits", "N", 10))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("coldpath-image-bench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph)
                .build().toByteArray();
    }

    private static NodeProto conv(String name, String in, String w, String b, String out) {
        return NodeProto.newBuilder().setOpType("Conv").setName(name).addInput(in).addInput(w).addInput(b)
                .addOutput(out)
                .addAttribute(AttributeProto.newBuilder().setName("kernel_shape")
                        .setType(AttributeProto.AttributeType.INTS).addInts(3).addInts(3))
                .addAttribute(AttributeProto.newBuilder().setName("strides")
                        .setType(AttributeProto.AttributeType.INTS).addInts(2).addInts(2))
                .addAttribute(AttributeProto.newBuilder().setName("pads")
                        .setType(AttributeProto.AttributeType.INTS).addInts(1).addInts(1).addInts(1).addInts(1))
                .build();
    }

    private static NodeProto op(String type, String name, String in, String out) {
        return NodeProto.newBuilder().setOpType(type).setName(name).addInput(in).addOutput(out).build();
    }

    private static TensorProto weights(String name, Random random, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        long count = 1;
        for (long d : dims) {
            t.addDims(d);
            count *= d;
        }
        for (long i = 0; i < count; i++) {
            t.addFloatData((float) (random.nextGaussian() * 0.1));
        }
        return t.build();
    }
}
