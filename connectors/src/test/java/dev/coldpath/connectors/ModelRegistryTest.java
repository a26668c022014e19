package dev.coldpath.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.ModelHeader;
import dev.coldpath.core.registry.ModelLineage;
import dev.coldpath.core.registry.ModelReference;
import dev.coldpath.core.registry.ModelRegistry;
import dev.coldpath.core.registry.RegisteredModel;
import dev.coldpath.core.registry.SemVer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The model registry on a real {@link HadoopFileStore} over a local directory, with the sample ONNX models. */
class ModelRegistryTest {
    private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");

    @TempDir
    Path tmp;

    private final HadoopFileStore store = new HadoopFileStore(new Configuration());
    private final StepClock clock = new StepClock(T0);
    private String root;
    private ModelRegistry registry;

    /** A clock that moves one minute each time it is read, so every registration has its own time. */
    private static final class StepClock extends Clock {
        private Instant next;

        StepClock(Instant start) {
            this.next = start;
        }

        @Override
        public synchronized Instant instant() {
            Instant now = next;
            next = next.plus(Duration.ofMinutes(1));
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @BeforeEach
    void openRegistry() {
        root = store.qualify(tmp.resolve("registry").toString());
        registry = new ModelRegistry(store, root, clock);
    }

    static Path sampleModel(String name) {
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path models = p.resolve("sample-data/models");
            if (Files.isDirectory(models)) {
                return models.resolve(name + ".onnx");
            }
        }
        throw new IllegalStateException("no sample-data/models above " + System.getProperty("user.dir"));
    }

    static byte[] sampleBytes(String name) throws IOException {
        return Files.readAllBytes(sampleModel(name));
    }

    /** The bytes as a model file on local disk, as the registry takes models. */
    private LocalModel local(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(tmp, "model", ".onnx");
        Files.write(file, bytes);
        return LocalModel.of(file);
    }

    private RegisteredModel register(String name, String version, String sample) throws IOException {
        return registry.register(name, version, sample + ".onnx", local(sampleBytes(sample)), ModelLineage.none()).model();
    }

    private static ModelLineage lineage() {
        return new ModelLineage("Churn classifier, weekly retrain", Optional.of("2026-11-27"),
                Optional.of("sha256:9f2c"), Map.of("max_iter", "200", "C", "0.5"));
    }

    @Test
    void registeredModelReadsBackWithEveryFieldThroughAFreshRegistry() throws IOException {
        byte[] bytes = sampleBytes("breast_cancer_logreg");

        ModelRegistry.Registration registration = registry.register("churn", "1.4.0", "logreg.onnx", local(bytes),
                lineage());
        RegisteredModel read = new ModelRegistry(store, root).get("churn", SemVer.parse("1.4.0")).orElseThrow();

        assertThat(registration.created()).isTrue();
        assertThat(read).isEqualTo(registration.model());
        assertThat(read.name()).isEqualTo("churn");
        assertThat(read.version()).hasToString("1.4.0");
        assertThat(read.sha256()).isEqualTo(ModelArtifact.sha256(bytes));
        assertThat(read.sizeBytes()).isEqualTo(bytes.length);
        assertThat(read.registeredAt()).isEqualTo(T0);
        assertThat(read.description()).isEqualTo("Churn classifier, weekly retrain");
        assertThat(read.trainingDate()).contains("2026-11-27");
        assertThat(read.datasetHash()).contains("sha256:9f2c");
        assertThat(read.params()).containsExactly(Map.entry("C", "0.5"), Map.entry("max_iter", "200"));
        assertThat(read.inputs()).map(RegisteredModel.Value::toString).containsExactly("input float[N,30]");
        assertThat(read.outputs()).map(RegisteredModel.Value::name).containsExactly("probability");
        assertThat(read.opsets()).containsEntry("ai.onnx", ModelHeader.read(bytes).opsets().get(""));
        assertThat(read.producer()).isEqualTo("coldpath-sample-data 1");
        assertThat(read.modelPath()).isEqualTo(root + "/churn/1.4.0/model.onnx");
        assertThat(tmp.resolve("registry/churn/1.4.0/model.onnx")).hasBinaryContent(bytes);
        assertThat(registry.list()).containsExactly(read);
        assertThat(registry.list("churn")).containsExactly(read);
    }

