package dev.coldpath.core.model;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.ModelLoadException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An open ONNX Runtime session and its signature. Thread safe: ONNX Runtime allows concurrent {@link #run}
 * calls on one session, which is how every task slot of an executor shares it. The creator closes it
 * (normally the {@link SessionCache}).
 */
public final class OnnxModel implements AutoCloseable {
    private final String displayName;
    private final OrtSession session;
    private final ModelSignature signature;
    private final SessionSettings settings;
    private final long loadNanos;

    private OnnxModel(String displayName, OrtSession session, ModelSignature signature, SessionSettings settings,
                      long loadNanos) {
        this.displayName = displayName;
        this.session = session;
        this.signature = signature;
        this.settings = settings;
        this.loadNanos = loadNanos;
    }

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "coldpath");
    }

    /**
     * Opens a session on a model file: ONNX Runtime reads it, and the external-data files beside it, from disk, so
     * the model never passes through the Java heap and may be of any size. {@code displayName} only names the
     * model in errors.
     */
    public static OnnxModel open(String displayName, Path file, SessionSettings settings) {
        requireNonNull(file, "file is null");
        return open(displayName, settings, (env, options) -> env.createSession(file.toString(), options));
    }

    /**
     * Opens a session on a small model held in memory: generated graphs and models shipped inside jars (tests,
     * benchmarks). Jobs, {@code inspect} and the registry open models by path ({@link #open(String, Path,
     * SessionSettings)}).
     */
    public static OnnxModel open(String displayName, byte[] bytes, SessionSettings settings) {
        requireNonNull(bytes, "bytes is null");
        return open(displayName, settings, (env, options) -> env.createSession(bytes, options));
    }

    private interface SessionOpener {
        OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
    }

    private static OnnxModel open(String displayName, SessionSettings settings, SessionOpener opener) {
        long start = System.nanoTime();
        OrtEnvironment env = environment();
        try (OrtSession.SessionOptions options = SessionOptionsFactory.create(settings)) {
            OrtSession session = opener.open(env, options);
            try {
                ModelSignature signature = signatureOf(session);
                return new OnnxModel(displayName, session, signature, settings, System.nanoTime() - start);
            } catch (RuntimeException | OrtException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new ModelLoadException(Fault.USER, "Cannot load model " + displayName + ": "
                    + e.getMessage().strip() + " (is it a valid .onnx file, with its external-data files beside it?"
                    + " try 'coldpath inspect')", e);
        }
    }

    private static ModelSignature signatureOf(OrtSession session) throws OrtException {
        return new ModelSignature(specs(session.getInputInfo().values()), specs(session.getOutputInfo().values()));
    }

    private static List<ValueSpec> specs(Iterable<NodeInfo> nodes) {
        List<ValueSpec> specs = new ArrayList<>();
        for (NodeInfo node : nodes) {
            specs.add(ValueSpec.of(node));
        }
        return specs;
    }

    public ModelSignature signature() {
        return signature;
    }

    public SessionSettings settings() {
        return settings;
    }

    public String displayName() {
        return displayName;
    }

    public long loadNanos() {
        return loadNanos;
    }

    /** The model's metadata_props (producer-defined keys such as {@code classes}). */
    public Map<String, String> customMetadata() {
        try {
            return Map.copyOf(session.getMetadata().getCustomMetadata());
        } catch (OrtException e) {
            throw new ModelLoadException("Cannot read the metadata of model " + displayName + ": " + e.getMessage(), e);
        }
    }

    /** The underlying session, for metadata queries. */
    OrtSession session() {
        return session;
    }

    /** Runs one batch. The caller closes the result, and the input tensors after it. */
    public OrtSession.Result run(Map<String, OnnxTensor> inputs, Set<String> outputs) throws OrtException {
        return session.run(inputs, outputs, QuietRun.OPTIONS);
    }

    /**
     * The options of every run: ONNX Runtime's own log of a failing run (one ERROR line per failing kernel, printed
     * by the native library straight to stderr, over a thousand lines for a few hundred bad rows) is off, since the
     * failure reaches coldpath as the run's exception: the bad row's {@code _coldpath_reason}, or the job's error.
     * Created once; ONNX Runtime only reads them.
     */
    private static final class QuietRun {
        static final OrtSession.RunOptions OPTIONS = quietRun();
    }

    private static OrtSession.RunOptions quietRun() {
        try {
            OrtSession.RunOptions options = new OrtSession.RunOptions();
            options.setLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            return options;
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot create ONNX Runtime's run options: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot close the session of " + displayName, e);
        }
    }
}
