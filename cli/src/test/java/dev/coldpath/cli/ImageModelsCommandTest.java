package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.coldpath.spark.ExecutorSessions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image models end to end on local[2] (issue 17's must-show): Fashion-MNIST test images written as PNG files' bytes
 * in a binary column score, through {@code score --image-column --image-size}, to the same logits as the same pixels
 * fed as a float array column through the array path; undecodable, truncated, empty and oversized images go to the
 * quarantine with their key and reason, not their bytes, and every other row is scored. A folder of PNG and JPEG
 * files ({@code input.format: images}) scores each file once, keyed by its path, as ONNX Runtime scores its pixels.
 */
class ImageModelsCommandTest {
    private static final int IMAGES = 300;
    private static final int SIDE = 28;

    @TempDir
    Path tmp;

    @Test
    void fashionMnistPngsScoreToTheLogitsOfTheSamePixelsFedAsAFloatArray() throws Exception {
        byte[][] pixels = fashionMnistTestImages(IMAGES);
        Path model = tmp.resolve("fashion_linear.onnx");
        Files.write(model, linearClassifier(new Random(17)));
        Files.write(tmp.resolve("fashion_labels.txt"), String.join("\n", CLASSES).concat("\n")
                .getBytes(StandardCharsets.UTF_8));
        List<Row> good = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            good.add(RowFactory.create((long) i, png(pixels[i], SIDE, SIDE), floats(pixels[i])));
        }
        byte[] sample = png(pixels[0], SIDE, SIDE);
        List<Row> all = new ArrayList<>(good);
        all.add(RowFactory.create(1000L, new byte[0], floats(pixels[0])));
        all.add(RowFactory.create(1001L, Arrays.copyOf(sample, sample.length / 2), floats(pixels[0])));
        all.add(RowFactory.create(1002L, "not an image at all".getBytes(StandardCharsets.UTF_8), floats(pixels[0])));
        all.add(RowFactory.create(1003L, png(new byte[40 * 40], 40, 40), floats(pixels[0]))); // over max-pixels
        StructType schema = new StructType().add("id", DataTypes.LongType, false)
                .add("image", DataTypes.BinaryType, true)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        Path images = tmp.resolve("images");
        Path arrays = tmp.resolve("arrays");
        CliHarness.spark().createDataFrame(all, schema).repartition(3).write().parquet(images.toString());
        CliHarness.spark().createDataFrame(good, schema).repartition(3).write().parquet(arrays.toString());

        CliHarness.Outcome byImage = CliHarness.run("score", "--model", model.toString(), "--input", images.toString(),
                "--output", tmp.resolve("by-image").toString(), "--image-column", "image", "--image-size", "28,28",
                "--keep-columns", "id", "--set", "image.channels=gray", "--set", "image.scale=1/255",
                "--set", "image.max-pixels=1000", "--set", "bad-rows.policy=quarantine",
                "--set", "bad-rows.max-fraction=0.05", "--set", "image.labels=fashion_labels.txt",
                "--set", "image.top-k=3");
        CliHarness.Outcome byArray = CliHarness.run("score", "--model", model.toString(), "--input",
                arrays.toString(), "--output", tmp.resolve("by-array").toString(), "--input-column", "pixels",
                "--keep-columns", "id");

        assertThat(byImage.exitCode()).as(byImage.err()).isZero();
        assertThat(byArray.exitCode()).as(byArray.err()).isZero();
        assertThat(byImage.out()).contains(IMAGES + 4 + " read, " + IMAGES + " written, 4 rejected");
        Map<Long, float[]> imageLogits = logits(tmp.resolve("by-image"));
        Map<Long, float[]> arrayLogits = logits(tmp.resolve("by-array"));
        assertThat(imageLogits).hasSize(IMAGES);
        assertThat(imageLogits.keySet()).isEqualTo(arrayLogits.keySet());
        double worst = 0;
        for (Map.Entry<Long, float[]> e : imageLogits.entrySet()) {
            float[] other = arrayLogits.get(e.getKey());
            assertThat(e.getValue()).hasSize(10);
            for (int k = 0; k < 10; k++) {
                worst = Math.max(worst, Math.abs(e.getValue()[k] - other[k]));
            }
        }
        // the must-show asks for 1e-5; both paths feed the model the same floats (p x (float) (1/255)), so the
        // logits are the same to the bit
        assertThat(worst).as("largest logit difference").isLessThanOrEqualTo(1e-5).isEqualTo(0.0);

        // label, score and the top 3 against the softmax of the written logits, computed here in double
        List<Row> labelled = CliHarness.spark().read().parquet(tmp.resolve("by-image") + "/run=*/*.parquet")
                .select("id", "label", "score", "top_k_labels", "top_k_scores").collectAsList();
        assertThat(labelled).hasSize(IMAGES);
        Map<String, Integer> seen = new HashMap<>();
        for (Row row : labelled) {
            float[] z = imageLogits.get(row.getLong(0));
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : z) {
                sum += Math.exp(v - max);
            }
            Integer[] order = new Integer[10];
            for (int k = 0; k < 10; k++) {
                order[k] = k;
            }
            Arrays.sort(order, (a, b) -> z[a] != z[b] ? Float.compare(z[b], z[a]) : Integer.compare(a, b));
            assertThat(row.getString(1)).isEqualTo(CLASSES.get(order[0]));
            assertThat(row.getFloat(2)).isCloseTo((float) (Math.exp(z[order[0]] - max) / sum),
                    within(1e-6f));
            assertThat(row.<String>getList(3)).containsExactly(CLASSES.get(order[0]), CLASSES.get(order[1]),
                    CLASSES.get(order[2]));
            List<Float> top = row.getList(4);
            assertThat(top).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(top.get(i)).isCloseTo((float) (Math.exp(z[order[i]] - max) / sum),
                        within(1e-6f));
            }
            seen.merge(row.getString(1), 1, Integer::sum);
        }
        assertThat(seen.size()).as("labels written %s", seen).isGreaterThan(1);

        // the preflight's one-line errors, exit 2: a missing labels file, a class count other than the model's
        Files.write(tmp.resolve("nine.txt"), String.join("\n", CLASSES.subList(0, 9)).getBytes(StandardCharsets.UTF_8));
        for (String[] bad : new String[][] {{"image.labels=missing.txt", "Labels file "},
            {"image.labels=nine.txt", "Invalid image.labels: "}}) {
            CliHarness.Outcome refused = CliHarness.run("score", "--model", model.toString(), "--input",
                    images.toString(), "--output", tmp.resolve("refused").toString(), "--image-column", "image",
                    "--set", "image.channels=gray", "--set", bad[0]);
            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
            assertThat(refused.err().strip()).startsWith("coldpath: " + bad[1]).doesNotContain("\n");
        }
        assertThat(CliHarness.run("score", "--model", model.toString(), "--input", images.toString(), "--output",
                tmp.resolve("refused").toString(), "--image-column", "image", "--set", "image.channels=gray", "--set",
                "image.labels=fashion_labels.txt", "--set", "image.top-k=11").err())
                .contains("Invalid image.top-k: 11 (must be 1 to the number of classes, 10");

        List<Row> quarantined = CliHarness.spark().read()
                .parquet(tmp.resolve("by-image") + "/run=*/_quarantine/*.parquet")
                .select("id", "image", "_coldpath_reason").orderBy("id").collectAsList();
        assertThat(quarantined).extracting(r -> r.getLong(0)).containsExactly(1000L, 1001L, 1002L, 1003L);
        assertThat(quarantined).allSatisfy(r -> {
            assertThat(r.isNullAt(1)).as("the image's bytes are not quarantined").isTrue();
            assertThat(r.getString(2)).startsWith("cannot decode image: ").endsWith("(column 'image')");
        });
        assertThat(quarantined.get(0).getString(2)).contains("empty (0 bytes)");
        assertThat(quarantined.get(2).getString(2)).contains("not a known image format");
        assertThat(quarantined.get(3).getString(2)).contains("PNG of 40x40 = 1600 pixels, more than"
                + " image.max-pixels (1000)");
    }

    @Test
    void aFolderOfImageFilesScoresEachFileOnceKeyedByItsPathAsOnnxRuntimeScoresItsPixels() throws Exception {
        Path folder = tmp.resolve("photos");
        Files.createDirectories(folder.resolve("a/b"));
        Files.createDirectories(folder.resolve(".hidden"));
        Random random = new Random(5);
        Map<String, byte[]> expected = new HashMap<>(); // file name -> the grey pixels ImageIO reads back
        String[] names = {"x%02d.png", "x%02d.PNG", "a/x%02d.jpg", "a/b/x%02d.JPEG", "a/b/x%02d.Jpg"};
        for (int i = 0; i < 30; i++) {
            byte[] grey = new byte[SIDE * SIDE];
            for (int p = 0; p < grey.length; p++) {
                grey[p] = (byte) ((p % SIDE) * 9 + (p / SIDE) * i + random.nextInt(20));
            }
            String name = String.format(names[i % names.length], i);
            boolean jpeg = !name.toLowerCase(Locale.ROOT).endsWith(".png");
            Path file = folder.resolve(name);
            Files.write(file, encode(grey, jpeg ? "jpeg" : "png"));
            BufferedImage back = ImageIO.read(file.toFile());
            byte[] read = new byte[SIDE * SIDE];
            back.getRaster().getDataElements(0, 0, SIDE, SIDE, read);
            expected.put(file.toUri().getPath(), read);
        }
        Files.write(folder.resolve("a/broken.png"), "not a png".getBytes(StandardCharsets.UTF_8));
        Files.write(folder.resolve("notes.txt"), "not an image".getBytes(StandardCharsets.UTF_8));
        Files.write(folder.resolve(".hidden/x.png"), encode(new byte[SIDE * SIDE], "png"));
        Path model = tmp.resolve("linear.onnx");
        byte[] modelBytes = linearClassifier(new Random(3));
        Files.write(model, modelBytes);

        ExecutorSessions.cache().reset(); // so that the summary counts this run's sessions
        CliHarness.Outcome scored = CliHarness.run("score", "--model", model.toString(), "--input", folder.toString(),
                "--output", tmp.resolve("by-file").toString(), "--set", "input.format=images", "--set",
                "image.channels=gray", "--set", "image.scale=1/255", "--set", "bad-rows.policy=quarantine",
                "--set", "bad-rows.max-fraction=0.1", "--batch-size", "4", "--set", "image.decode-ahead=true",
                "--runner", "spark"); // the CLI's image folders on Spark; the local runner's: the example's test

        assertThat(scored.exitCode()).as(scored.err()).isZero();
        assertThat(scored.out()).contains("31 read, 30 written, 1 rejected").containsPattern("\\n  image +[0-9]")
                .containsPattern("(?m)^  runner    spark \\(runner: spark\\)")
                // one session for the executor JVM, however many tasks and files (local mode: one executor)
                .containsPattern("(?m)^  sessions  1 opened in ");
        List<Row> rows = CliHarness.spark().read().parquet(tmp.resolve("by-file") + "/run=*/*.parquet")
                .collectAsList();
        assertThat(rows.get(0).schema().fieldNames()).startsWith("path", "logits")
                .doesNotContain("content", "length");
        Map<String, float[]> written = new HashMap<>();
        for (Row row : rows) {
            List<Float> values = row.getList(1);
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = values.get(i);
            }
            assertThat(written.put(URI.create(row.getString(0)).getPath(), v)).isNull();
        }
        assertThat(written.keySet()).isEqualTo(expected.keySet());
        try (OrtEnvironment env = OrtEnvironment.getEnvironment();
             OrtSession session = env.createSession(modelBytes)) {
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                float[] x = new float[SIDE * SIDE];
                for (int p = 0; p < x.length; p++) {
                    x[p] = (e.getValue()[p] & 0xFF) * (float) (1 / 255.0);
                }
                try (OnnxTensor t = OnnxTensor.createTensor(env,
                        FloatBuffer.wrap(x), new long[] {1, 1, SIDE, SIDE});
                     OrtSession.Result r = session.run(Map.of("x", t))) {
                    float[] direct = ((float[][]) r.get(0).getValue())[0];
                    assertThat(written.get(e.getKey())).as(e.getKey()).containsExactly(direct, within(1e-5f));
                }
            }
        }
        List<Row> quarantined = CliHarness.spark().read()
                .parquet(tmp.resolve("by-file") + "/run=*/_quarantine/*.parquet").collectAsList();
        assertThat(quarantined).hasSize(1);
        assertThat(quarantined.get(0).<String>getAs("path")).endsWith("/a/broken.png");
        assertThat(quarantined.get(0).<String>getAs("_coldpath_reason")).startsWith("cannot decode image: ")
                .contains("(column 'content')");

        // validate accepts it; an empty folder, and a glob that matches nothing, are one-line errors (exit 2)
        Path job = tmp.resolve("job.yaml");
        Files.writeString(job, "model: " + model + "\ninput: {path: " + folder + ", format: images, glob: '*.png'}\n"
                + "output: {path: " + tmp.resolve("validated") + "}\nimage: {channels: gray}\n");
        CliHarness.Outcome valid = CliHarness.run("validate", job.toString());
        assertThat(valid.exitCode()).as(valid.err()).isZero();
        assertThat(valid.out()).contains("(13 data files)").contains("keeps     path")
                .contains("<- images in column content");
        Files.createDirectories(tmp.resolve("empty"));
        for (String[] bad : new String[][] {{tmp.resolve("empty").toString(), "*.png", "holds no files"},
            {folder.toString(), "*.webp", "holds 32 files but none whose name matches input.glob *.webp"}}) {
            CliHarness.Outcome refused = CliHarness.run("score", "--model", model.toString(), "--input", bad[0],
                    "--output", tmp.resolve("refused").toString(), "--set", "input.format=images", "--set",
                    "input.glob=" + bad[1], "--set", "image.channels=gray");
            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
            assertThat(refused.err().strip()).startsWith("coldpath: Input " + bad[0] + " " + bad[2])
                    .doesNotContain("\n");
        }
    }

    /** The issue's must-show for the image example (both runners' equivalence: LocalRunnerEquivalenceTest). */
    @Test
    void theImageExampleJobRunsOnTheLocalRunnerAndSaysSo() {
        Path project = CliHarness.projectDir();
        Path table = tmp.resolve("example");

        CliHarness.Outcome local = CliHarness.run("run", project.resolve("conf/examples/image-classes.yaml").toString(),
                "--set", "model=" + project.resolve("sample-data/models/fashion_mnist_linear.onnx"),
                "--set", "input.path=" + project.resolve("sample-data/images/fashion-mnist"),
                "--set", "output.path=" + table);

        assertThat(local.exitCode()).as(local.err()).isZero();
        assertThat(local.out()).contains("24 read, 24 written, 0 rejected")
                .containsPattern("(?m)^  runner    local \\(runner: auto: master local\\[2], input 24 files of .* on"
                        + " local disk, under runner.local-max-bytes ");
        List<String> labels = CliHarness.spark().read().parquet(table + "/run=*/*.parquet")
                .selectExpr("concat(path, ' ', label)").collectAsList().stream().map(r -> r.getString(0)).toList();
        assertThat(labels).hasSize(24).anyMatch(l -> l.endsWith("/t10k-00000-ankle-boot.png Ankle boot"));
    }

    private static byte[] encode(byte[] grey, String format) throws IOException {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, SIDE, SIDE, grey);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    /** Fashion-MNIST's classes, in label order. */
    private static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static Map<Long, float[]> logits(Path table) {
        Map<Long, float[]> out = new HashMap<>();
        for (Row row : CliHarness.spark().read().parquet(table + "/run=*/*.parquet").select("id", "logits")
                .collectAsList()) {
            List<Float> values = row.getList(1);
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = values.get(i);
            }
            assertThat(out.put(row.getLong(0), v)).as("id %s twice", row.getLong(0)).isNull();
        }
        return out;
    }

    /** The pixels as the array path takes them: 0..1 floats, as {@code image.scale: 1/255} makes them. */
    private static List<Float> floats(byte[] pixels) {
        List<Float> out = new ArrayList<>(pixels.length);
        for (byte p : pixels) {
            out.add((p & 0xFF) * (float) (1 / 255.0));
        }
        return out;
    }

    private static byte[] png(byte[] grey, int w, int h) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, w, h, grey);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** x float[N,1,28,28] → Flatten → Gemm with seeded weights → logits float[N,10]. */
    private static byte[] linearClassifier(Random random) {
        TensorProto.Builder w = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(SIDE * SIDE).addDims(10);
        for (int i = 0; i < SIDE * SIDE * 10; i++) {
            w.addFloatData((float) (random.nextGaussian() * 0.05));
        }
        TensorProto.Builder b = TensorProto.newBuilder().setName("B").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(10);
        for (int i = 0; i < 10; i++) {
            b.addFloatData((float) random.nextGaussian());
        }
        GraphProto graph = GraphProto.newBuilder().setName("fashion_linear")
                .addInput(value("x", "N", 1, SIDE, SIDE))
                .addInitializer(w).addInitializer(b)
                .addNode(NodeProto.newBuilder().setOpType("Flatten").setName("flatten").addInput("x")
                        .addOutput("flat").addAttribute(AttributeProto.newBuilder().setName("axis")
                                .setType(AttributeProto.AttributeType.INT).setI(1)))
                .addNode(NodeProto.newBuilder().setOpType("Gemm").setName("gemm").addInput("flat").addInput("W")
                        .addInput("B").addOutput("logits"))
                .addOutput(value("logits", "N", 10))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("coldpath-cli-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph)
                .build().toByteArray();
    }

    /** A float tensor's value info; a String dimension is symbolic. */
    static ValueInfoProto value(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String s ? TensorShapeProto.Dimension.newBuilder().setDimParam(s)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    /** The first {@code n} Fashion-MNIST test images, 784 grey bytes each, from Debian's dataset-fashion-mnist. */
    private static byte[][] fashionMnistTestImages(int n) throws Exception {
        Path file = fashionMnist().resolve("t10k-images-idx3-ubyte.gz");
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            assertThat(in.readInt()).as("IDX magic of %s", file).isEqualTo(0x803);
            assertThat(in.readInt()).isGreaterThanOrEqualTo(n);
            assertThat(new int[] {in.readInt(), in.readInt()}).containsExactly(SIDE, SIDE);
            byte[][] images = new byte[n][SIDE * SIDE];
            for (byte[] image : images) {
                in.readFully(image);
            }
            return images;
        }
    }

    /**
     * The folder of the IDX files: an installed dataset-fashion-mnist, or the package unpacked by
     * scripts/fetch-fashion-mnist.sh. Skipped only outside CI on a machine without apt-get; in CI a failure fails.
     */
    private static Path fashionMnist() throws Exception {
        Path installed = Path.of("/usr/share/datasets/fashion-mnist");
        if (Files.isRegularFile(installed.resolve("t10k-images-idx3-ubyte.gz"))) {
            return installed;
        }
        boolean aptHere = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        assumeTrue(aptHere || System.getenv("CI") != null,
                "Fashion-MNIST is not here and apt-get is not here to fetch it: skipping outside CI");
        Path project = CliHarness.projectDir();
        Path log = project.resolve("cli/target/fetch-fashion-mnist.log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder("bash", project.resolve("scripts/fetch-fashion-mnist.sh").toString(),
                project.resolve("cli/target/fashion-mnist").toString()).redirectError(log.toFile()).start();
        String folder;
        try (InputStream out = p.getInputStream()) {
            folder = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("scripts/fetch-fashion-mnist.sh exit code; its log: %s", log).isZero();
        return Path.of(folder);
    }
}