    @Test
    void modelJsonHasStableSnakeCaseFieldsAndNullForAbsentLineage() throws IOException {
        register("churn", "1.0.0", "wine_mlp");

        JsonNode json = new ObjectMapper().readTree(tmp.resolve("registry/churn/1.0.0/model.json").toFile());

        assertThat(json.properties()).map(Map.Entry::getKey).containsExactly("name", "version", "sha256",
                "size_bytes", "registered_at", "description", "training_date", "dataset_hash", "params", "inputs",
                "outputs", "opsets", "producer", "model_path");
        assertThat(json.get("registered_at").asText()).isEqualTo("2026-11-28T09:00:00Z");
        assertThat(json.get("training_date").isNull()).isTrue();
        assertThat(json.get("inputs").get(0).get("type").asText()).startsWith("float[");
        assertThat(Files.readString(tmp.resolve("registry/churn/1.0.0/model.json"))).contains("\n  \"name\"");
    }

    @Test
    void versionsListInSemVerOrderAndLatestIsTheHighestReleaseNotTheNewest() throws IOException {
        register("churn", "1.9.0", "breast_cancer_logreg");
        register("churn", "2.0.0-rc.1", "breast_cancer_trees");
        register("churn", "1.10.0", "wine_mlp");
        register("churn", "1.2.0", "breast_cancer_trees"); // registered last, but older

        assertThat(registry.list("churn")).map(m -> m.version().toString())
                .containsExactly("1.2.0", "1.9.0", "1.10.0", "2.0.0-rc.1");
        assertThat(registry.resolve(ModelReference.parse("churn@latest")).version()).hasToString("1.10.0");
        assertThat(registry.resolve(ModelReference.parse("churn@2.0.0-rc.1")).sha256())
                .isEqualTo(ModelArtifact.sha256(sampleBytes("breast_cancer_trees")));
    }

    @Test
    void latestIsTheHighestPreReleaseWhenThereIsNoRelease() throws IOException {
        register("churn", "2.0.0-beta.11", "breast_cancer_logreg");
        register("churn", "2.0.0-rc.1", "wine_mlp");
        register("churn", "2.0.0-beta.2", "breast_cancer_trees");

        assertThat(registry.resolve(ModelReference.latest("churn")).version()).hasToString("2.0.0-rc.1");
    }

    @Test
    void registeringIdenticalBytesAgainReturnsTheExistingRecordAndChangesNothing() throws IOException {
        RegisteredModel first = register("churn", "1.4.0", "breast_cancer_logreg");
        byte[] json = Files.readAllBytes(tmp.resolve("registry/churn/1.4.0/model.json"));

        ModelRegistry.Registration again = registry.register("churn", "1.4.0", "copy.onnx",
                local(sampleBytes("breast_cancer_logreg")), lineage());

        assertThat(again.created()).isFalse();
        assertThat(again.model()).isEqualTo(first);
        assertThat(again.model().registeredAt()).isEqualTo(T0);
        assertThat(tmp.resolve("registry/churn/1.4.0/model.json")).hasBinaryContent(json);
    }

    @Test
    void differentBytesUnderAnExistingVersionAreRefusedNamingBothHashesAndTheNextFreeVersion()
            throws IOException {
        RegisteredModel first = register("churn", "1.4.0", "breast_cancer_logreg");
        register("churn", "1.4.1", "breast_cancer_trees");
        byte[] other = sampleBytes("wine_mlp");

        assertThatThrownBy(() -> registry.register("churn", "1.4.0", "wine.onnx", local(other), ModelLineage.none()))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("Model churn@1.4.0 is already registered with sha256 " + first.sha256()
                        + ", and these bytes have sha256 " + ModelArtifact.sha256(other)
                        + "; versions are immutable: register 1.4.2");
        assertThat(tmp.resolve("registry/churn/1.4.0/model.onnx")).hasBinaryContent(sampleBytes(
                "breast_cancer_logreg"));
    }

    static Stream<Arguments> invalidNamesAndVersions() {
        return Stream.of(
                Arguments.of("churn", "1.4", "Invalid version '1.4': must be MAJOR.MINOR.PATCH"),
                Arguments.of("churn", "v1.4.0", "Invalid version 'v1.4.0'"),
                Arguments.of("churn", "1.4.0-rc.01", "Invalid version '1.4.0-rc.01': numeric pre-release"),
                Arguments.of("churn", "1.4.0+git.5114f85", "Invalid version '1.4.0+git.5114f85' for model churn:"
                        + " build metadata (+git.5114f85) is not allowed"),
                Arguments.of("../churn", "1.0.0", "Invalid model name '../churn'"),
                Arguments.of("churn/v2", "1.0.0", "Invalid model name 'churn/v2'"),
                Arguments.of("_churn", "1.0.0", "Invalid model name '_churn'"),
                Arguments.of("", "1.0.0", "Invalid model name ''"));
    }

