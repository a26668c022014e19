package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of bad input: one line on stderr that names the problem, its exit code, and no output. */
class BadInputTest {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void writeBadInputs() throws Exception {
        var spark = CliHarness.spark();
        var cancer = spark.read().parquet(CliHarness.data("breast_cancer"));
        cancer.withColumn("mean_area", functions.col("mean_area").cast("double"))
                .write().parquet(tmp.resolve("double-column").toString());
        cancer.limit(0).write().parquet(tmp.resolve("no-rows").toString());
        Files.createDirectories(tmp.resolve("no-files"));
        spark.read().parquet(CliHarness.data("wine"))
                .withColumn("features", functions.when(functions.col("id").equalTo(7),
                        functions.slice(functions.col("features"), 1, 12)).otherwise(functions.col("features")))
                .write().parquet(tmp.resolve("short-array").toString());
        Files.write(tmp.resolve("corrupt.onnx"), new byte[] {8, 7, 18, 3, 'x', 'y'});
        Path good = Files.list(tmp.resolve("double-column")).filter(f -> f.toString().endsWith(".parquet"))
                .findFirst().orElseThrow();
        byte[] parquet = Files.readAllBytes(good);
        // PAR1 magic at both ends, garbage between: a footer length that points nowhere.
        byte[] corrupt = Arrays.copyOf(parquet, parquet.length);
        Arrays.fill(corrupt, 4, corrupt.length - 4, (byte) 0x5a);
        write(tmp.resolve("corrupt-file/part-0.parquet"), corrupt);
        write(tmp.resolve("truncated-file/part-0.parquet"), Arrays.copyOf(parquet, parquet.length / 2));
        write(tmp.resolve("empty-file/part-0.parquet"), new byte[0]);
        write(tmp.resolve("not-parquet/part-0.parquet"), Files.readAllBytes(Path.of(CliHarness.data("breast_cancer"))));
        write(tmp.resolve("not-parquet/notes.csv"), "id,comment\n1,looks fine\n".getBytes(StandardCharsets.UTF_8));
        cancer.write().parquet(tmp.resolve("mixed-types").toString());
        cancer.withColumn("mean_area", functions.col("mean_area").cast("string")).write().mode("append")
                .parquet(tmp.resolve("mixed-types").toString());
        Files.writeString(tmp.resolve("output-is-a-file"), "not a directory");
        Files.writeString(tmp.resolve("validate-corrupt.yaml"), "model: " + CliHarness.model("breast_cancer_logreg")
                + "\ninput: {path: " + tmp.resolve("corrupt-file") + "}\noutput: {path: " + tmp.resolve("v") + "}\n"
                + "features: [" + CliHarness.BREAST_CANCER_FEATURES + "]\n");
        Files.writeString(tmp.resolve("validate-output-file.yaml"), "model: " + CliHarness.model("wine_mlp")
                + "\ninput: {path: " + CliHarness.data("wine") + "}\noutput: {path: " + tmp.resolve("output-is-a-file")
                + "}\n");
        Files.writeString(tmp.resolve("unknown-key.yaml"), "model: m.onnx\ninput:\n  path: in\n  pth: x\n");
        Files.writeString(tmp.resolve("bad-value.yaml"), "model: " + CliHarness.model("wine_mlp")
                + "\ninput: {path: " + CliHarness.data("wine") + "}\noutput: {path: " + tmp.resolve("o") + "}\n"
                + "inference: {batch-size: -5}\n");
    }

