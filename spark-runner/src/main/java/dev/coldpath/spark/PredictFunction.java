package dev.coldpath.spark;

import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.model.DeviceChoice;
import dev.coldpath.core.model.SessionCache;
import dev.coldpath.core.plan.Inference;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.score.BatchScorer;
import dev.coldpath.core.score.BindingBatches;
import dev.coldpath.core.spec.ExecutorSpec;
import dev.coldpath.core.spec.JobSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.CreateNamedStruct;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ObjectType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The SQL function {@code coldpath_predict(model, features...)} that {@link Coldpath#registerFunctions} registers
 * (docs/api.md): what it takes, and the evaluator Spark calls once per row. Public only because Spark's generated
 * code calls {@link #predict}; not an API.
 *
 * <p>When a query is analysed, the model is resolved, opened on the driver for its signature and planned as
 * {@link Coldpath#score} plans it, with the function's arguments as the input's columns; the function's type is the
 * struct of the model's prediction columns. The evaluator is serializable and holds that plan; in a task it leases the
 * executor JVM's shared session ({@link ExecutorSessions}) on its first row and releases it when the task completes.
 * Each row is one ONNX Runtime call (a batch of one): Spark uses an expression's value for a row before it reads the
 * next, and hands no JVM function several rows, so there is no batch to fill; {@link Coldpath#score} batches.
 */
public final class PredictFunction implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The function's name in SQL. */
    public static final String NAME = "coldpath_predict";
    /** What {@code DESCRIBE FUNCTION coldpath_predict} says. */
    static final String USAGE = NAME + "('<model>', features...) - the struct of the model's prediction columns for"
            + " one row's features: one array column, numeric columns, or a struct of the model's inputs by name"
            + " (coldpath, docs/api.md)";
    private static final String FEATURE = "f";

    private final String model;
    private final ScoringPlan plan;
    private final StructType input;
    private final ExecutorSpec executor;
    private final TaskSlots slots;
    private final String run = UUID.randomUUID().toString();
    private transient Task task;

    private PredictFunction(String model, ScoringPlan plan, StructType input, ExecutorSpec executor,
                            TaskSlots slots) {
        this.model = model;
        this.plan = plan;
        this.input = input;
        this.executor = executor;
        this.slots = slots;
    }

    /** The job keys every call sets itself, which {@link #checkKeys} refuses, with why and what to do instead. */
    private static final Map<String, String> CALL_KEYS = Map.of(
            "model", "the model is " + NAME + "'s first argument",
            "features", "the features are " + NAME + "'s arguments after the model",
            "bad-rows.policy", NAME + " fails the query on a row it cannot score: filter such rows first, or use"
                    + " Coldpath.score with bad-rows.policy skip",
            "inference.batch-size", NAME + " scores one row per call: use Coldpath.score to score in batches",
            "output.keep-columns", NAME + " returns the predictions only: select other columns beside it");

    /** Refuses the job keys {@code registerFunctions(spark, keys)} cannot apply to every call. */
    static void checkKeys(Map<String, ?> keys) {
        for (String key : keys.keySet()) {
            if (CALL_KEYS.containsKey(key)) {
                throw new JobSpecException("Invalid registerFunctions key " + key + ": " + CALL_KEYS.get(key));
            }
        }
    }

    /**
     * The expression of {@code coldpath_predict(args)}: a string literal, the model, then the features: one array
     * column (the model's only input), K numeric columns (its only input, in order), or one struct whose fields are
     * named like the model's inputs. {@code keys} are job keys applied to every call (e.g. {@code registry}).
     */
    static Expression build(SparkSession spark, Map<String, ?> keys, Seq<Expression> arguments) {
        List<Expression> args = CollectionConverters.asJava(arguments);
        if (args.size() < 2 || !args.get(0).foldable() || !args.get(0).dataType().equals(DataTypes.StringType)) {
            throw new JobSpecException("Invalid " + NAME + " call: expected " + NAME + "('<model>', features...),"
                    + " the model a string literal (name@version or a path) and then an array column, numeric"
                    + " columns, or a struct of the model's inputs");
        }
        Object reference = args.get(0).eval(null);
        if (reference == null) {
            throw new JobSpecException("Invalid " + NAME + " call: the model is null");
        }
        String model = reference.toString();
        ScoringOptions options = ScoringOptions.model(model);
        for (Map.Entry<String, ?> key : keys.entrySet()) {
            options = options.set(key.getKey(), key.getValue());
        }
        List<Expression> features = args.subList(1, args.size());
        Expression row;
        if (features.size() == 1 && features.get(0).dataType() instanceof StructType) {
            row = features.get(0);
        } else {
            List<Expression> named = new ArrayList<>();
            List<String> columns = new ArrayList<>();
            for (int i = 0; i < features.size(); i++) {
                DataType type = features.get(i).dataType();
                if (!(type instanceof NumericType || type instanceof ArrayType && features.size() == 1)) {
                    throw new JobSpecException("Invalid " + NAME + "('" + model + "', ...) argument " + (i + 2)
                            + ": " + type.simpleString() + " (expected one array column, numeric columns, or one"
                            + " struct of the model's inputs)");
                }
                named.add(Literal.create(FEATURE + i, DataTypes.StringType));
                named.add(features.get(i));
                columns.add(FEATURE + i);
            }
            row = new CreateNamedStruct(CollectionConverters.asScala(named).toList());
            options = options.features(columns.toArray(String[]::new));
        }
        JobSpec spec = options.keepColumns().set("bad-rows.policy", "fail").batchSize(1).toJobSpec();
        StructType input = (StructType) row.dataType();
        ScoringPlan plan = Coldpath.plan(spark, spec, input);
        StructType predictions = ScoreBindings.publishedPredictions(plan);
        PredictFunction function = new PredictFunction(model, plan, input, spec.executor(),
                TaskSlots.of(spark.sparkContext()));
        return new Invoke(Literal.create(function, new ObjectType(PredictFunction.class)), "predict", predictions,
                CollectionConverters.asScala(List.of(row)).toList(), CollectionConverters.asScala(
                        List.<AbstractDataType>of()).toList(), true, true, true);
    }

    /** The prediction struct of one row of features; called by Spark, once per row. */
    public InternalRow predict(InternalRow features) {
        TaskContext context = TaskContext.get();
        if (task == null) {
            task = new Task(context);
            if (context != null) {
                Task opened = task;
                context.addTaskCompletionListener((TaskContext t) -> opened.lease.close());
            }
        }
        try {
            return task.predict(features);
        } finally {
            if (context == null) { // evaluated on the driver (a constant folded, a local relation): no task to end
                task.lease.close();
                task = null;
            }
        }
    }

    /** How query plans show it. */
    @Override
    public String toString() {
        return NAME + "('" + model + "')";
    }

    /** What one task holds: its lease of the executor's session, and a batch of one row. */
    private final class Task {
        final SessionCache.Lease lease;
        final BindingBatches batches = new BindingBatches(plan);
        final List<BatchScorer> scorers;
        final PredictionWriter[] writers;
        final SparkValues values = new SparkValues();
        final RunMetrics metrics = new RunMetrics();
        final Seq<DataType> types = CollectionConverters.asScala(List.of(ScoreBindings.publishedPredictions(plan)
                .fields()).stream().map(StructField::dataType).toList()).toSeq();

        Task(TaskContext context) {
            Inference inference = plan.binding().inference();
            // as Coldpath.score's task over the same partitions would, so that both lease one session
            int threads = inference.threads() > 0 ? inference.threads()
                    : TaskSlots.autoThreads(context, context == null ? 1 : slots.perTask(context.numPartitions()));
            DeviceChoice device = DeviceChoice.choose(inference.device(), threads, ScoreBindings.assignedGpus(context),
                    inference.device() != Device.CPU && DeviceChoice.cudaAvailable());
            writers = plan.binding().decoders().stream().map(PredictionWriter::forColumn)
                    .toArray(PredictionWriter[]::new);
            SessionCache.Lease leased = ExecutorSessions.acquire(plan.binding().model(), device.settings(), executor,
                    run);
            try {
                scorers = List.of(batches.scorer(0, leased.model()));
            } catch (RuntimeException | Error e) { // no task completion listener releases a lease nobody holds
                leased.close();
                throw e;
            }
            lease = leased;
        }

        InternalRow predict(InternalRow features) {
            batches.clear();
            batches.append(values.wrap(features, input.size()), 0);
            BindingBatches.Scored scored = batches.score(scorers, metrics);
            String rejection = scored.rejection(0, 0);
            if (rejection != null) {
                throw new InputDataException(NAME + "('" + model + "', ...) cannot score a row: " + rejection
                        + " (fix or filter the row's features)");
            }
            List<Prediction> columns = scored.columns(0, 0);
            int index = scored.index(0, 0);
            SpecificInternalRow row = new SpecificInternalRow(types);
            for (int i = 0; i < writers.length; i++) {
                writers[i].write(columns.get(i), index, row, i);
            }
            return row;
        }
    }
}