    @ParameterizedTest(name = "{0}@{1}")
    @MethodSource("invalidNamesAndVersions")
    void invalidNameOrVersionIsRefusedNamingTheValueAndNothingIsWritten(String name, String version,
                                                                        String message) throws IOException {
        byte[] bytes = sampleBytes("wine_mlp");

        assertThatThrownBy(() -> registry.register(name, version, "wine.onnx", local(bytes), ModelLineage.none()))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(message);
        assertThat(tmp.resolve("registry")).doesNotExist();
    }

    @Test
    void aFileThatIsNotAnOnnxModelCannotBeRegistered() throws IOException {
        byte[] corrupt = {8, 7, 18, 2, 'x', 'y'}; // protobuf, but a model without a graph
        LocalModel model = local(corrupt);

        assertThatThrownBy(() -> registry.register("churn", "1.0.0", "corrupt.onnx", model, ModelLineage.none()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("Cannot register corrupt.onnx as churn@1.0.0: ")
                .hasMessageContaining("is it a valid .onnx file");
        assertThat(tmp.resolve("registry")).doesNotExist();
        assertThat(registry.list()).isEmpty();
    }

    @Test
    void unknownVersionIsAnErrorListingTheRegisteredVersions() throws IOException {
        register("churn", "1.4.0", "breast_cancer_logreg");
        register("churn", "1.10.0", "wine_mlp");

        assertThatThrownBy(() -> registry.resolve(ModelReference.parse("churn@1.5.0")))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("Model churn@1.5.0 is not in the registry " + root
                        + " (registered versions of churn: 1.4.0, 1.10.0)");
    }

    @Test
    void unknownNameIsAnErrorListingTheRegisteredModels() throws IOException {
        register("fraud", "1.0.0", "breast_cancer_logreg");
        register("wine", "0.1.0", "wine_mlp");

        assertThatThrownBy(() -> registry.resolve(ModelReference.parse("churn@latest")))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Model churn is not in the registry " + root + " (it holds fraud, wine);"
                        + " register it with 'coldpath models register FILE.onnx --name churn");
        assertThatThrownBy(() -> new ModelRegistry(store, store.qualify(tmp.resolve("empty").toString()))
                .resolve(ModelReference.latest("churn")))
                .hasMessageContaining("(it holds no models)");
    }

    @Test
    void artifactCarriesTheRegisteredHashAndLineageAndRefusesTheFileOnceTamperedWith() throws IOException {
        RegisteredModel model = registry.register("churn", "1.4.0", "logreg.onnx",
                local(sampleBytes("breast_cancer_logreg")), lineage()).model();
        ModelArtifact artifact = registry.artifact(model);
        Path stored = tmp.resolve("registry/churn/1.4.0/model.onnx");

        assertThat(artifact.location()).isEqualTo(model.modelPath());
        assertThat(artifact.sha256()).isEqualTo(model.sha256());
        assertThat(artifact.name()).isEqualTo("churn");
        assertThat(artifact.version()).isEqualTo("1.4.0");
        assertThat(artifact.metadata()).containsOnly(
                Map.entry("description", "Churn classifier, weekly retrain"),
                Map.entry("training_date", "2026-11-27"),
                Map.entry("dataset_hash", "sha256:9f2c"),
                Map.entry("param.C", "0.5"),
                Map.entry("param.max_iter", "200"));
        assertThatCode(() -> artifact.verify(LocalModel.of(stored))).doesNotThrowAnyException();

        byte[] tampered = Files.readAllBytes(stored);
        tampered[tampered.length - 1] ^= 1;
        Files.write(stored, tampered);
        RegisteredModel reread = registry.resolve(ModelReference.parse("churn@1.4.0"));

        assertThatThrownBy(() -> registry.artifact(reread).verify(LocalModel.of(stored)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has sha256 " + ModelArtifact.sha256(tampered))
                .hasMessageContaining("the job expects " + model.sha256())
                .hasMessageContaining("tampered");
    }

    @Test
    void aRegistryCopiedElsewhereFindsItsModelsAtTheirNewPaths() throws IOException {
        register("churn", "1.4.0", "breast_cancer_logreg");
        Path copy = tmp.resolve("copy");
        try (Stream<Path> files = Files.walk(tmp.resolve("registry"))) {
            for (Path p : files.toList()) {
                Files.copy(p, copy.resolve(tmp.resolve("registry").relativize(p).toString()));
            }
        }
        ModelRegistry moved = new ModelRegistry(store, store.qualify(copy.toString()));

        RegisteredModel found = moved.resolve(ModelReference.latest("churn"));

        assertThat(found.modelPath()).isEqualTo(store.qualify(copy.toString()) + "/churn/1.4.0/model.onnx");
        assertThatCode(() -> moved.artifact(found).verify(LocalModel.of(copy.resolve("churn/1.4.0/model.onnx"))))
                .doesNotThrowAnyException();
    }

    @Test
    void anInterruptedRegistrationIsInvisibleAndARetryWithTheSameBytesCompletesIt() throws IOException {
        byte[] bytes = sampleBytes("breast_cancer_logreg");
        Path dir = Files.createDirectories(tmp.resolve("registry/churn/1.4.0"));
        Files.write(dir.resolve("model.onnx"), bytes); // crashed before model.json

        assertThat(registry.list("churn")).isEmpty();
        assertThat(registry.get("churn", SemVer.parse("1.4.0"))).isEmpty();

        ModelRegistry.Registration retry = registry.register("churn", "1.4.0", "logreg.onnx", local(bytes),
                ModelLineage.none());

        assertThat(retry.created()).isTrue();
        assertThat(registry.list("churn")).containsExactly(retry.model());
    }

    @Test
    void anInterruptedRegistrationWithOtherBytesIsReportedNotOverwritten() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("registry/churn/1.4.0"));
        byte[] leftover = sampleBytes("wine_mlp");
        Files.write(dir.resolve("model.onnx"), leftover);

        assertThatThrownBy(() -> register("churn", "1.4.0", "breast_cancer_logreg"))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("already holds other bytes (sha256 " + ModelArtifact.sha256(leftover))
                .hasMessageContaining("delete " + root + "/churn/1.4.0 if none is running");
        assertThat(dir.resolve("model.onnx")).hasBinaryContent(leftover);
        assertThat(dir.resolve("model.json")).doesNotExist();
    }

    @Test
    void aDamagedRecordIsAnErrorNamingTheFile() throws IOException {
        register("churn", "1.4.0", "breast_cancer_logreg");
        Path json = tmp.resolve("registry/churn/1.4.0/model.json");
        Files.writeString(json, "{\"name\": \"churn\"");

        assertThatThrownBy(() -> registry.list("churn"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Cannot read registry record " + root + "/churn/1.4.0/model.json")
                .hasMessageContaining("delete that version's directory");
    }

    @Test
    void concurrentReadersResolveTheSameVersionsWhileAnotherVersionIsRegistered() throws Exception {
        register("churn", "1.0.0", "breast_cancer_logreg");
        register("churn", "1.1.0", "breast_cancer_trees");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> reads = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                reads.add(pool.submit(() -> registry.resolve(ModelReference.latest("churn")).id()));
            }
            Future<RegisteredModel> write = pool.submit(() -> register("churn", "1.0.1", "wine_mlp"));
            for (Future<String> read : reads) {
                assertThat(read.get()).isEqualTo("churn@1.1.0");
            }
            assertThat(write.get().id()).isEqualTo("churn@1.0.1");
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.list("churn")).map(RegisteredModel::id)
                .containsExactly("churn@1.0.0", "churn@1.0.1", "churn@1.1.0");
    }

    @Test
    void defaultRootIsTheEnvironmentVariableElseDotColdpathInTheHomeDirectory() {
        assertThat(ModelRegistry.defaultRoot(Map.of("COLDPATH_REGISTRY", "s3a://ml/registry"), "/home/ana"))
                .isEqualTo("s3a://ml/registry");
        assertThat(ModelRegistry.defaultRoot(Map.of("COLDPATH_REGISTRY", " "), "/home/ana"))
                .isEqualTo("/home/ana/.coldpath/registry");
        assertThat(ModelRegistry.defaultRoot(Map.of(), "/home/ana")).isEqualTo("/home/ana/.coldpath/registry");
    }
}
