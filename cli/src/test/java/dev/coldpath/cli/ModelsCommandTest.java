package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.testing.ExternalDataModels;
import dev.coldpath.spark.ModelFolders;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code coldpath models register|list|show} in-process, on a registry in a temporary directory. No Spark. */
class ModelsCommandTest {
    @TempDir
    Path tmp;

    private String registry;

    /** What one command line printed and returned. */
    private record Outcome(int exitCode, String out, String err) {
    }

    @BeforeEach
    void registryDir() {
        registry = tmp.resolve("registry").toString();
    }

    private Outcome models(String... args) {
        List<String> all = new ArrayList<>(List.of("models"));
        all.addAll(List.of(args));
        if (args.length > 0 && !args[0].startsWith("-")) {
            all.addAll(List.of("--registry", registry));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Coldpath.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Outcome(code, out.toString(), err.toString());
    }

    private static String sample(String name) {
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("sample-data/models"))) {
                return p.resolve("sample-data/models/" + name + ".onnx").toString();
            }
        }
        throw new IllegalStateException("no sample-data/models above " + System.getProperty("user.dir"));
    }

    private static String sha256(String file) throws IOException {
        return ModelArtifact.sha256(Files.readAllBytes(Path.of(file)));
    }

    private Outcome register(String file, String name, String version, String... more) {
        List<String> args = new ArrayList<>(List.of("register", file, "--name", name, "--version", version));
        args.addAll(List.of(more));
        return models(args.toArray(String[]::new));
    }

    private static Outcome coldpath(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Coldpath.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void inspectTakesARegistryReferenceAsAJobsModelKeyDoes() throws IOException {
        String wine = sample("wine_mlp");
        register(wine, "wine", "1.0.0");
        register(sample("breast_cancer_logreg"), "wine", "0.9.0");

        Outcome exact = coldpath("inspect", "wine@1.0.0", "--registry", registry);
        Outcome latest = coldpath("inspect", "wine@latest", "--registry", registry);
        Outcome older = coldpath("inspect", "wine@0.9.0", "--registry", registry);
        Outcome unknown = coldpath("inspect", "wine@2.0.0", "--registry", registry);

        assertThat(exact.exitCode()).as(exact.err()).isZero();
        assertThat(exact.out()).contains("version   wine@1.0.0")
                .contains("model     file:" + tmp.resolve("registry/wine/1.0.0/model.onnx"))
                .contains("sha256    " + sha256(wine)).contains("  features  float[N,13]");
        assertThat(latest.out()).contains("version   wine@1.0.0");
        assertThat(older.out()).contains("version   wine@0.9.0").contains("  input  float[N,30]");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("coldpath: ").contains("wine").contains("2.0.0")
                .doesNotContain("check the path");
    }

    @Test
    void aModelWithExternalDataIsRegisteredAsAFolderAndInspectedWithItsDataFile() throws IOException {
        Path onnx = ExternalDataModels.externalize(Files.readAllBytes(Path.of(sample("wine_mlp"))),
                tmp.resolve("export/model.onnx"), "model.onnx_data");
        String sha256 = LocalModel.of(onnx).sha256();

        Outcome registered = register(onnx.toString(), "wine", "2.0.0");
        Outcome file = coldpath("inspect", onnx.toString());
        Outcome version = coldpath("inspect", "wine@2.0.0", "--registry", registry);
        Files.write(tmp.resolve("registry/wine/2.0.0/model.onnx_data"), new byte[] {1, 2, 3});
        Outcome tampered = coldpath("inspect", "wine@2.0.0", "--registry", registry);

        assertThat(registered.exitCode()).as(registered.err()).isZero();
        assertThat(registered.out()).contains("registered wine@2.0.0 sha256 " + sha256);
        assertThat(tmp.resolve("registry/wine/2.0.0/model.json")).content().contains("\"data_files\" : [ \"model.onnx_data\" ]");
        for (Outcome o : List.of(file, version)) {
            assertThat(o.exitCode()).as(o.err()).isZero();
            assertThat(o.out()).contains("sha256    " + sha256).contains("  features  float[N,13]")
                    .contains("data      model.onnx_data (external data beside the model, in its sha256)");
        }
        assertThat(tampered.exitCode()).isEqualTo(2);
        assertThat(tampered.err()).startsWith("coldpath: Model ").contains("but the job expects " + sha256);
    }

    @Test
    void anMlflowModelAndATritonRepositoryAreInspectedAndRegisteredWithTheirLineage() {
        Path mlflow = ModelFolders.mlflow(tmp.resolve("mlflow"));
        Path triton = ModelFolders.triton(tmp.resolve("triton"), "13");
        Path wrong = ModelFolders.triton(tmp.resolve("triton-wrong"), "30");

        Outcome inspectMlflow = coldpath("inspect", mlflow.toString());
        Outcome inspectTriton = coldpath("inspect", triton.toString());
        Outcome inspectWrong = coldpath("inspect", wrong.toString());
        Outcome registered = register(mlflow.toString(), "wine", "3.0.0");
        Outcome registeredTriton = register(triton.toString(), "wine", "3.1.0");
        Outcome show = models("show", "wine@3.0.0");

        assertThat(inspectMlflow.exitCode()).as(inspectMlflow.err()).isZero();
        assertThat(inspectMlflow.out()).contains("source    mlflow " + mlflow)
                .contains("  mlflow.run_id = " + ModelFolders.RUN_ID).contains("  features  float[N,13]");
        assertThat(inspectTriton.out()).contains("model     " + triton.resolve("3/model.onnx"))
                .contains("source    triton " + triton + ", batch size 8, 2 inputs and outputs declared in")
                .contains("  triton.version = 3");
        assertThat(inspectWrong.exitCode()).isEqualTo(2);
        assertThat(inspectWrong.err().lines()).hasSize(1);
        assertThat(inspectWrong.err()).startsWith("coldpath: ")
                .contains("declares input 'features' as float[-1,30] but model");
        assertThat(registered.exitCode()).as(registered.err()).isZero();
        assertThat(registeredTriton.exitCode()).as(registeredTriton.err()).isZero();
        assertThat(show.out()).contains("mlflow.run_id").contains(ModelFolders.RUN_ID);
    }

    @Test
    void inspectOfAMissingFileSaysHowARegisteredModelIsNamed() {
        Outcome missing = coldpath("inspect", tmp.resolve("nope.onnx").toString());

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).startsWith("coldpath: Model " + tmp.resolve("nope.onnx") + " not found: check the"
                + " path (a registered model is named NAME@VERSION or NAME@latest)");
    }

    @Test
    void registerThenListAndShowPrintTheVersionWithAllItsMetadata() throws IOException {
        String logreg = sample("breast_cancer_logreg");

        Outcome registered = register(logreg, "churn", "1.4.0", "--description", "Churn classifier, weekly",
                "--training-date", "2026-11-27", "--dataset-hash", "sha256:9f2c", "--param", "C=0.5",
                "--param", "max_iter=200");
        Outcome list = models("list");
        Outcome show = models("show", "churn@1.4.0");

        String modelPath = "file:" + tmp.resolve("registry/churn/1.4.0/model.onnx");
        assertThat(registered.exitCode()).as(registered.err()).isZero();
        assertThat(registered.out()).isEqualTo("registered churn@1.4.0 sha256 " + sha256(logreg) + " at "
                + modelPath + "\n");
        assertThat(list.out().lines()).hasSize(2);
        assertThat(list.out().lines().toList().get(1)).matches("churn +1\\.4\\.0 +" + sha256(logreg).substring(0, 12)
                + " +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +Churn classifier, weekly");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out().lines()).contains(
                "model          churn@1.4.0",
                "sha256         " + sha256(logreg),
                "size           " + Files.size(Path.of(logreg)) + " bytes",
                "description    Churn classifier, weekly",
                "training date  2026-11-27",
                "dataset hash   sha256:9f2c",
                "producer       coldpath-sample-data 1",
                "path           " + modelPath,
                "  C = 0.5",
                "  max_iter = 200",
                "inputs",
                "  input  float[N,30]");
        assertThat(show.out()).contains("\nregistered     20").contains("\nopsets         ai.onnx ");
    }

    @Test
    void registeringTheSameFileAgainSaysAlreadyRegisteredAndSucceeds() throws IOException {
        String wine = sample("wine_mlp");
        register(wine, "wine", "0.1.0");

        Outcome again = register(wine, "wine", "0.1.0");

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).isEqualTo("already registered wine@0.1.0 sha256 " + sha256(wine)
                + " (identical bytes: nothing changed)\n");
    }

    @Test
    void showWithAGivenNameOnlyShowsTheHighestReleaseAndListSortsBySemVer() {
        register(sample("breast_cancer_logreg"), "churn", "1.9.0");
        register(sample("breast_cancer_trees"), "churn", "2.0.0-rc.1");
        register(sample("wine_mlp"), "churn", "1.10.0");

        Outcome show = models("show", "churn");
        Outcome list = models("list", "churn");

        assertThat(show.out()).startsWith("model          churn@1.10.0\n");
        assertThat(list.out().lines().map(l -> l.split(" +")[1]))
                .containsExactly("VERSION", "1.9.0", "1.10.0", "2.0.0-rc.1");
    }

    @Test
    void listColumnsAreAligned() {
        register(sample("breast_cancer_logreg"), "churn", "1.9.0", "--description", "first");
        register(sample("wine_mlp"), "wine-quality-classifier", "10.0.0-beta.1", "--description", "second");

        List<String> lines = models("list").out().lines().toList();

        assertThat(lines).hasSize(3);
        for (String column : List.of("VERSION", "SHA256", "REGISTERED", "DESCRIPTION")) {
            int at = lines.get(0).indexOf(column);
            assertThat(lines).allSatisfy(l -> assertThat(l.charAt(at - 1)).isEqualTo(' '))
                    .allSatisfy(l -> assertThat(l.charAt(at)).isNotEqualTo(' '));
        }
    }

    @Test
    void anEmptyRegistrySaysSoInsteadOfPrintingAnEmptyTable() {
        Outcome list = models("list");

        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).isEqualTo("no models in file:" + tmp.resolve("registry") + "\n");
    }

    static Stream<Arguments> refused() throws IOException {
        return Stream.of(
                Arguments.of("other bytes under a registered version", "is already registered with sha256 "
                        + sha256(sample("breast_cancer_logreg")) + ", and these bytes have sha256 "
                        + sha256(sample("wine_mlp")) + "; versions are immutable: register 1.4.1",
                        List.of("register", sample("wine_mlp"), "--name", "churn", "--version", "1.4.0")),
                Arguments.of("invalid version", "Invalid version '1.4': must be MAJOR.MINOR.PATCH",
                        List.of("register", sample("wine_mlp"), "--name", "churn", "--version", "1.4")),
                Arguments.of("invalid name", "Invalid model name 'churn/v2'",
                        List.of("register", sample("wine_mlp"), "--name", "churn/v2", "--version", "1.0.0")),
                Arguments.of("missing file", "not found: check the path",
                        List.of("register", "/nonexistent/m.onnx", "--name", "churn", "--version", "1.0.0")),
                Arguments.of("empty --param key", "Invalid --param '=3': expected KEY=VALUE",
                        List.of("register", sample("wine_mlp"), "--name", "w", "--version", "1.0.0",
                                "--param", "=3")),
                Arguments.of("unknown version", "Model churn@2.0.0 is not in the registry file:",
                        List.of("show", "churn@2.0.0")),
                Arguments.of("unknown model", "Model fraud is not in the registry file:",
                        List.of("show", "fraud")),
                Arguments.of("invalid reference", "Invalid model reference 'churn@1.x'",
                        List.of("show", "churn@1.x")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedCommandExitsTwoWithOneLineSayingWhy(String what, String message, List<String> args) {
        register(sample("breast_cancer_logreg"), "churn", "1.4.0");

        Outcome outcome = models(args.toArray(String[]::new));

        assertThat(outcome.exitCode()).as(outcome.err()).isEqualTo(2);
        assertThat(outcome.err().lines()).as(outcome.err()).hasSize(1);
        assertThat(outcome.err()).startsWith("coldpath: ").contains(message);
        assertThat(outcome.out()).isEmpty();
    }

    @Test
    void aCorruptFileIsRefusedWithExitTwoAndNothingIsRegistered() throws IOException {
        Path corrupt = Files.write(tmp.resolve("corrupt.onnx"), new byte[] {8, 7, 18, 3, 'x', 'y'});

        Outcome outcome = register(corrupt.toString(), "churn", "1.0.0");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("coldpath: Cannot register " + corrupt + " as churn@1.0.0: ");
        assertThat(outcome.err().lines()).hasSize(1);
        assertThat(models("list").out()).startsWith("no models in ");
    }

    static Stream<Arguments> everySubcommand() {
        return Stream.of(Arguments.of(List.of("list")), Arguments.of(List.of("show", "churn@1.4.0")),
                Arguments.of(List.of("register", sample("wine_mlp"), "--name", "wine", "--version", "1.0.0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySubcommand")
    void storageSettingsGivenWithConfReachTheRegistrysFileSystem(List<String> subcommand) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        List<String> args = new ArrayList<>(List.of("models"));
        args.addAll(subcommand);
        args.addAll(List.of("--registry", "s3a://models/registry",
                "--conf", "spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:" + port,
                "--conf", "spark.hadoop.fs.s3a.endpoint.region=us-east-1",
                "--conf", "spark.hadoop.fs.s3a.path.style.access=true",
                "--conf", "spark.hadoop.fs.s3a.access.key=key", "--conf", "spark.hadoop.fs.s3a.secret.key=secret",
                "--conf", "spark.hadoop.fs.s3a.attempts.maximum=1", "--conf", "spark.hadoop.fs.s3a.retry.limit=1",
                "--conf", "spark.hadoop.fs.s3a.retry.interval=50ms",
                "--conf", "spark.hadoop.fs.s3a.connection.establish.timeout=2s"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = Coldpath.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                args.toArray(String[]::new));

        assertThat(code).as(err.toString()).isEqualTo(6);
        assertThat(err.toString()).startsWith("coldpath: ").contains("http://127.0.0.1:" + port)
                .contains("cannot be reached").doesNotContain("secret");
    }

    @Test
    void confThatIsNotAHadoopSettingIsRefused() {
        Outcome outcome = models("list", "--conf", "fs.s3a.endpoint=http://127.0.0.1:9000");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).contains("Invalid --conf 'fs.s3a.endpoint=http://127.0.0.1:9000': expected"
                + " spark.hadoop.KEY=VALUE");
    }

    @Test
    void modelsWithoutASubcommandIsAUsageErrorNamingTheSubcommands() {
        Outcome outcome = models();

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).contains("Missing subcommand: register, list or show")
                .contains("try 'coldpath models --help'").doesNotContain("Usage:");
        assertThat(outcome.err().lines()).hasSize(1);
    }
}
