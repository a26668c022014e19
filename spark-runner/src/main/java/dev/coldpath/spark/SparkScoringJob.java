package dev.coldpath.spark;

import dev.coldpath.connectors.HadoopModelStore;
import dev.coldpath.connectors.ParquetSink;
import dev.coldpath.connectors.ParquetSource;
import dev.coldpath.core.error.ClusterException;
import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.OutputColumn;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.ScoringPlanner;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.JobSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Runs a scoring job on Spark: preflight on the driver (input listed, model opened once to read its
 * signature, schema checked against it), then one pass over the input that scores each partition in
 * batches and writes Parquet through Spark's commit protocol. Driver-only.
 */
public final class SparkScoringJob {
    private final SparkSession spark;

    public SparkScoringJob(SparkSession spark) {
        this.spark = spark;
    }

    /** Everything the run will do, checked, before any data is read or written. */
    public record Prepared(JobSpec spec, ParquetSource source, ScoringPlan plan, ModelSignature signature) {
    }

    public Prepared prepare(JobSpec spec) {
        ParquetSource source = ParquetSource.open(spark, spec.inputPath());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String location = qualify(spec.model(), hadoop);
        byte[] bytes = HadoopModelStore.read(location, hadoop);
        ModelSignature signature;
        try (OnnxModel model = OnnxModel.open(spec.model(), bytes, SessionSettings.cpu(1))) {
            signature = model.signature();
        }
        ModelArtifact artifact = new ModelArtifact(location, ModelArtifact.sha256(bytes), bytes.length,
                fileName(spec.model()), "", Map.of());
        RowSchema input = SparkTypes.toRowSchema(source.read().schema());
        ScoringPlan plan = ScoringPlanner.plan(new ScoringPlanner.Request(artifact, signature, input,
                spec.features(), spec.outputColumns(), spec.keepColumns(), spec.outputPrefix(), spec.batchSize(),
                spec.threads()));
        return new Prepared(spec, source, plan, signature);
    }

    public RunResult run(JobSpec spec) {
        long start = System.nanoTime();
        ParquetSink.checkWritable(spark, spec.outputPath(), spec.outputMode());
        Prepared prepared = prepare(spec);
        Dataset<Row> input = prepared.source().read();
        if (input.isEmpty()) {
            throw new InputDataException("Input " + spec.inputPath() + " has no rows: nothing to score");
        }
        ScoringCounters counters = new ScoringCounters(spark.sparkContext());
        Dataset<Row> predictions = score(input, prepared.plan(), counters);
        try {
            ParquetSink.write(predictions, spec.outputPath(), spec.outputMode());
        } catch (Exception e) { // Spark's failures are checked exceptions thrown through Scala code
            throw translate(e, "Scoring " + spec.inputPath() + " into " + spec.outputPath() + " failed");
        }
        return new RunResult(spec.outputPath(), prepared.plan().model(), counters.rowsScored.value(),
                counters.rowsScored.value(), counters.batches.value(), counters.sessionsCreated.value(),
                counters.sessionOwners.value(), Duration.ofNanos(counters.sessionLoadNanos.value()),
                Duration.ofNanos(System.nanoTime() - start), spark.sparkContext().applicationId());
    }

    /** The input with kept columns and predictions, scored lazily when an action runs. */
    Dataset<Row> score(Dataset<Row> input, ScoringPlan plan, ScoringCounters counters) {
        StructType inputSchema = input.schema();
        StructType kept = new StructType(Arrays.stream(plan.keepOrdinals())
                .mapToObj(i -> inputSchema.fields()[i]).toArray(StructField[]::new));
        StructType predictions = new StructType(plan.outputs().stream()
                .map(SparkScoringJob::field).toArray(StructField[]::new));
        StructType output = new StructType(concat(kept.fields(), predictions.fields()));
        RDD<InternalRow> rows = input.queryExecution().toRdd();
        RDD<InternalRow> scored = rows.toJavaRDD()
                .mapPartitions(new ScorePartition(plan, inputSchema, kept, predictions, counters)).rdd();
        return ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(scored, output, false);
    }

    private static StructField field(OutputColumn column) {
        return DataTypes.createStructField(column.column(), SparkTypes.toDataType(column.type()), false);
    }

    private static StructField[] concat(StructField[] a, StructField[] b) {
        StructField[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The coldpath error behind a Spark failure, or the failure as an external one. */
    static RuntimeException translate(Exception e, String what) {
        if (e instanceof ColdpathException c) {
            return c;
        }
        return ColdpathException.find(e).<RuntimeException>map(c -> c)
                .orElseGet(() -> new ClusterException(what + ": " + firstLine(e), e));
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        return root.getClass().getSimpleName() + ": " + message.lines().findFirst().orElse("");
    }

    private static String qualify(String location, Configuration conf) {
        Path path = new Path(location);
        try {
            return path.getFileSystem(conf).makeQualified(path).toString();
        } catch (IOException e) {
            throw new StorageException("Cannot resolve model path " + location + ": " + e.getMessage(), e);
        }
    }

    private static String fileName(String location) {
        String name = location.substring(location.lastIndexOf('/') + 1);
        return name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    }

    static List<String> names(StructType schema) {
        return Arrays.asList(schema.fieldNames());
    }
}
