package dev.coldpath.core.registry;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.io.FileStore;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.ModelDescription;
import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.model.ModelDigest;
import dev.coldpath.core.model.ModelHeader;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.model.ValueSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Registered ONNX models: a directory tree on any {@link FileStore}, one directory per version,
 * {@code <root>/<name>/<version>/model.onnx} beside {@code model.json} (and beside the model's external-data files,
 * under the names its graph gives them). The record is created last and
 * exclusively, so a version is registered exactly when its {@code model.json} exists, and nothing overwrites
 * either file afterwards: versions are immutable.
 *
 * <p>Thread safe: the registry holds no mutable state, and concurrent registrations of one version (from any
 * process) either agree on the bytes or all but one fail. Driver-only; executors get a {@link ModelArtifact}.
 */
public final class ModelRegistry {
    /** The environment variable naming the default registry root. */
    public static final String ROOT_ENV = "COLDPATH_REGISTRY";
    public static final String MODEL_FILE = "model.onnx";
    public static final String RECORD_FILE = "model.json";

    /** What {@link #register} did: stored a new version, or found these exact bytes already registered. */
    public record Registration(RegisteredModel model, boolean created) {
        public Registration {
            requireNonNull(model, "model is null");
        }
    }

    private final FileStore store;
    private final String root;
    private final Clock clock;

    /** A registry rooted at {@code root}, as the store accepts paths; a qualified root gives full model paths. */
    public ModelRegistry(FileStore store, String root) {
        this(store, root, Clock.systemUTC());
    }

    /** As {@link #ModelRegistry(FileStore, String)}, stamping registrations with {@code clock}'s time. */
    public ModelRegistry(FileStore store, String root, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.root = requireNonNull(root, "root is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (root.isBlank()) {
            throw new JobSpecException("Invalid registry root '" + root + "': must be a directory path or URI");
        }
    }

    /** {@code $COLDPATH_REGISTRY} if set, else {@code ~/.coldpath/registry}. */
    public static String defaultRoot() {
        return defaultRoot(System.getenv(), System.getProperty("user.home"));
    }

    /** The default root for the given environment and home directory. */
    public static String defaultRoot(Map<String, String> env, String userHome) {
        String configured = env.get(ROOT_ENV);
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        return Paths.get(userHome, ".coldpath", "registry").toString();
    }

    public String root() {
        return root;
    }

    /**
     * Registers a model on local disk as {@code name@version}: its .onnx file as {@value #MODEL_FILE} and its
     * external-data files beside it under their own names, streamed (never held in memory). The model must be one
     * ONNX Runtime can open. Registering the same model again returns the existing record; another model under an
     * existing version is refused. The record's sha256 covers every file ({@link ModelDigest}).
     *
     * @param source names the model in errors (normally where it was read from)
     */
    public Registration register(String name, String version, String source, LocalModel model, ModelLineage lineage) {
        return register(name, version, source, model, lineage, signature -> { });
    }

