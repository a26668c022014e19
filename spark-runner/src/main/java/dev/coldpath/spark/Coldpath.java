package dev.coldpath.spark;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.ModelQuantization;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.plan.ScoringInput;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.ScoringPlanner;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.score.BindingBatches;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.ExecutorSpec;
import dev.coldpath.core.spec.JobSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * coldpath inside a Spark job of your own (docs/api.md): {@code Dataset<Row> predictions = Coldpath.score(df,
 * ScoringOptions.model("wine@1.0.0"))}. The same plan, encoders, batching, per-executor session cache and bad-row
 * policy as {@code coldpath run}, whose planning ({@link #plan}) and score pass ({@link #scorePass}) are this one's,
 * without its input listing, run table and manifest.
 *
 * <p>Driver-side: call it where you build your DataFrames. Thread safe.
 */
public final class Coldpath {
    private Coldpath() {
    }

    /**
     * The input scored by the options' model: the kept columns ({@code output.keep-columns}), then the prediction
     * columns, as {@code coldpath run} writes them without its lineage columns. Lazy: the model is resolved, opened
     * once on the driver for its signature, and the plan checked against the input's schema now, but rows are
     * scored only when the result is computed, each time it is (cache it to score once). Bad rows follow
     * {@code bad-rows.policy}: {@code fail} (the default) fails the Spark job on the first, {@code skip} leaves them
     * out; {@code quarantine} needs a run's table and is refused here.
     *
     * @throws dev.coldpath.core.error.ColdpathException a one-line error naming what is wrong (the model, a missing
     *                                                   column, a key), as the CLI reports it
     */
    public static Dataset<Row> score(Dataset<Row> input, ScoringOptions options) {
        return scored(input, options).rows();
    }

    /** The scored rows, lazy as {@link #score} returns them, and the counts their computation adds up. */
    public record Scored(Dataset<Row> rows, ScoringCounts counts) {
    }

    /**
     * Registers the SQL function {@code coldpath_predict('<model>', features...)} in {@code spark}'s session: the
     * struct of the model's prediction columns for one row's features, given as one array column (the model's only
     * input), numeric columns (its only input, in order) or one struct of the model's inputs by name. The model is
     * resolved and opened on the driver when a query using it is analysed; executors open it once per JVM, in the
     * session cache {@link #score} uses. Each row is one ONNX Runtime call: for large inputs {@link #score}, which
     * batches rows, is faster (docs/api.md). A row the model cannot take fails the query, naming why.
     */
    public static void registerFunctions(SparkSession spark) {
        registerFunctions(spark, Map.of());
    }

    /**
     * As {@link #registerFunctions(SparkSession)}, with job keys for every call (e.g. {@code registry}); the keys each
     * call sets itself ({@code bad-rows.policy}, {@code inference.batch-size}, {@code output.keep-columns},
     * {@code model}, {@code features}) are refused.
     */
    public static void registerFunctions(SparkSession spark, Map<String, ?> keys) {
        Map<String, Object> copy = Map.copyOf(keys);
        PredictFunction.checkKeys(copy);
        SparkInternals.registerFunction(spark, PredictFunction.NAME, PredictFunction.class, PredictFunction.USAGE,
                arguments -> PredictFunction.build(spark, copy, arguments));
    }

    /** As {@link #score}, with the accumulators that count rows, rejected rows, batches and sessions. */
    public static Scored scored(Dataset<Row> input, ScoringOptions options) {
        SparkSession spark = input.sparkSession();
        JobSpec spec = options.toJobSpec();
        ScoringPlan plan = plan(spark, spec, input.schema());
        ScoringCounters counters = new ScoringCounters(spark.sparkContext(), Instant.now().toEpochMilli());
        ComparisonsAccumulator comparisons = new ComparisonsAccumulator();
        spark.sparkContext().register(comparisons, "coldpath.comparisons");
        Dataset<Row> rows = scorePass(input, plan, counters, comparisons, ShadowSink.DROP, spec.executor())
                .accepted(RejectSink.DROP);
        return new Scored(rows, new ScoringCounts(counters));
    }

    /**
     * The schema {@link #score} returns for an input of {@code schema}, without scoring: the model is resolved and
     * opened on the driver for its signature, and the plan checked, as {@link #score} does.
     */
    public static StructType outputSchema(SparkSession spark, StructType schema, ScoringOptions options) {
        return outputSchema(plan(spark, options.toJobSpec(), schema), schema);
    }

    /** The kept columns of {@code input}, then the plan's published prediction columns. */
    static StructType outputSchema(ScoringPlan plan, StructType input) {
        List<StructField> fields = new ArrayList<>();
        for (int ordinal : plan.keepOrdinals()) {
            fields.add(input.fields()[ordinal]);
        }
        fields.addAll(List.of(ScoreBindings.publishedPredictions(plan).fields()));
        return new StructType(fields.toArray(StructField[]::new));
    }

    /** The plan of scoring a DataFrame of {@code schema} as {@code spec} says: model resolved, opened and checked. */
    static ScoringPlan plan(SparkSession spark, JobSpec spec, StructType schema) {
        if (spec.badRows().policy() == BadRows.Policy.QUARANTINE) {
            throw new JobSpecException("Invalid bad-rows.policy: quarantine (Coldpath.score writes no table to"
                    + " quarantine rows in: use skip or fail, or coldpath run)");
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        ResolvedModel model = ModelResolver.resolve(spec, new HadoopFileStore(conf), conf);
        return plan(spark, spec, model, schema, "(a DataFrame)", "(none)", new LinkedHashMap<>()).plan();
    }

    /** A plan and the champion's signature, which a run's manifest records. */
    record Planned(ScoringPlan plan, ModelSignature signature) {
    }

    /**
     * The one planning step of {@link #score} and {@code coldpath run} ({@link SparkScoringJob#prepare}): the
     * resolved model opened on the driver for its signature (and any other model of the job resolved and opened),
     * the plan made for an input of {@code schema} read from {@code inputPath} into {@code tableRoot}, and its
     * batches' memory checked against the executors'. Each model's quantization is put in {@code quantization}.
     */
    static Planned plan(SparkSession spark, JobSpec spec, ResolvedModel model, StructType schema, String inputPath,
                        String tableRoot, Map<String, ModelQuantization> quantization) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        HadoopFileStore store = new HadoopFileStore(conf);
        JobPreflight.OpenedModel opened = JobPreflight.open(spec.model(), model, store);
        RowSchema rows = SparkTypes.toRowSchema(schema);
        ScoringPlan plan = ScoringPlanner.plan(JobPreflight.request(spec, JobPreflight.bindings(spec, opened, store,
                conf, rows, quantization), new ScoringInput(inputPath, rows), tableRoot));
        BatchMemoryCheck.check(plan, spark.sparkContext());
        return new Planned(plan, opened.signature());
    }

    /**
     * The one score pass of {@link #score} and {@code coldpath run}: {@code input} scored lazily, when its rows are
     * computed, by every model of the plan in one pass ({@link ScoreBindings}), from the Parquet scan's columnar
     * batches when the input is a plain scan. The published rows (kept columns, the champion's or the canary's
     * predictions, with several models served_by) and, among them, the rejected ones; each shadow's rows go to
     * {@code shadows} and the comparisons to {@code comparisons}. {@link #score} keeps the accepted rows; a run's
     * sink writes both.
     */
    static ScoredRows scorePass(Dataset<Row> input, ScoringPlan plan, ScoringCounters counters,
                                ComparisonsAccumulator comparisons, ShadowSink shadows, ExecutorSpec executor) {
        SparkSession spark = input.sparkSession();
        StructType inputSchema = input.schema();
        Optional<RDD<ColumnarBatch>> batches = ColumnarInput.batches(input, new BindingBatches(plan).capacity());
        int partitions = batches.map(RDD::getNumPartitions)
                .orElseGet(() -> input.queryExecution().toRdd().getNumPartitions());
        ScoreBindings scoring = new ScoreBindings(plan, inputSchema, counters, comparisons, executor,
                TaskSlots.of(spark.sparkContext()).perTask(partitions));
        Function<RejectSink, RDD<InternalRow>> scored = rejects -> batches
                .map(b -> b.toJavaRDD().mapPartitions(scoring.overBatches(rejects, shadows)).rdd())
                .orElseGet(() -> input.queryExecution().toRdd().toJavaRDD()
                        .mapPartitions(scoring.overRows(rejects, shadows)).rdd());
        return new ScoredRows(spark, scored, outputSchema(plan, inputSchema), inputSchema);
    }
}
