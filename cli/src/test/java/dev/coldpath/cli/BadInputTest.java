package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.table.CurrentPointer;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.testing.TestGraphs;
import dev.coldpath.core.testing.TextModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each kind of bad input, against a table that already has a committed current run: its exit code, exactly one
 * {@code coldpath:} line on stderr that names the culprit, no stack trace, and the table untouched (its pointer and
 * every file of it byte for byte). Which component reports the problem (preflight or the run) is not asserted.
 */
class BadInputTest {
    @TempDir
    static Path tmp;
    /** The shared table, with the committed current run "base" of the breast-cancer model. */
    private static Path table;
    private static Map<String, String> tableBefore;

    @BeforeAll
    static void writeBadInputs() throws Exception {
        table = tmp.resolve("table");
        CliHarness.Outcome base = CliHarness.run("score", "--model", CliHarness.model("breast_cancer_logreg"),
                "--input", CliHarness.data("breast_cancer"), "--input-columns", CliHarness.BREAST_CANCER_FEATURES,
                "--output", table.toString(), "--run-id", "base");
        assertThat(base.exitCode()).as("the table's first run:%n%s", base.err()).isZero();
        tableBefore = snapshot(table);
        assertThat(tableBefore.keySet()).as("the table's files").anyMatch(f -> f.startsWith("_coldpath/"))
                .anyMatch(f -> f.startsWith("run=base@") && f.endsWith(".parquet"));

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
                + "\ninput: {path: " + tmp.resolve("corrupt-file") + "}\noutput: {path: " + table + "}\n"
                + "features: [" + CliHarness.BREAST_CANCER_FEATURES + "]\n");
        Files.writeString(tmp.resolve("validate-output-file.yaml"), "model: " + CliHarness.model("wine_mlp")
                + "\ninput: {path: " + CliHarness.data("wine") + "}\noutput: {path: " + tmp.resolve("output-is-a-file")
                + "}\n");
        Files.writeString(tmp.resolve("unknown-key.yaml"), "model: m.onnx\ninput:\n  path: in\n  pth: x\n");
        Files.writeString(tmp.resolve("bad-value.yaml"), "model: " + CliHarness.model("wine_mlp")
                + "\ninput: {path: " + CliHarness.data("wine") + "}\noutput: {path: " + table + "}\n"
                + "inference: {batch-size: -5}\n");