    /**
     * As {@link #register(String, String, String, LocalModel, ModelLineage)}, with {@code check} run on the model's
     * signature before anything is stored (a source's declared inputs and outputs).
     */
    public Registration register(String name, String version, String source, LocalModel model, ModelLineage lineage,
                                 Consumer<ModelSignature> check) {
        ModelReference.checkName(name);
        SemVer semver = SemVer.parse(version);
        requireNonNull(model, "model is null");
        requireNonNull(lineage, "lineage is null");
        if (!semver.build().isEmpty()) {
            throw new JobSpecException("Invalid version '" + version + "' for model " + name + ": build metadata"
                    + " (+" + semver.build() + ") is not allowed in registered versions, because versions that"
                    + " differ only in it have equal precedence (record it with --param instead)");
        }
        String sha256 = model.sha256();
        Optional<RegisteredModel> existing = get(name, semver);
        if (existing.isPresent()) {
            return sameBytes(existing.get(), sha256);
        }
        ModelDescription description;
        try {
            description = ModelDescription.of(source, model);
        } catch (ModelLoadException e) {
            throw new ModelLoadException(e.fault(), "Cannot register " + source + " as " + name + "@" + semver
                    + ": " + e.getMessage(), e);
        }
        check.accept(description.signature());
        String modelPath = modelPath(name, semver);
        RegisteredModel record = new RegisteredModel(name, semver, sha256, model.sizeBytes(), registeredAt(),
                lineage.description(), lineage.trainingDate(), lineage.datasetHash(), lineage.params(),
                values(description.signature().inputs()), values(description.signature().outputs()),
                opsets(description.header()), producer(description.header()), modelPath, model.dataFiles());

        if (!store.createExclusively(modelPath, model.file())) {
            // Another registration of this version got there first, or one was interrupted before its record.
            String fileSha = ModelDigest.sha256(model.file());
            String storedSha = storedSha256(modelPath);
            if (!storedSha.equals(fileSha)) {
                Optional<RegisteredModel> now = get(name, semver);
                if (now.isPresent()) {
                    return sameBytes(now.get(), sha256);
                }
                throw new JobSpecException("Cannot register model " + record.id() + ": " + modelPath + " already"
                        + " holds other bytes (sha256 " + storedSha + ") but has no " + RECORD_FILE + ": another"
                        + " registration of this version is running or was interrupted (retry later, or delete "
                        + versionDir(name, semver) + " if none is running)");
            }
        }
        // the version is claimed: its data files go beside it before the record makes it visible
        for (String data : model.dataFiles()) {
            store.copyFrom(model.file().resolveSibling(data), store.resolve(versionDir(name, semver), data));
        }
        if (!store.createExclusively(recordPath(name, semver), record.toJson())) {
            return sameBytes(get(name, semver).orElseThrow(() -> new JobSpecException("Cannot register model "
                    + record.id() + ": " + recordPath(name, semver) + " appeared and vanished (is another"
                    + " process deleting it?)")), sha256);
        }
        return new Registration(record, true);
    }