    static Stream<Arguments> badInputs() {
        String cancer = CliHarness.data("breast_cancer");
        String logreg = CliHarness.model("breast_cancer_logreg");
        String features = CliHarness.BREAST_CANCER_FEATURES;
        return Stream.of(
                Arguments.of("missing column", 2, "Column 'mean_radiuz' not found in the input",
                        score(logreg, cancer, "--input-columns", features.replace("mean_radius", "mean_radiuz"))),
                Arguments.of("column of the wrong type", 2, "Column 'mean_area' is double but model input 'input'"
                        + " float[N,30] takes float", score(logreg, tmp.resolve("double-column").toString(),
                        "--input-columns", features)),
                Arguments.of("array of the wrong length", 2, "Column 'features' has an array of length 12 but"
                        + " model input 'features' needs 13 values per row in a row of input (id=7",
                        score(CliHarness.model("wine_mlp"), tmp.resolve("short-array").toString())),
                Arguments.of("too few feature columns", 2, "expects 30 feature columns, but 2 were given",
                        score(logreg, cancer, "--input-columns", "mean_radius,mean_area")),
                Arguments.of("missing model", 2, "not found: check the path",
                        score(tmp.resolve("nope.onnx").toString(), cancer, "--input-columns", features)),
                Arguments.of("corrupt model", 2, "Cannot load model " + tmp.resolve("corrupt.onnx"),
                        score(tmp.resolve("corrupt.onnx").toString(), cancer, "--input-columns", features)),
                Arguments.of("input with no rows", 2, "has no rows: nothing to score",
                        score(logreg, tmp.resolve("no-rows").toString(), "--input-columns", features)),
                Arguments.of("input with no files", 2, "holds no Parquet data files",
                        score(logreg, tmp.resolve("no-files").toString(), "--input-columns", features)),
                Arguments.of("input not there yet", 3, "does not exist (yet)",
                        score(logreg, tmp.resolve("later").toString(), "--input-columns", features)),
                Arguments.of("unknown job-file key", 2, "Unknown key 'input.pth' in job file",
                        List.of("run", tmp.resolve("unknown-key.yaml").toString())),
                Arguments.of("unknown --set key", 2, "Unknown key 'inference.batchsize' in --set",
                        List.of("run", tmp.resolve("bad-value.yaml").toString(), "--set", "inference.batchsize=3")),
                Arguments.of("invalid value", 2, "Invalid inference.batch-size: -5 (must be an integer >= 1)",
                        List.of("run", tmp.resolve("bad-value.yaml").toString())),
                Arguments.of("invalid --conf", 2, "Invalid --conf 'master=local': expected spark.KEY=VALUE",
                        score(logreg, cancer, "--conf", "master=local")),
                Arguments.of("unknown model output", 2, "the model has no output 'score'",
                        score(logreg, cancer, "--input-columns", features, "--outputs", "score")),
                Arguments.of("corrupt Parquet file", 2, tmp.resolve("corrupt-file/part-0.parquet").toString(),
                        score(logreg, tmp.resolve("corrupt-file").toString(), "--input-columns", features)),
                Arguments.of("truncated Parquet file", 2, tmp.resolve("truncated-file/part-0.parquet").toString(),
                        score(logreg, tmp.resolve("truncated-file").toString(), "--input-columns", features)),
                Arguments.of("zero-byte Parquet file", 2, tmp.resolve("empty-file/part-0.parquet").toString(),
                        score(logreg, tmp.resolve("empty-file").toString(), "--input-columns", features)),
                Arguments.of("a file that is not Parquet", 2, tmp.resolve("not-parquet/notes.csv").toString(),
                        score(logreg, tmp.resolve("not-parquet").toString(), "--input-columns", features)),
                Arguments.of("files whose column types differ", 2, "mean_area",
                        score(logreg, tmp.resolve("mixed-types").toString(), "--input-columns", features)),
                Arguments.of("a batch size no executor heap holds", 2, "Invalid inference.batch-size: 1000000000"
                        + " (a batch of 1000000000 rows is 111.8 GiB of input tensors, 120 bytes a row",
                        score(logreg, cancer, "--input-columns", features, "--batch-size", "1000000000")),
                Arguments.of("validate: a corrupt Parquet file", 2, tmp.resolve("corrupt-file/part-0.parquet")
                        .toString(), List.of("validate", tmp.resolve("validate-corrupt.yaml").toString())),
                Arguments.of("validate: output path is a regular file", 2, "is a file, not a directory",
                        List.of("validate", tmp.resolve("validate-output-file.yaml").toString())),
                Arguments.of("output path is a regular file", 2, "Invalid output.path: "
                        + tmp.resolve("output-is-a-file") + " is a file, not a directory",
                        List.of("score", "--model", logreg, "--input", cancer, "--input-columns", features,
                                "--output", tmp.resolve("output-is-a-file").toString())));
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static List<String> score(String model, String input, String... more) {
        List<String> args = new ArrayList<>(List.of("score", "--model", model, "--input", input,
                "--output", tmp.resolve("out-" + System.nanoTime()).toString()));
        args.addAll(List.of(more));
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGetsOneLineNamingTheProblemItsExitCodeAndNoOutput(String what, int exitCode, String message,
                                                                   List<String> args) throws Exception {
        CliHarness.Outcome outcome = CliHarness.run(args.toArray(String[]::new));

        assertThat(outcome.exitCode()).as(outcome.err()).isEqualTo(exitCode);
        assertThat(outcome.err().lines()).as(outcome.err()).hasSize(1);
        assertThat(outcome.err()).startsWith("coldpath: ").contains(message);
        int out = args.indexOf("--output");
        if (out >= 0) {
            Path output = Path.of(args.get(out + 1));
            try (Stream<Path> files = Files.exists(output) ? Files.walk(output) : Stream.empty()) {
                assertThat(files.filter(p -> p.toString().endsWith(".parquet"))).as("committed output").isEmpty();
            }
        }
    }
}
