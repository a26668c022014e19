package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coldpath.core.error.JobSpecException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * coldpath as a Spark ML {@link Transformer} (docs/api.md): {@code transform} appends the model's prediction columns
 * to every input column, scoring with {@link Coldpath#score} (same plan, batching, per-executor session cache and
 * bad-row policy). Usable in a {@code Pipeline}; {@code save}/{@code load} (and a saved {@code PipelineModel}) keep
 * its params only, the model reference among them, never the model's bytes: a loaded transformer resolves the model
 * again, so {@code wine@latest} follows the registry and {@code wine@1.0.0} is verified against its sha256.
 *
 * <p>Feature columns of Spark ML's vector type (a {@code VectorAssembler}'s output) are read as float arrays. Params
 * are job keys (docs/job-keys.md); {@link #setOption} sets any other that {@link ScoringOptions} takes.
 * {@code spark-mllib} is provided by Spark, as Spark itself is. Not thread safe while params change, like any
 * {@code Params}.
 */
public final class ColdpathModel extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final String TEMP_PREFIX = "__coldpath_vector_";
    /** The job keys a param sets, which {@link #setOption} refuses, with what to call instead. */
    private static final Map<String, String> PARAM_KEYS = Map.of(
            "model", "set it with setModel",
            "registry", "set it with setRegistry",
            "features", "set it with setFeaturesCols",
            "output.prefix", "set it with setOutputPrefix",
            "output.columns", "set it with setOutputCols",
            "bad-rows.policy", "set it with setBadRows",
            "inference.batch-size", "set it with setBatchSize",
            "output.keep-columns", "transform keeps every input column: select the columns you want from its result");

    private final String uid;
    private final Param<String> model;
    private final Param<String> registry;
    private final StringArrayParam featuresCols;
    private final Param<String> outputPrefix;
    private final StringArrayParam outputCols;
    private final Param<String> badRows;
    private final IntParam batchSize;
    private final JobKeysParam options;

    public ColdpathModel() {
        this(Identifiable.randomUID("coldpath"));
    }

    /** The constructor {@code load} uses; {@code uid} names this stage in a pipeline. */
    public ColdpathModel(String uid) {
        this.uid = requireNonNull(uid, "uid is null");
        model = new Param<>(this, "model", "the model (job key model): a .onnx file or URI, a model folder, an"
                + " MLflow model, a Triton repository's model, or name@version from the registry");
        registry = new Param<>(this, "registry", "the registry a name@version model is in (job key registry)");
        featuresCols = new StringArrayParam(this, "featuresCols", "the columns that feed the model's only input, in"
                + " order (job key features): K numeric columns, or one array or vector column");
        outputPrefix = new Param<>(this, "outputPrefix", "prepended to each prediction column's name (job key"
                + " output.prefix)");
        outputCols = new StringArrayParam(this, "outputCols", "the model outputs to write (job key output.columns)");
        badRows = new Param<>(this, "badRows", "what a row the model cannot take does (job key bad-rows.policy):"
                + " fail (fail the job) or skip (leave it out)", ParamValidators.inArray(new String[] {"fail",
                        "skip"}));
        batchSize = new IntParam(this, "batchSize", "rows per ONNX Runtime call (job key inference.batch-size;"
                + " unset: auto)", ParamValidators.gt(0));
        options = new JobKeysParam(this, "options", "other job keys, as coldpath run --set takes them (e.g."
                + " features.<input>, output.labels, executor.sessions.max)");
        setDefault(badRows, "fail");
        setDefault(options, Map.of());
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> model() {
        return model;
    }

    public Param<String> registry() {
        return registry;
    }

    public StringArrayParam featuresCols() {
        return featuresCols;
    }

    public Param<String> outputPrefix() {
        return outputPrefix;
    }

    public StringArrayParam outputCols() {
        return outputCols;
    }

    public Param<String> badRows() {
        return badRows;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public Param<Map<String, String>> options() {
        return options;
    }

    public ColdpathModel setModel(String value) {
        return (ColdpathModel) set(model, value);
    }

    public ColdpathModel setRegistry(String value) {
        return (ColdpathModel) set(registry, value);
    }

    public ColdpathModel setFeaturesCols(String... columns) {
        return (ColdpathModel) set(featuresCols, columns);
    }

    public ColdpathModel setOutputPrefix(String value) {
        return (ColdpathModel) set(outputPrefix, value);
    }

    public ColdpathModel setOutputCols(String... outputs) {
        return (ColdpathModel) set(outputCols, outputs);
    }

    /**
     * The columns of model input {@code input} (job key {@code features.<input>}), for a model with several inputs
     * or one not named like its column: K numeric columns, or one array or vector column.
     */
    public ColdpathModel setInputCols(String input, String... columns) {
        requireNonNull(input, "input is null");
        return setOption("features." + input, String.join(",", columns));
    }

    /** {@code fail} (the default) or {@code skip}. */
    public ColdpathModel setBadRows(String policy) {
        return (ColdpathModel) set(badRows, policy);
    }

    public ColdpathModel setBatchSize(int rows) {
        return (ColdpathModel) set(batchSize, rows);
    }

    /**
     * Any other job key, as {@code coldpath run --set key=value} takes it (lists comma-separated); a key a param sets
     * ({@code bad-rows.policy}: {@link #setBadRows} ...) is refused, naming the setter.
     */
    public ColdpathModel setOption(String key, String value) {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        if (PARAM_KEYS.containsKey(key)) {
            throw new JobSpecException("Invalid ColdpathModel option " + key + ": " + PARAM_KEYS.get(key));
        }
        Map<String, String> keys = new LinkedHashMap<>(getOrDefault(options));
        keys.put(key, value);
        return (ColdpathModel) set(options, Collections.unmodifiableMap(keys));
    }

    /**
     * The {@link ScoringOptions} these params make, keeping {@code keep} (every input column): what
     * {@link #transform} scores with.
     */
    ScoringOptions scoringOptions(List<String> keep, Map<String, String> features) {
        if (!isDefined(model)) {
            throw new JobSpecException("ColdpathModel " + uid + " has no model: call setModel(\"name@version\" or a"
                    + " path)");
        }
        ScoringOptions scoring = ScoringOptions.model(getOrDefault(model));
        for (Map.Entry<String, String> option : getOrDefault(options).entrySet()) {
            String value = option.getValue();
            if (option.getKey().startsWith("features")) { // a vector column is scored as its float-array copy
                value = String.join(",", columns(value).stream().map(c -> features.getOrDefault(c, c)).toList());
            }
            scoring = scoring.set(option.getKey(), value);
        }
        if (isDefined(registry)) {
            scoring = scoring.registry(getOrDefault(registry));
        }
        if (isDefined(featuresCols)) {
            scoring = scoring.features(Arrays.stream(getOrDefault(featuresCols))
                    .map(c -> features.getOrDefault(c, c)).toArray(String[]::new));
        }
        if (isDefined(outputPrefix)) {
            scoring = scoring.set("output.prefix", getOrDefault(outputPrefix));
        }
        if (isDefined(outputCols)) {
            scoring = scoring.outputs(getOrDefault(outputCols));
        }
        if (isDefined(batchSize)) {
            scoring = scoring.batchSize((Integer) getOrDefault(batchSize));
        }
        return scoring.set("bad-rows.policy", getOrDefault(badRows)).keepColumns(keep.toArray(String[]::new));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        Map<String, String> vectors = vectorColumns(schema);
        Dataset<Row> input = dataset.toDF();
        for (Map.Entry<String, String> v : vectors.entrySet()) {
            input = input.withColumn(v.getValue(), functions.vector_to_array(new Column(v.getKey()), "float32"));
        }
        return Coldpath.score(input, scoringOptions(List.of(schema.fieldNames()), vectors));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Map<String, String> vectors = vectorColumns(schema);
        StructType input = schema;
        for (Map.Entry<String, String> v : vectors.entrySet()) {
            input = input.add(v.getValue(), DataTypes.createArrayType(DataTypes.FloatType, false));
        }
        return Coldpath.outputSchema(SparkSession.active(), input, scoringOptions(List.of(schema.fieldNames()),
                vectors));
    }

    /** The feature columns of vector type, each with the float-array column that replaces it for scoring. */
    private Map<String, String> vectorColumns(StructType schema) {
        Map<String, String> vectors = new LinkedHashMap<>();
        List<String> features = new ArrayList<>();
        if (isDefined(featuresCols)) {
            features.addAll(List.of(getOrDefault(featuresCols)));
        }
        getOrDefault(options).forEach((key, value) -> {
            if (key.startsWith("features")) {
                features.addAll(columns(value));
            }
        });
        List<String> names = List.of(schema.fieldNames());
        for (String column : features) {
            int at = names.indexOf(column);
            if (at >= 0 && schema.fields()[at].dataType().equals(SQLDataTypes.VectorType())
                    && !vectors.containsKey(column)) {
                vectors.put(column, TEMP_PREFIX + column);
            }
        }
        return vectors;
    }

    /** The columns of a features option, comma-separated as --set takes a list. */
    private static List<String> columns(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).toList();
    }

    @Override
    public ColdpathModel copy(ParamMap extra) {
        return (ColdpathModel) defaultCopy(extra);
    }

    /** Reads a saved ColdpathModel: its params, the model reference among them. */
    public static MLReader<ColdpathModel> read() {
        return new DefaultParamsReader<>();
    }

    public static ColdpathModel load(String path) {
        return read().load(path);
    }

    /** A param of job keys and their values as text, saved as a JSON object. */
    static final class JobKeysParam extends Param<Map<String, String>> {
        private static final long serialVersionUID = 1L;
        private static final ObjectMapper JSON = new ObjectMapper();

        JobKeysParam(ColdpathModel parent, String name, String doc) {
            super(parent, name, doc);
        }

        @Override
        public String jsonEncode(Map<String, String> value) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode " + name() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Map<String, String> jsonDecode(String json) {
            try {
                return Collections.unmodifiableMap(JSON.readValue(json, new TypeReference<LinkedHashMap<String,
                        String>>() { }));
            } catch (JsonProcessingException e) {
                throw new JobSpecException("Invalid ColdpathModel options " + json + ": " + e.getOriginalMessage());
            }
        }
    }
}