        // Job files that differ from a good breast-cancer job in one place
        job("broken-yaml", "model: [" + CliHarness.model("breast_cancer_logreg") + "\ninput: {path: x}\n");
        job("misspelled-key", cancerJob().replace("model:", "modle:"));
        job("list-for-a-number", cancerJob() + "inference: {batch-size: [1, 2]}\n");
        job("map-for-a-list", cancerJob().replace("features: [", "output.keep-columns: {id: 1}\nfeatures: ["));
        job("features-missing-column", cancerJob().replace("mean_texture", "mean_textur"));
        job("features-unknown-input", cancerJob() + "features.nosuch: [mean_radius]\n");
        job("bad-files-value", cancerJob() + "input.bad-files: ignore\n");
        spark.read().parquet(CliHarness.data("breast_cancer"))
                .withColumn("mean_area", functions.when(functions.col("id").equalTo(7), functions.lit(null))
                        .otherwise(functions.col("mean_area")))
                .write().parquet(tmp.resolve("null-feature").toString());
        spark.read().parquet(CliHarness.data("breast_cancer"))
                .withColumn("worst_symmetry", functions.when(functions.col("id").equalTo(300),
                        functions.lit(Float.NaN)).otherwise(functions.col("worst_symmetry")))
                .write().parquet(tmp.resolve("nan-feature").toString());
        write(tmp.resolve("notes.csv"), "id,comment\n1,looks fine\n".getBytes(StandardCharsets.UTF_8));
        write(tmp.resolve("only-markers/_SUCCESS"), new byte[0]);
        write(tmp.resolve("only-markers/.part-0.parquet.crc"), new byte[] {1, 2, 3});
        write(tmp.resolve("only-bad-files/part-0.parquet"), new byte[0]);
        write(tmp.resolve("only-bad-files/part-1.parquet"), corrupt);
        Files.createDirectories(tmp.resolve("model-dir.onnx"));
        cancer.withColumn("mean_area", functions.col("mean_area").cast("string"))
                .write().parquet(tmp.resolve("string-column").toString());
        spark.createDataFrame(List.of(RowFactory.create(1L, "A short text."), RowFactory.create(2L, "Another one.")),
                new StructType().add("id", DataTypes.LongType).add("body", DataTypes.StringType))
                .write().parquet(tmp.resolve("texts").toString());
        write(tmp.resolve("text-model-no-tokenizer/model.onnx"), TestGraphs.tokenLengthClassifier());
        write(tmp.resolve("text-classifier/model.onnx"), TestGraphs.tokenLengthClassifier());
        write(tmp.resolve("text-classifier/tokenizer.json"), TextModels.tokenizerJson(TextModels.MINILM));
        CliHarness.Outcome registered = CliHarness.run("models", "register", CliHarness.model("wine_mlp"),
                "--name", "wine", "--version", "1.0.0", "--registry", tmp.resolve("registry").toString());
        assertThat(registered.exitCode()).as(registered.err()).isZero();
    }

    /** A good breast-cancer job file's text, into the shared table. */
    private static String cancerJob() {
        return "model: " + CliHarness.model("breast_cancer_logreg") + "\ninput: {path: "
                + CliHarness.data("breast_cancer") + "}\noutput: {path: " + table + "}\nfeatures: ["
                + CliHarness.BREAST_CANCER_FEATURES + "]\n";
    }

    private static void job(String name, String text) throws IOException {
        Files.writeString(tmp.resolve(name + ".yaml"), text);
    }

    private static List<String> run(String job, String... more) {
        List<String> args = new ArrayList<>(List.of("run", tmp.resolve(job + ".yaml").toString()));
        args.addAll(List.of(more));
        return args;
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
                Arguments.of("truncated Parquet file", 2, tmp.resolve("truncated-file/part-0.parquet")
                        + ": truncated or corrupt: its footer claims",
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
                                "--output", tmp.resolve("output-is-a-file").toString())),
                Arguments.of("output path under a regular file", 2, tmp.resolve("output-is-a-file").toString(),
                        List.of("score", "--model", logreg, "--input", cancer, "--input-columns", features,
                                "--output", tmp.resolve("output-is-a-file/table").toString())),
                Arguments.of("job file not found", 2, tmp.resolve("nope.yaml").toString(), run("nope")),
                Arguments.of("job file that is not YAML", 2, "broken-yaml.yaml", run("broken-yaml")),
                Arguments.of("misspelled top-level key, with a suggestion", 2, "Unknown key 'modle' in job file "
                        + tmp.resolve("misspelled-key.yaml") + ": did you mean model?",
                        run("misspelled-key")),
                Arguments.of("a list for a number", 2, "Invalid inference.batch-size: [1, 2]",
                        run("list-for-a-number")),
                Arguments.of("a mapping for a list of names", 2, "output.keep-columns", run("map-for-a-list")),
                Arguments.of("job file features naming a missing column", 2, "'mean_textur'",
                        run("features-missing-column")),
                Arguments.of("features for an input the model does not have", 2, "nosuch",
                        run("features-unknown-input")),
                Arguments.of("--threads 0", 2, "Invalid inference.threads: 0 (must be an integer >= 1)",
                        score(logreg, cancer, "--input-columns", features, "--threads", "0")),
                Arguments.of("--threads -1", 2, "Invalid inference.threads: -1",
                        score(logreg, cancer, "--input-columns", features, "--threads", "-1")),
                Arguments.of("--batch-size 0", 2, "Invalid inference.batch-size: 0",
                        score(logreg, cancer, "--input-columns", features, "--batch-size", "0")),
                Arguments.of("unknown model version in the registry", 2, "9.9.9",
                        score("wine@9.9.9", CliHarness.data("wine"), "--registry", tmp.resolve("registry")
                                .toString())),
                Arguments.of("unknown model name in the registry", 2, "nosuch",
                        score("nosuch@latest", CliHarness.data("wine"), "--registry", tmp.resolve("registry")
                                .toString())),
                Arguments.of("a null feature with bad-rows.policy fail", 2, "Column 'mean_area' is null",
                        score(logreg, tmp.resolve("null-feature").toString(), "--input-columns", features)),
                Arguments.of("a NaN feature with bad-rows.policy fail", 2, "Column 'worst_symmetry' is NaN",
                        score(logreg, tmp.resolve("nan-feature").toString(), "--input-columns", features)),
                Arguments.of("input path is a file that is not Parquet", 2, tmp.resolve("notes.csv").toString(),
                        score(logreg, tmp.resolve("notes.csv").toString(), "--input-columns", features)),
                Arguments.of("input folder with only markers and hidden files", 2, "holds no Parquet data files",
                        score(logreg, tmp.resolve("only-markers").toString(), "--input-columns", features)),
                Arguments.of("input.bad-files skip, and every file is bad", 2, "holds no readable Parquet file",
                        score(logreg, tmp.resolve("only-bad-files").toString(), "--input-columns", features,
                                "--set", "input.bad-files=skip")),
                Arguments.of("invalid input.bad-files", 2, "Invalid input.bad-files: ignore",
                        run("bad-files-value")),
                Arguments.of("invalid --date", 2, "2026-13-45",
                        score(logreg, cancer, "--input-columns", features, "--date", "2026-13-45")),
                Arguments.of("--hour without --date", 2, "run.hour",
                        score(logreg, cancer, "--input-columns", features, "--hour", "7")),
                Arguments.of("invalid --run-id", 2, "a/b",
                        score(logreg, cancer, "--input-columns", features, "--run-id", "a/b")),
                Arguments.of("model path is a directory", 2, tmp.resolve("model-dir.onnx") + " is a directory",
                        score(tmp.resolve("model-dir.onnx").toString(), cancer, "--input-columns", features)),
                Arguments.of("a string column fed to a numeric input", 2, "Column 'mean_area' is string but model"
                        + " input 'input' float[N,30] takes float: coldpath does not parse text into numbers",
                        score(logreg, tmp.resolve("string-column").toString(), "--input-columns", features)),
                Arguments.of("a text model folder without tokenizer.json", 2, tmp.resolve("text-model-no-tokenizer")
                        + " has no tokenizer.json: a text model (text.column) reads its tokenizer from tokenizer.json"
                        + " beside the model",
                        score(tmp.resolve("text-model-no-tokenizer").toString(), tmp.resolve("texts").toString(),
                                "--text-column", "body")),
                Arguments.of("pooling asked of a text model without a sequence output", 2, "text.pooling: mean needs"
                        + " a sequence output float[N,L,H]", score(tmp.resolve("text-classifier").toString(),
                        tmp.resolve("texts").toString(), "--text-column", "body", "--pooling", "mean")),
                Arguments.of("model file that is not ONNX", 2, "Cannot load model " + cancer,
                        score(cancer, cancer, "--input-columns", features)),
                Arguments.of("keep column not in the input", 2, "nosuch",
                        score(logreg, cancer, "--input-columns", features, "--keep-columns", "id,nosuch")),
                Arguments.of("--input-column naming a scalar column", 2, "mean_area",
                        score(logreg, cancer, "--input-column", "mean_area")),
                Arguments.of("invalid bad-rows.max-fraction", 2, "Invalid bad-rows.max-fraction: 2",
                        score(logreg, cancer, "--input-columns", features, "--set", "bad-rows.max-fraction=2")),
                Arguments.of("invalid budget.max-wall-time", 2, "Invalid budget.max-wall-time: soon",
                        score(logreg, cancer, "--input-columns", features, "--set", "budget.max-wall-time=soon")),
                Arguments.of("--from after --to", 2, "2026-11-05",
                        score(logreg, cancer, "--input-columns", features, "--from", "2026-11-05", "--to",
                                "2026-11-01")));
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static List<String> score(String model, String input, String... more) {
        List<String> args = new ArrayList<>(List.of("score", "--model", model, "--input", input,
                "--output", table.toString()));
        args.addAll(List.of(more));
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGetsOneLineNamingTheCulpritItsExitCodeNoStackTraceAndLeavesTheTableAlone(String what,
            int exitCode, String culprit, List<String> args) throws Exception {
        CliHarness.Outcome outcome = CliHarness.run(args.toArray(String[]::new));

        assertThat(outcome.exitCode()).as(outcome.err()).isEqualTo(exitCode);
        assertThat(outcome.err().lines()).as(outcome.err()).singleElement().asString().startsWith("coldpath: ")
                .contains(culprit);
        assertThat(outcome.out() + outcome.err()).as("no stack trace").doesNotContain("\tat ")
                .doesNotContain("Exception in thread");
        assertThat(snapshot(table)).as("the table's files after the bad run").isEqualTo(tableBefore);
        assertThat(new RunTable(new HadoopFileStore(new Configuration()), table.toUri().toString()).current()
                .map(CurrentPointer::runId)).as("the table's current run").contains("base");
    }

    /** Every file under {@code root}, by relative path, with its sha256. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), ModelArtifact.sha256(Files.readAllBytes(file)));
            }
        }
        return files;
    }
}
