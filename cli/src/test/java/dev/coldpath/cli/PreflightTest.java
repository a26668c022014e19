package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.testing.TextModels;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The preflight runs before Spark: each command runs in a JVM of the test class path apart from the test JVM (no
 * Spark session shared with other tests), whose class-loading log must show that no SparkSession or SparkContext
 * was ever loaded, so no Spark start-up delays the answer.
 */
class PreflightTest {
    private static final String FEATURES = CliHarness.BREAST_CANCER_FEATURES;

    @TempDir
    static Path tmp;
    /** The JVM the commands run in, one at a time ({@link #coldpath}). */
    private static CommandJvm jvm;

    /** One command: its exit code, stdout, stderr and the classes its JVM had loaded by its end. */
    record Child(int exitCode, String out, String err, String classes) {
        boolean startedSpark() {
            return classes.contains("org.apache.spark.sql.SparkSession$ ")
                    || classes.contains("org.apache.spark.SparkContext ");
        }
    }

    @BeforeAll
    static void writeJobs() throws IOException {
        Files.writeString(tmp.resolve("a-file"), "not a directory");
        job("missing-model.yaml", tmp.resolve("nope.onnx").toString(), CliHarness.data("breast_cancer"),
                tmp.resolve("t1").toString(), FEATURES);
        job("wrong-column.yaml", CliHarness.model("breast_cancer_logreg"), CliHarness.data("breast_cancer"),
                tmp.resolve("t2").toString(), FEATURES.replace("mean_radius", "mean_radiuz"));
        job("missing-input.yaml", CliHarness.model("breast_cancer_logreg"), tmp.resolve("later").toString(),
                tmp.resolve("t3").toString(), FEATURES);
        job("output-is-a-file.yaml", CliHarness.model("breast_cancer_logreg"), CliHarness.data("breast_cancer"),
                tmp.resolve("a-file").toString(), FEATURES);
        job("output-under-a-file.yaml", CliHarness.model("breast_cancer_logreg"), CliHarness.data("breast_cancer"),
                tmp.resolve("a-file/table").toString(), FEATURES);
    }

    private static void job(String name, String model, String input, String output, String features)
            throws IOException {
        Files.writeString(tmp.resolve(name), "model: " + model + "\ninput: {path: " + input + "}\noutput: {path: "
                + output + "}\nfeatures: [" + features + "]\nspark: {master: \"local[2]\"}\n");
    }

