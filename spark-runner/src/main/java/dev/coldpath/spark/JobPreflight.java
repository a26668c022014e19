package dev.coldpath.spark;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ImageFilesSource;
import dev.coldpath.connectors.ParquetFooters;
import dev.coldpath.connectors.ParquetSource;
import dev.coldpath.connectors.ParquetSource.InputFile;
import dev.coldpath.core.batch.Stack;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.io.FileStore;
import dev.coldpath.core.model.ClassNames;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.ModelQuantization;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.IcebergTable;
import dev.coldpath.core.plan.ImageInputs;
import dev.coldpath.core.plan.ImageLabels;
import dev.coldpath.core.plan.ModelBinding;
import dev.coldpath.core.plan.ParquetRunTable;
import dev.coldpath.core.plan.ScoringInput;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.ScoringPlanner;
import dev.coldpath.core.plan.Sink;
import dev.coldpath.core.plan.TextRequest;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.BadFilesPolicy;
import dev.coldpath.core.spec.BindingSpec;
import dev.coldpath.core.spec.IcebergOutput;
import dev.coldpath.core.spec.ImageSpec;
import dev.coldpath.core.spec.InferenceSpec;
import dev.coldpath.core.spec.InputFormat;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.ModelSpec;
import dev.coldpath.core.spec.Role;
import dev.coldpath.core.spec.RunPeriod;
import dev.coldpath.core.spec.TextSpec;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.text.TokenizerCache;
import dev.coldpath.core.text.TokenizerFile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * The checks a job passes before a SparkSession starts, in a second or two: the model exists, opens in ONNX
 * Runtime and has a signature; the output path is a directory or absent, and writable where that can be checked;
 * the input exists, and its schema, from Parquet footers read directly ({@link ParquetFooters}), feeds the model
 * (names, types, column counts); files agree on the types of the columns the run reads; and a batch fits an
 * executor's heap (this JVM's on local Spark, {@code spark.executor.memory} on a cluster). It touches no Spark class:
 * {@code validate} is this, and {@code run}/{@code score} make it their first step, so these errors come before
 * Spark's start-up. What needs Spark (its own schema inference, a cluster's executor memory) is checked again in
 * {@link SparkScoringJob#prepare}. Driver-only.
 */
public final class JobPreflight {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})([kmgtp])?b?");
    private static final String CATALOG_KEYS = "spark.sql.catalog.";
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?");

    /**
     * What the preflight found.
     *
     * @param hadoop  the job's Hadoop configuration, as it read the input with it: the local runner reads and writes
     *                with it too, so that Hadoop's default files are parsed once in a run
     * @param opened  the champion's model, resolved and opened: the local runner plans the run it checked with it
     * @param files   the data files it listed (of the unscored partitions, for an incremental job)
     * @param footers what their footers say; empty with {@code plan} when an incremental job has nothing new
     * @param plan    the plan against the footers' schema; empty when an incremental job has nothing new
     * @param quantization each binding's model's quantization, by binding name in the job's order (only the
     *                     champion's when an incremental job has nothing new)
     * @param sparkOnly what of the input only Spark reads, if anything: an Iceberg input's row-level deletes or
     *                  data files not in Parquet ({@link IcebergSource.Range#sparkOnly})
     */
    public record Checked(JobSpec spec, Configuration hadoop, OpenedModel opened, String input,
                          List<InputFile> files, Optional<ParquetFooters.Footers> footers,
                          Optional<ScoringPlan> plan, Map<String, ModelQuantization> quantization,
                          Optional<String> sparkOnly) {
        /** A check of an input that any runner reads as listed. */
        public Checked(JobSpec spec, Configuration hadoop, OpenedModel opened, String input, List<InputFile> files,
                       Optional<ParquetFooters.Footers> footers, Optional<ScoringPlan> plan,
                       Map<String, ModelQuantization> quantization) {
            this(spec, hadoop, opened, input, files, footers, plan, quantization, Optional.empty());
        }

        public ModelArtifact model() {
            return opened.model().artifact();
        }

        public ModelSignature signature() {
            return opened.signature();
        }
    }

    /**
     * What {@code validate} and a run's summary say about a model whose outputs depend on which rows share a
     * batch (docs/models.md, {@code text.batch-invariant}).
     *
     * @param warning true for a text model scored in batches ({@code text.batch-invariant: false}); false for a
     *                note (a text model scored alone, or a model that reads no text)
     */
    public record QuantizationNotice(boolean warning, String text) {
    }

    /** The notice for one binding of {@code spec} whose model is quantized as {@code described}, if it needs one. */
    public static Optional<QuantizationNotice> quantizationNotice(JobSpec spec, BindingSpec binding,
                                                                  boolean batchDependent, String described) {
        if (!batchDependent) {
            return Optional.empty();
        }
        String who = (spec.models().size() > 1 ? "model " + binding.name() : "model") + ": " + described;
        TextSpec text = binding.model().text();
        if (!text.isText()) {
            return Optional.of(new QuantizationNotice(false, who));
        }
        return Optional.of(text.batchInvariant()
                ? new QuantizationNotice(false, who + "; each text is scored alone (text.batch-invariant: true),"
                        + " so its outputs are reproducible")
                : new QuantizationNotice(true, who + "; " + ModelQuantization.BATCH_INVARIANT_ADVICE));
    }

    private JobPreflight() {
    }

    /** Checks the job with the Hadoop settings Spark would give it ({@code spark.hadoop.*}). */
    public static Checked check(JobSpec spec) {
        return check(spec, HadoopFileStore.hadoopConfiguration(spec.sparkConf()));
    }

    /**
     * As {@link #check(JobSpec)}. The model is opened on a thread of its own while this one checks the output and
     * lists the input and reads its footers (ONNX Runtime's start and the session take as long as a local listing);
     * a model that cannot be opened is still the error reported, before anything wrong with the input or output.
     */
    public static Checked check(JobSpec spec, Configuration conf) {
        HadoopFileStore store = new HadoopFileStore(conf);
        ResolvedModel model = ModelResolver.resolve(spec, store, conf);
        FutureTask<OpenedModel> opening = new FutureTask<>(() -> open(spec.model(), model, store));
        Thread opener = new Thread(opening, "coldpath-model-open");
        opener.setDaemon(true);
        opener.start();
        try {
            return check(spec, conf, store, model, () -> opened(opening));
        } catch (RuntimeException | Error e) {
            try {
                opened(opening); // the model's own error comes first, as when it was opened before the input was read
            } catch (RuntimeException | Error modelError) {
                if (modelError != e) {
                    modelError.addSuppressed(e);
                }
                throw modelError;
            }
            throw e;
        }
    }

    /** The opened model, once its thread is done; its failure is rethrown as it was thrown there. */
    private static OpenedModel opened(FutureTask<OpenedModel> opening) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return opening.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("Opening the model failed: " + e.getCause(), e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Checked check(JobSpec spec, Configuration conf, HadoopFileStore store, ResolvedModel model,
                                 Supplier<OpenedModel> opening) {
        Map<String, ModelQuantization> quantization = new LinkedHashMap<>();
        String input = spec.resolvedInputPath();
        List<String> partitions = List.of();
        String tableRoot = "";
        if (spec.output().iceberg().isPresent()) {
            checkIcebergOutput(spec);
        } else {
            store.checkDirectoryOrAbsent(spec.output().path(), "output.path");
            RunTable table = new RunTable(store, store.qualify(spec.output().path()));
            tableRoot = table.root();
            table.checkPeriodType(spec.run().period().map(RunPeriod::id));
            if (spec.input().incremental() && spec.input().table().isEmpty()) {
                partitions = unscoredPartitions(store, table, input, model.artifact().sha256());
                if (partitions.isEmpty()) {
                    List<InputFile> files = ParquetSource.list(conf, input, List.of()); // reports a missing input
                    OpenedModel opened = opening.get();
                    quantization.put(spec.champion().name(), opened.quantization());
                    return new Checked(spec, conf, opened, input, files, Optional.empty(),
                            Optional.empty(), quantization);
                }
            }
        }
        if (spec.input().table().isPresent()) {
            Optional<IcebergSource.Range> range = icebergRange(spec, conf);
            OpenedModel opened = opening.get();
            if (range.isEmpty()) {
                quantization.put(spec.champion().name(), opened.quantization());
                return new Checked(spec, conf, opened, input, List.of(), Optional.empty(),
                        Optional.empty(), quantization);
            }
            RowSchema schema = range.get().schema();
            ScoringPlan plan = ScoringPlanner.plan(request(spec, bindings(spec, opened, store, conf, schema,
                    quantization), new ScoringInput(input, schema), tableRoot));
            checkBatchMemory(spec, plan);
            return new Checked(spec, conf, opened, input, range.get().files(), Optional.empty(),
                    Optional.of(plan), quantization, range.get().sparkOnly());
        }
        if (spec.input().images()) {
            List<InputFile> files = ImageFilesSource.list(conf, input, spec.input().effectiveGlob());
            OpenedModel opened = opening.get();
            ScoringPlan plan = ScoringPlanner.plan(request(spec, bindings(spec, opened, store, conf,
                    ImageFilesSource.SCHEMA, quantization), new ScoringInput(input, ImageFilesSource.SCHEMA),
                    tableRoot));
            checkBatchMemory(spec, plan);
            return new Checked(spec, conf, opened, input, files, Optional.empty(), Optional.of(plan),
                    quantization);
        }
        List<InputFile> files = ParquetSource.list(conf, input, partitions);
        ParquetFooters.Footers footers = ParquetFooters.read(conf, input, files,
                spec.input().badFiles() == BadFilesPolicy.SKIP);
        OpenedModel opened = opening.get();
        ScoringPlan plan = ScoringPlanner.plan(request(spec, bindings(spec, opened, store, conf, footers.schema(),
                quantization), new ScoringInput(input, footers.schema()), tableRoot));
        Set<String> read = new HashSet<>(plan.output().keepColumns());
        for (ModelBinding binding : plan.bindings()) {
            for (Encoder encoder : binding.encoders()) {
                read.addAll(encoder.columns());
            }
        }
        for (ParquetFooters.Conflict conflict : footers.conflicts()) {
            if (read.contains(conflict.column())) {
                throw conflict.error();
            }
        }
        if (footers.rows().isPresent() && footers.rows().getAsLong() == 0) {
            throw new InputDataException("Input " + input + " has no rows: nothing to score");
        }
        checkBatchMemory(spec, plan);
        return new Checked(spec, conf, opened, input, files, Optional.of(footers), Optional.of(plan),
                quantization);
    }

    /**
     * What a run of the job's Iceberg table input would read, found through Iceberg's API with the catalogs the job's
     * {@code spark.sql.catalog.*} keys and spark-submit's (system properties) configure, or on its warehouse; empty
     * when an incremental job has nothing new.
     */
    static Optional<IcebergSource.Range> icebergRange(JobSpec spec, Configuration conf) {
        String name = spec.input().table().orElseThrow().table();
        Map<String, String> catalogs = new LinkedHashMap<>(); // spark-submit's --conf keys, then the job's
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(CATALOG_KEYS))
                .forEach(k -> catalogs.put(k, System.getProperty(k)));
        catalogs.putAll(spec.sparkConf());
        try (IcebergRunTable.Loaded input = loadInput(name, spec, catalogs, conf)) {
            if (!spec.input().incremental() || spec.output().iceberg().isEmpty()) {
                return IcebergSource.range(name, input.table(), Optional.empty(), spec.input().incremental());
            }
            IcebergOutput out = spec.output().iceberg().get();
            IcebergRunTable.Loaded output;
            try {
                output = IcebergRunTable.load("output table", out.table(), out.warehouse(), catalogs, conf);
            } catch (NoSuchTableException e) { // the first run creates it, and reads the whole input
                return IcebergSource.range(name, input.table(), Optional.empty(), true);
            }
            try (output) {
                return IcebergSource.range(name, input.table(), Optional.of(output.table()), true);
            }
        }
    }

    private static IcebergRunTable.Loaded loadInput(String name, JobSpec spec, Map<String, String> catalogs,
                                                    Configuration conf) {
        try {
            return IcebergRunTable.load("input table", name, spec.inputWarehouse(), catalogs, conf);
        } catch (NoSuchTableException e) {
            throw new InputDataException(Fault.INPUT_NOT_READY, "Input table " + name + " does not exist (yet):"
                    + " check input.table and the catalog's settings");
        }
    }

    private static void checkBatchMemory(JobSpec spec, ScoringPlan plan) {
        Optional<Integer> local = localSlots(spec);
        if (local.isPresent()) {
            BatchMemoryCheck.check(plan, Runtime.getRuntime().maxMemory(), local.get());
        } else {
            BatchMemoryCheck.check(plan, executorMemory(spec), Math.max(1,
                    intConf(spec, "spark.executor.cores", 1) / Math.max(1, intConf(spec, "spark.task.cpus", 1))));
        }
    }

    /**
     * What an Iceberg table does not take yet: incremental input by partition directories (it reads a Parquet run
     * table's runs); an incremental Iceberg table input is fine (docs/iceberg.md).
     */
    static void checkIcebergOutput(JobSpec spec) {
        if (spec.input().incremental() && spec.input().table().isEmpty()) {
            throw new JobSpecException("input.incremental: true needs a Parquet run table (output.format: parquet):"
                    + " with output.format: iceberg, score the input's new partitions by input.path");
        }
    }

    /**
     * What the job asks the planner for, on an input of the given schema. An images input keeps its {@code path}
     * unless output.keep-columns says otherwise.
     */
    static ScoringPlanner.Request request(JobSpec spec, List<ScoringPlanner.BindingRequest> bindings,
                                          ScoringInput input, String tableRoot) {
        return new ScoringPlanner.Request(input, bindings, spec.routing(), spec.output().keepColumns()
                .or(() -> spec.input().images() ? Optional.of(List.of(InputFormat.PATH)) : Optional.empty()),
                spec.output().iceberg().<Sink>map(i -> new IcebergTable(i.table(), i.warehouse().orElse(""),
                        i.partitionBy(), i.mode(), spec.output().promote())).orElseGet(() -> new ParquetRunTable(
                        tableRoot, spec.output().promote(), spec.output().replace(),
                        spec.output().viewName().orElse(""))),
                spec.badRows(),
                spec.budget());
    }

    /**
     * One binding request per model of the job, champion first as the job lists them: the champion's model is
     * already resolved and opened, the others are resolved and opened here (a one-model job has none). Each
     * binding's model's quantization is put in {@code quantization}, by binding name.
     */
    static List<ScoringPlanner.BindingRequest> bindings(JobSpec spec, OpenedModel champion, HadoopFileStore store,
                                                        Configuration conf, RowSchema schema,
                                                        Map<String, ModelQuantization> quantization) {
        List<ScoringPlanner.BindingRequest> bindings = new ArrayList<>();
        for (BindingSpec binding : spec.models()) {
            OpenedModel opened = binding.role() == Role.CHAMPION ? champion
                    : open(binding.model(), ModelResolver.resolve(binding.model(), spec.executor(), store,
                            conf), store);
            quantization.put(binding.name(), opened.quantization());
            Optional<TextRequest> text = binding.model().text().isText()
                    ? Optional.of(textRequest(binding.model().text(), opened.model().artifact(), store))
                    : Optional.empty();
            ImageSpec image = spec.input().images() && binding.model().image().column().isEmpty()
                    ? binding.model().image().withColumn(InputFormat.CONTENT) : binding.model().image();
            bindings.add(new ScoringPlanner.BindingRequest(binding.name(), binding.role(), opened.model().artifact(),
                    opened.signature(), binding.model().features(), ImageInputs.encoders(image,
                            opened.signature(), schema, binding.model().features()), new Stack(),
                    binding.model().outputs(),
                    binding.model().outputPrefix(), batchSize(spec, opened.model()), spec.inference().threads(),
                    spec.inference().device(), spec.output().labels(), opened.classNames(), text,
                    imageLabels(binding.model().image(), opened.model().artifact(), store)));
        }
        return bindings;
    }

    /** The job's batch size; with {@code inference.batch-size: auto}, the one the model's source asks for, if any. */
    private static int batchSize(JobSpec spec, ResolvedModel model) {
        int asked = spec.inference().batchSize();
        return asked == InferenceSpec.AUTO_BATCH_SIZE ? model.source().batchSize().orElse(asked) : asked;
    }

    /**
     * A text model's request: its tokenizer read ({@code text.tokenizer}, else tokenizer.json beside the model) and
     * loaded once here, so that a file that is missing or not a tokenizer, or a native library that cannot load, fails
     * the job before anything is read.
     */
    static TextRequest textRequest(TextSpec text, ModelArtifact model, HadoopFileStore store) {
        String location = text.tokenizer().map(store::qualify).orElseGet(() -> sibling(model.location(),
                TOKENIZER_JSON));
        byte[] json = store.read(location).orElseThrow(() -> new ModelLoadException(text.tokenizer().isPresent()
                ? "Tokenizer " + location + " (text.tokenizer) not found: check the path"
                : "Model folder " + parent(model.location()) + " has no " + TOKENIZER_JSON + ": a text model"
                + " (text.column) reads its tokenizer from " + TOKENIZER_JSON + " beside the model; export it with"
                + " the model, or set text.tokenizer", null));
        TextRequest request = TextRequest.of(text, new TokenizerFile(location, json));
        TokenizerCache.get(request.tokenizer(), request.effectiveMaxLength());
        return request;
    }

    /**
     * An image classifier's class names ({@code image.labels}: a path beside the model, or absolute), read here on the
     * driver so that a missing file fails the job before anything is read; they travel in the plan.
     */
    static Optional<ImageLabels> imageLabels(ImageSpec image, ModelArtifact model, HadoopFileStore store) {
        if (image.labels().isEmpty()) {
            return Optional.empty();
        }
        String path = image.labels().get();
        String location = path.startsWith("/") || path.contains("://") ? store.qualify(path)
                : sibling(model.location(), path);
        byte[] file = store.read(location).orElseThrow(() -> new JobSpecException("Labels file " + location
                + " (image.labels) not found: give a path beside the model, or an absolute one"));
        return Optional.of(ImageLabels.parse(location, file, image.topK(), image.softmax()));
    }

    /** The tokenizer file a text model reads by default, beside the model. */
    static final String TOKENIZER_JSON = "tokenizer.json";

    private static String parent(String location) {
        int slash = location.lastIndexOf('/');
        return slash < 0 ? "." : location.substring(0, slash);
    }

    private static String sibling(String location, String name) {
        return parent(location) + "/" + name;
    }

    /**
     * What opening a model tells the plan: its signature, the names of its classes if it gives them, and its
     * quantization.
     */
    public record OpenedModel(ResolvedModel model, ModelSignature signature, Optional<ClassNames> classNames,
                       ModelQuantization quantization) {
    }

    /** Opens the model in ONNX Runtime, on one thread, for its signature and class names; scans its graph. */
    static OpenedModel open(ModelSpec spec, ResolvedModel model, FileStore store) {
        try (OnnxModel session = OnnxModel.open(spec.source(), model.local().file(), SessionSettings.cpu(1))) {
            model.source().check(session.signature()); // a Triton config or MLflow signature that disagrees
            return new OpenedModel(model, session.signature(), classNames(model, session, store),
                    ModelQuantization.scan(model.local().file()));
        }
    }

    /**
     * The names the model gives its classes: in its metadata, else in a {@code config.json} beside it (docs/tables.md,
     * "Class names").
     */
    private static Optional<ClassNames> classNames(ResolvedModel model, OnnxModel session, FileStore store) {
        Optional<ClassNames> named = ClassNames.fromMetadata(session.customMetadata(), session.displayName());
        if (named.isPresent()) {
            return named;
        }
        String location = model.artifact().location();
        int slash = location.lastIndexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String config = location.substring(0, slash + 1) + ClassNames.CONFIG_JSON;
        return store.read(config).flatMap(bytes -> ClassNames.fromConfigJson(bytes, config));
    }

    /** The input's partition directories that no committed run of this model (by sha256) has read. */
    static List<String> unscoredPartitions(FileStore store, RunTable table, String input, String sha256) {
        Set<String> scored = new HashSet<>();
        for (CommittedRun run : table.runs()) {
            if (run.manifest().model().sha256().equals(sha256)) {
                scored.addAll(run.manifest().input().partitions());
            }
        }
        if (!store.exists(input)) {
            return List.of();
        }
        return store.list(input).stream()
                .filter(e -> e.directory() && e.name().contains("=") && !e.name().startsWith("_"))
                .map(FileStore.Entry::name)
                .filter(name -> !scored.contains(name))
                .toList();
    }

    /**
     * The master the job will run on: spark-submit's, else the job's {@code spark.master}, else
     * {@link SparkSessions#DEFAULT_MASTER}, as {@link SparkSessions#create} decides it.
     */
    public static String master(JobSpec spec) {
        boolean submitted = System.getProperty("spark.submit.deployMode") != null;
        String master = submitted ? System.getProperty("spark.master")
                : spec.sparkConf().getOrDefault("spark.master", System.getProperty("spark.master"));
        return master == null ? SparkSessions.DEFAULT_MASTER : master;
    }

    /** On local Spark, the task slots of the one executor (this JVM); empty on a cluster. */
    public static Optional<Integer> localSlots(JobSpec spec) {
        return localParallelism(spec).map(tasks -> Math.max(1, tasks / Math.max(1, intConf(spec, "spark.task.cpus",
                1))));
    }

    /**
     * On local Spark, its default parallelism ({@code spark.default.parallelism}, else the N of {@code local[N]}),
     * by which a scan also sizes its splits; empty on a cluster.
     */
    public static Optional<Integer> localParallelism(JobSpec spec) {
        return localCpus(spec).map(cpus -> intConf(spec, "spark.default.parallelism", cpus));
    }

    /**
     * On local Spark, the CPUs its master gives its tasks: N for {@code local[N]}, the machine's cores for
     * {@code local[*]} (the default master), 1 for {@code local}; the local runner's budget of workers × threads.
     * Empty on a cluster.
     */
    public static Optional<Integer> localCpus(JobSpec spec) {
        Matcher m = LOCAL.matcher(master(spec));
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(m.group(1) == null ? 1 : m.group(1).equals("*")
                ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1)));
    }

    /**
     * {@code spark.executor.memory} in bytes, read as Spark's {@code SparkConf.getSizeAsBytes} reads it (a number
     * with an optional k, m, g, t or p suffix, bytes without one), or 1 GiB, Spark's default.
     */
    static long executorMemory(JobSpec spec) {
        String value = spec.sparkConf().getOrDefault("spark.executor.memory",
                System.getProperty("spark.executor.memory", "1g"));
        Matcher m = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new JobSpecException("Invalid spark.executor.memory: " + value + " (must be a size such as 4g or"
                    + " 512m)");
        }
        int shift = m.group(2) == null ? 0 : 10 * ("kmgtp".indexOf(m.group(2)) + 1);
        return Long.parseLong(m.group(1)) << shift;
    }

    /** An integer Spark setting of the job (or of spark-submit), else {@code otherwise}. */
    public static int intConf(JobSpec spec, String key, int otherwise) {
        String value = spec.sparkConf().getOrDefault(key, System.getProperty(key));
        if (value == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new JobSpecException("Invalid " + key + ": " + value + " (must be an integer)");
        }
    }
}