    private String storedSha256(String path) {
        Optional<InputStream> in = store.open(path);
        if (in.isEmpty()) {
            return "(none: the file vanished)";
        }
        try (InputStream stream = in.get()) {
            return ModelDigest.sha256(stream);
        } catch (IOException e) {
            throw new ModelLoadException(Fault.EXTERNAL, "Cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Now, to the millisecond: finer digits would only be noise in model.json and {@code models show}. */
    private Instant registeredAt() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private Registration sameBytes(RegisteredModel existing, String sha256) {
        if (existing.sha256().equals(sha256)) {
            return new Registration(existing, false);
        }
        throw new JobSpecException("Model " + existing.id() + " is already registered with sha256 "
                + existing.sha256() + ", and these bytes have sha256 " + sha256 + "; versions are immutable: "
                + suggestion(existing));
    }

    private String suggestion(RegisteredModel existing) {
        SemVer v = existing.version();
        if (v.isPreRelease()) {
            return "register them under a new version";
        }
        SemVer next = new SemVer(v.major(), v.minor(), v.patch() + 1, "", "");
        while (store.exists(recordPath(existing.name(), next))) {
            next = new SemVer(next.major(), next.minor(), next.patch() + 1, "", "");
        }
        return "register " + next;
    }

    /** Every registered version of every model, by name and then by SemVer precedence. */
    public List<RegisteredModel> list() {
        List<RegisteredModel> all = new ArrayList<>();
        for (FileStore.Entry entry : store.list(root)) {
            if (entry.directory() && isName(entry.name())) {
                all.addAll(list(entry.name()));
            }
        }
        return all;
    }

    /** The registered versions of one model, lowest first by SemVer precedence; empty if there are none. */
    public List<RegisteredModel> list(String name) {
        ModelReference.checkName(name);
        List<RegisteredModel> versions = new ArrayList<>();
        for (FileStore.Entry entry : store.list(store.resolve(root, name))) {
            Optional<SemVer> version = entry.directory() ? semver(entry.name()) : Optional.empty();
            version.flatMap(v -> get(name, v)).ifPresent(versions::add);
        }
        versions.sort(Comparator.comparing(RegisteredModel::version));
        return versions;
    }

    /** One registered version; empty if it is not registered (no {@code model.json}). */
    public Optional<RegisteredModel> get(String name, SemVer version) {
        ModelReference.checkName(name);
        String path = recordPath(name, version);
        return store.read(path).map(json -> located(RegisteredModel.fromJson(json, path), name, version));
    }

    /**
     * The version a reference means. {@code latest} is the highest release by SemVer precedence (not the most
     * recently registered); pre-releases count only when a model has no release at all. An unknown name or
     * version is a {@link JobSpecException} that lists what the registry holds.
     */
    public RegisteredModel resolve(ModelReference reference) {
        if (reference.version().isPresent()) {
            return get(reference.name(), reference.version().get())
                    .orElseThrow(() -> notFound(reference, list(reference.name())));
        }
        List<RegisteredModel> versions = list(reference.name());
        return latest(versions).orElseThrow(() -> notFound(reference, versions));
    }

    /** The highest release, or the highest pre-release if there are only pre-releases. */
    public static Optional<RegisteredModel> latest(List<RegisteredModel> versions) {
        Comparator<RegisteredModel> order = Comparator
                .comparing((RegisteredModel m) -> !m.version().isPreRelease())
                .thenComparing(RegisteredModel::version);
        return versions.stream().max(order);
    }

    private JobSpecException notFound(ModelReference reference, List<RegisteredModel> versions) {
        if (versions.isEmpty()) {
            List<String> names = list().stream().map(RegisteredModel::name).distinct().toList();
            return new JobSpecException("Model " + reference.name() + " is not in the registry " + root + " ("
                    + (names.isEmpty() ? "it holds no models" : "it holds " + String.join(", ", names))
                    + "); register it with 'coldpath models register FILE.onnx --name " + reference.name()
                    + " --version 1.0.0', or check --registry / $" + ROOT_ENV);
        }
        return new JobSpecException("Model " + reference + " is not in the registry " + root
                + " (registered versions of " + reference.name() + ": "
                + versions.stream().map(m -> m.version().toString()).collect(Collectors.joining(", ")) + ")");
    }

    /**
     * What a job runs for this version: the stored file, and the sha256 recorded at registration, so an
     * executor that finds other bytes at {@code modelPath} refuses them. Metadata keys: {@code description},
     * {@code training_date}, {@code dataset_hash} (when set) and {@code param.<key>} for each parameter.
     */
    public ModelArtifact artifact(RegisteredModel model) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (!model.description().isEmpty()) {
            metadata.put("description", model.description());
        }
        model.trainingDate().ifPresent(d -> metadata.put("training_date", d));
        model.datasetHash().ifPresent(h -> metadata.put("dataset_hash", h));
        model.params().forEach((k, v) -> metadata.put("param." + k, v));
        return new ModelArtifact(model.modelPath(), model.sha256(), model.sizeBytes(), model.name(),
                model.version().toString(), metadata, model.dataFiles());
    }

    public String versionDir(String name, SemVer version) {
        return store.resolve(store.resolve(root, name), version.toString());
    }

    public String modelPath(String name, SemVer version) {
        return store.resolve(versionDir(name, version), MODEL_FILE);
    }

    public String recordPath(String name, SemVer version) {
        return store.resolve(versionDir(name, version), RECORD_FILE);
    }

    /** The record as found at its location: the path is where it is now, even if the registry was moved. */
    private RegisteredModel located(RegisteredModel r, String name, SemVer version) {
        return new RegisteredModel(r.name(), r.version(), r.sha256(), r.sizeBytes(), r.registeredAt(),
                r.description(), r.trainingDate(), r.datasetHash(), r.params(), r.inputs(), r.outputs(),
                r.opsets(), r.producer(), modelPath(name, version), r.dataFiles());
    }

    private static List<RegisteredModel.Value> values(List<ValueSpec> specs) {
        return specs.stream().map(v -> new RegisteredModel.Value(v.name(), v.describe())).toList();
    }

    private static Map<String, Long> opsets(ModelHeader header) {
        Map<String, Long> opsets = new TreeMap<>();
        header.opsets().forEach((domain, version) -> opsets.put(domain.isEmpty() ? "ai.onnx" : domain, version));
        return opsets;
    }

    private static String producer(ModelHeader header) {
        return (header.producerName() + " " + header.producerVersion()).strip();
    }

    private static boolean isName(String name) {
        try {
            ModelReference.checkName(name);
            return true;
        } catch (JobSpecException e) {
            return false;
        }
    }

    private static Optional<SemVer> semver(String text) {
        try {
            return Optional.of(SemVer.parse(text));
        } catch (JobSpecException e) {
            return Optional.empty();
        }
    }
}
