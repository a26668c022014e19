package dev.coldpath.core.testing;

import dev.coldpath.core.batch.Batchifier;
import dev.coldpath.core.batch.Stack;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.model.ClassNames;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.ImageLabels;
import dev.coldpath.core.plan.ParquetRunTable;
import dev.coldpath.core.plan.ScoringInput;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.ScoringPlanner;
import dev.coldpath.core.plan.TextRequest;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.BindingSpec;
import dev.coldpath.core.spec.Budget;
import dev.coldpath.core.spec.OutputLabels;
import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.spec.Role;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/** Builds {@link ScoringPlanner.Request}s with defaults, so each test states only what it is about. */
public final class Plans {
    /**
     * Signatures already read, by the model's SHA-256: a signature depends on the bytes alone, and opening a text
     * model (90 MB) to read it again costs seconds of each test that plans with it.
     */
    private static final Map<String, ModelSignature> SIGNATURES = new ConcurrentHashMap<>();
    /**
     * The SHA-256 of model byte arrays already hashed, by identity (arrays keep Object's equals), held weakly: the
     * test JVMs' C1 compiler has no SHA intrinsic and hashes a 90 MB model in 1-2 s.
     */
    private static final Map<byte[], String> HASHES = Collections.synchronizedMap(new WeakHashMap<>());

    private final byte[] model;
    private final ModelArtifact artifact;
    private final ModelSignature signature;
    private final RowSchema schema;
    private final Map<String, List<String>> features = new LinkedHashMap<>();
    private final Map<String, Encoder> encoders = new LinkedHashMap<>();
    private Batchifier batchifier = new Stack();
    private BadRows badRows = BadRows.FAIL;
    private List<String> outputs = List.of();
    private Optional<List<String>> keep = Optional.empty();
    private String prefix = "";
    private int batchSize = 8;
    private int threads = 1;
    private Optional<TextRequest> text = Optional.empty();
    private Optional<ClassNames> classNames = Optional.empty();
    private Optional<ImageLabels> imageLabels = Optional.empty();

    private Plans(byte[] model, ModelSignature signature, RowSchema schema) {
        this.model = model;
        this.artifact = artifact("test.onnx", model);
        this.signature = signature;
        this.schema = schema;
    }

    /** A request for {@code model}'s signature (read by opening it once) over {@code schema}. */
    public static Plans request(byte[] model, RowSchema schema) {
        return new Plans(model, signature(model), schema);
    }

    /** A request for {@code signature}, that of {@code model} (e.g. from a session the test has open already). */
    public static Plans request(byte[] model, ModelSignature signature, RowSchema schema) {
        return new Plans(model, signature, schema);
    }

    /** {@code model}'s signature, read by opening it the first time this JVM asks for these bytes. */
    public static ModelSignature signature(byte[] model) {
        return SIGNATURES.computeIfAbsent(sha256(model), sha -> {
            try (OnnxModel open = OnnxModel.open("test model", model, SessionSettings.cpu(1))) {
                return open.signature();
            }
        });
    }

    public static ModelArtifact artifact(String name, byte[] bytes) {
        return new ModelArtifact("mem:" + name, sha256(bytes), bytes.length, name, "", Map.of());
    }

    private static String sha256(byte[] bytes) {
        return HASHES.computeIfAbsent(bytes, ModelArtifact::sha256);
    }

    /** A schema from alternating names and {@link ColumnType}s. */
    public static RowSchema schema(Object... nameTypePairs) {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            columns.add(new Column((String) nameTypePairs[i], (ColumnType) nameTypePairs[i + 1]));
        }
        return new RowSchema(columns);
    }

    /** {@code prefix0 .. prefix(n-1)}, all of one type. */
    public static List<Column> columns(String prefix, int n, ColumnType type) {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            columns.add(new Column(prefix + i, type));
        }
        return columns;
    }

    public static List<String> names(String prefix, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    public byte[] modelBytes() {
        return model;
    }

    public Plans sole(List<String> columns) {
        features.put(ScoringPlanner.SOLE_INPUT, columns);
        return this;
    }

    public Plans sole(String... columns) {
        return sole(List.of(columns));
    }

    public Plans feature(String input, String... columns) {
        features.put(input, List.of(columns));
        return this;
    }

    /** Feeds a model input with an encoder of the test's own. */
    public Plans encoder(Encoder encoder) {
        encoders.put(encoder.input(), encoder);
        return this;
    }

    public Plans batchifier(Batchifier value) {
        batchifier = value;
        return this;
    }

    public Plans badRows(BadRows value) {
        badRows = value;
        return this;
    }

    public Plans outputs(String... names) {
        outputs = List.of(names);
        return this;
    }

    public Plans keep(String... columns) {
        keep = Optional.of(List.of(columns));
        return this;
    }

    public Plans prefix(String value) {
        prefix = value;
        return this;
    }

    public Plans batchSize(int value) {
        batchSize = value;
        return this;
    }

    /** A text model's request ({@code text.*}). */
    public Plans text(TextRequest value) {
        text = Optional.of(value);
        return this;
    }

    public Plans classNames(ClassNames value) {
        classNames = Optional.of(value);
        return this;
    }

    /** An image classifier's class names ({@code image.labels}). */
    public Plans imageLabels(ImageLabels value) {
        imageLabels = Optional.of(value);
        return this;
    }

    public ScoringPlanner.Request build() {
        return new ScoringPlanner.Request(new ScoringInput("mem:input", schema),
                new ScoringPlanner.BindingRequest(BindingSpec.SHORTHAND, Role.CHAMPION, artifact, signature, features,
                        encoders, batchifier, outputs, prefix, batchSize, threads, Device.CPU, OutputLabels.NAMES,
                        classNames, text, imageLabels),
                keep, new ParquetRunTable("mem:table", PromotePolicy.ON_SUCCESS, false, ""), badRows, Budget.NONE);
    }

    public ScoringPlan plan() {
        return ScoringPlanner.plan(build());
    }
}