    static Stream<Arguments> sampleJobs() throws IOException {
        try (Stream<Path> files = Files.list(CliHarness.projectDir().resolve("conf/examples"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted()
                    .map(f -> Arguments.of(CliHarness.projectDir().relativize(f).toString())).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleJobs")
    void validateChecksASampleJobWithoutStartingSpark(String job) throws Exception {
        // The text examples' model folders are built, not committed (sample-data/README.md, "Text models"), by a
        // module that may build while these tests run: validate the job on the same folder, extracted here.
        Path file = CliHarness.projectDir().resolve(job);
        String model = Files.readAllLines(file).stream()
                .filter(line -> line.startsWith("model: ")).findFirst().orElseThrow().substring(7)
                .replaceFirst("\\s+#.*", "").strip();
        if (model.startsWith("sample-data/target/text-models/")) {
            String folder = TextModels.folder(Path.of(model).getFileName().toString()).toString();
            Path copy = tmp.resolve("extracted-" + file.getFileName());
            Files.writeString(copy, Files.readString(file).replace("model: " + model, "model: " + folder));
            job = copy.toString();
        }
        Child child = coldpath("validate", job);

        assertThat(child.exitCode()).as(child.err()).isZero();
        assertThat(child.out()).contains("is valid").contains("feeds     ").contains("writes    ");
        assertThat(child.startedSpark()).as("Spark classes loaded").isFalse();
    }

    static Stream<Arguments> problems() {
        String missingModel = tmp.resolve("nope.onnx") + " not found: check the path";
        String wrongColumn = "Column 'mean_radiuz' not found in the input";
        String isAFile = "Invalid output.path: " + tmp.resolve("a-file") + " is a file, not a directory";
        List<Arguments> all = new ArrayList<>();
        for (String command : List.of("validate", "run")) {
            all.add(Arguments.of(command, "missing-model.yaml", 2, missingModel));
            all.add(Arguments.of(command, "wrong-column.yaml", 2, wrongColumn));
            all.add(Arguments.of(command, "output-is-a-file.yaml", 2, isAFile));
            all.add(Arguments.of(command, "output-under-a-file.yaml", 2, "is under " + tmp.resolve("a-file")
                    + ", which is a file, not a directory"));
            // exit 3, as documented: an input that has not landed yet is one a scheduler may wait for
            all.add(Arguments.of(command, "missing-input.yaml", 3, "Input " + tmp.resolve("later")
                    + " does not exist (yet)"));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("problems")
    void aProblemTheFootersOrTheModelShowIsReportedBeforeSparkStarts(String command, String job, int exitCode,
                                                                     String message) throws Exception {
        Child child = coldpath(command, tmp.resolve(job).toString());

        assertThat(child.exitCode()).as(child.err()).isEqualTo(exitCode);
        assertThat(child.err().lines()).as(child.err()).hasSize(1);
        assertThat(child.err()).startsWith("coldpath: ").contains(message);
        assertThat(child.startedSpark()).as("Spark classes loaded").isFalse();
    }

    @Test
    void scoreReportsAWrongColumnBeforeSparkStarts() throws Exception {
        Child child = coldpath("score", "--model", CliHarness.model("breast_cancer_logreg"), "--input",
                CliHarness.data("breast_cancer"), "--output", tmp.resolve("t4").toString(), "--input-columns",
                FEATURES.replace("worst_area", "worst_aera"), "--master", "local[2]");

        assertThat(child.exitCode()).as(child.err()).isEqualTo(2);
        assertThat(child.err()).startsWith("coldpath: ").contains("Column 'worst_aera' not found in the input");
        assertThat(child.startedSpark()).isFalse();
    }

    /**
     * An incremental Iceberg table input, in a catalog the job's spark.sql.catalog keys configure: validate plans the
     * model against the table's schema through Iceberg's API, and starts no Spark.
     */
    @Test
    void validatePlansAnIcebergTableInputAgainstItsSchemaWithoutStartingSpark() throws Exception {
        String lake = tmp.resolve("lake").toUri().toString();
        SparkSession spark = CliHarness.spark();
        spark.conf().set("spark.sql.catalog.preflight_lake", "org.apache.iceberg.spark.SparkCatalog");
        spark.conf().set("spark.sql.catalog.preflight_lake.type", "hadoop");
        spark.conf().set("spark.sql.catalog.preflight_lake.warehouse", lake);
        spark.sql("CREATE NAMESPACE IF NOT EXISTS preflight_lake.events");
        spark.read().parquet(CliHarness.data("wine")).writeTo("preflight_lake.events.wine").using("iceberg").create();
        Path job = tmp.resolve("iceberg-input.yaml");
        Files.writeString(job, String.join("\n",
                "model: " + CliHarness.model("wine_mlp"),
                "input: {table: preflight_lake.events.wine, incremental: true}",
                "output: {format: iceberg, table: preflight_lake.scores.wine, mode: append}",
                "spark.sql.catalog.preflight_lake: org.apache.iceberg.spark.SparkCatalog",
                "spark.sql.catalog.preflight_lake.type: hadoop",
                "spark.sql.catalog.preflight_lake.warehouse: '" + lake + "'",
                ""));

        Child child = coldpath("validate", job.toString());

        assertThat(child.exitCode()).as(child.err()).isZero();
        assertThat(child.out()).contains("is valid", "input     preflight_lake.events.wine (", "feeds     features ",
                "writes    probabilities ");
        assertThat(child.startedSpark()).as("Spark classes loaded").isFalse();
    }

    /**
     * Runs {@code coldpath args} in a JVM of its own on this test's class path, in the project directory: the
     * commands of this class take turns in one such JVM ({@link CommandLoop}), which is replaced by a new one after a
     * command that loaded Spark's classes, so each command starts in a JVM that has loaded none. A JVM start per
     * command cost 16 starts (about 2 s each, 34 s of the class's 35 s on a quiet machine).
     */
    private static synchronized Child coldpath(String... args) throws IOException, InterruptedException {
        if (jvm != null && (!jvm.process.isAlive() || jvm.startedSpark())) {
            jvm.process.destroyForcibly().waitFor();
            jvm = null;
        }
        if (jvm == null) {
            jvm = new CommandJvm(Files.createTempDirectory(tmp, "child"));
        }
        return jvm.run(args);
    }

    /** The JVM ends with its last command: whatever its shutdown prints would have been a command's output too. */
    @AfterAll
    static void stopTheJvm() throws Exception {
        if (jvm == null) {
            return;
        }
        CommandJvm last = jvm;
        jvm = null;
        long out = Files.size(last.out);
        long err = Files.size(last.err);
        last.stdin.close();
        if (!last.process.waitFor(60, TimeUnit.SECONDS)) {
            last.process.destroyForcibly().waitFor();
            throw new AssertionError("the commands' JVM did not exit within 60 s of its stdin's end");
        }
        assertThat(last.process.exitValue()).as("the commands' JVM's exit code").isZero();
        assertThat(last.read(last.err, err)).as("stderr of the JVM's shutdown").isEmpty();
        assertThat(last.read(last.out, out)).as("stdout of the JVM's shutdown").isEmpty();
    }


    /**
     * A {@link CommandLoop} JVM with its class-loading log, stdout and stderr in files: a command's output is what
     * the files grew by while it ran.
     */
    private static final class CommandJvm {
        final Path classes;
        final Path out;
        final Path err;
        final Path done;
        final Process process;
        final Writer stdin;
        int commands;

        CommandJvm(Path dir) throws IOException {
            classes = dir.resolve("classes.txt");
            out = dir.resolve("out");
            err = dir.resolve("err");
            done = dir.resolve("done");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xlog:class+load=info:file=" + classes, "-Dlog4j2.configurationFile="
                    + CliHarness.projectDir().resolve("conf/log4j2-test.properties"),
                    "-Dcoldpath.test.log.dir=" + dir, CommandLoop.class.getName(), done.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(CliHarness.projectDir().toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("CLASSPATH", System.getProperty("java.class.path")); // no long command line
            process = builder.start();
            stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        Child run(String... args) throws IOException, InterruptedException {
            long outAt = Files.size(out);
            long errAt = Files.size(err);
            stdin.write(String.join("\0", args) + "\n");
            stdin.flush();
            int number = ++commands;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String exit = null;
            while (exit == null) {
                if (Files.exists(done)) {
                    exit = Files.readAllLines(done).stream().filter(l -> l.startsWith(number + " ")).findFirst()
                            .map(l -> l.substring(l.indexOf(' ') + 1)).orElse(null);
                }
                if (exit == null) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new AssertionError("coldpath " + String.join(" ", args) + (process.isAlive()
                                ? " did not finish in 120 s" : ": its JVM exited") + "\n--- stdout\n"
                                + read(out, outAt) + "\n--- stderr\n" + read(err, errAt));
                    }
                    Thread.sleep(20);
                }
            }
            return new Child(Integer.parseInt(exit), read(out, outAt), read(err, errAt), Files.readString(classes));
        }

        boolean startedSpark() throws IOException {
            return new Child(0, "", "", Files.readString(classes)).startedSpark();
        }

        String read(Path file, long from) throws IOException {
            byte[] all = Files.readAllBytes(file);
            return new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
        }
    }
}
