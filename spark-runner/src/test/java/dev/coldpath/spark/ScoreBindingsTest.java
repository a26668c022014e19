package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.coldpath.core.batch.Stack;
import dev.coldpath.core.compare.BindingComparison;
import dev.coldpath.core.compare.ComparisonSummary;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.metrics.Stage;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.plan.ParquetRunTable;
import dev.coldpath.core.plan.ScoringInput;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.plan.ScoringPlanner;
import dev.coldpath.core.route.RouteKey;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.Budget;
import dev.coldpath.core.spec.ExecutorSpec;
import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.spec.Role;
import dev.coldpath.core.spec.RoutingSpec;
import dev.coldpath.core.testing.TestGraphs;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three models in one pass over the sample breast-cancer data on local[2]: the logistic regression (champion), the
 * same regression under another input name (a canary for 10 % of ids) and the tree ensemble (shadow). Each model's
 * predictions equal what the one-model path gives for it alone; the canary's rows are exactly the ids the
 * documented hash routes to it, with 1 or 8 partitions of rows or the columnar scan; each executor JVM opens one
 * session per model.
 */
class ScoreBindingsTest {
    /** Shadow rows by test run and binding: tasks of local mode run in this JVM. */
    private static final Map<String, List<Object[]>> SHADOW_ROWS = new ConcurrentHashMap<>();

    @TempDir
    static Path dir;
    private static Path canaryModel;
    private static SparkSession spark;

    @BeforeAll
    static void models() throws IOException {
        spark = LocalSpark.get();
        canaryModel = dir.resolve("logreg_renamed.onnx");
        Files.write(canaryModel, TestGraphs.renameInput(Files.readAllBytes(SampleData.model("breast_cancer_logreg")),
                "input", "measurements"));
    }

    /** A fake shadow sink that keeps (id, label, P(label 1)) of each shadow row in {@link #SHADOW_ROWS}. */
    private record Collecting(String run) implements ShadowSink {
        @Override
        public Writer open(String binding) {
            List<Object[]> rows = SHADOW_ROWS.computeIfAbsent(run + "/" + binding, k -> new CopyOnWriteArrayList<>());
            List<Object[]> mine = new ArrayList<>();
            return new Writer() {
                @Override
                public void write(InternalRow row) {
                    // kept id, diagnosis; then label, probabilities
                    mine.add(new Object[] {row.getLong(0), row.getLong(2),
                        row.getMap(3).valueArray().getFloat(1)});
                }

                @Override
                public void commit() {
                    rows.addAll(mine);
                }

                @Override
                public void abort() {
                    mine.clear();
                }
            };
        }
    }

    private static ScoringPlanner.BindingRequest binding(String name, Role role, Path model) throws IOException {
        byte[] bytes = Files.readAllBytes(model);
        ModelSignature signature;
        try (OnnxModel open = OnnxModel.open(name, bytes, SessionSettings.cpu(1))) {
            signature = open.signature();
        }
        return new ScoringPlanner.BindingRequest(name, role, new ModelArtifact(model.toString(),
                ModelArtifact.sha256(bytes), bytes.length, name, "", Map.of()), signature,
                Map.of(ScoringPlanner.SOLE_INPUT, List.of(SampleData.BREAST_CANCER_FEATURES)),
                Map.<String, Encoder>of(), new Stack(), List.of(), "", 64, 1, Device.CPU);
    }

    private static ScoringPlan plan(Dataset<Row> input, List<ScoringPlanner.BindingRequest> bindings,
                                    RoutingSpec routing) {
        return ScoringPlanner.plan(new ScoringPlanner.Request(new ScoringInput("breast_cancer",
                SparkTypes.toRowSchema(input.schema())), bindings, routing, Optional.of(List.of("id", "diagnosis")),
                new ParquetRunTable(dir.resolve("t").toString(), PromotePolicy.ON_SUCCESS, false, ""), BadRows.FAIL,
                Budget.NONE));
    }

    /** The published rows (id, probability, served_by), and the comparisons, of one pass. */
    private record Pass(Map<Long, Object[]> published, Map<String, BindingComparison> comparisons) {
    }

    private static Pass pass(Dataset<Row> input, ScoringPlan plan, String run) {
        ScoringCounters counters = new ScoringCounters(spark.sparkContext(), System.currentTimeMillis());
        ComparisonsAccumulator comparisons = new ComparisonsAccumulator();
        spark.sparkContext().register(comparisons, "coldpath.comparisons");
        ScoreBindings scoring = new ScoreBindings(plan, input.schema(), counters, comparisons, ExecutorSpec.DEFAULTS);
        StructType kept = new StructType(new StructField[] {input.schema().apply("id"),
            input.schema().apply("diagnosis")});
        StructType schema = kept.merge(ScoreBindings.publishedPredictions(plan), false);
        Optional<RDD<ColumnarBatch>> columnar =
                run.startsWith("columnar") ? ColumnarInput.batches(input, 64) : Optional.empty();
        assertThat(columnar.isPresent()).as("a columnar scan for run %s", run).isEqualTo(run.startsWith("columnar"));
        Dataset<Row> rows = SparkInternals.dataFrame(spark, columnar
                .map(b -> b.toJavaRDD().mapPartitions(scoring.overBatches(RejectSink.DROP, new Collecting(run))).rdd())
                .orElseGet(() -> input.queryExecution().toRdd().toJavaRDD()
                        .mapPartitions(scoring.overRows(RejectSink.DROP, new Collecting(run))).rdd()), schema);
        Map<Long, Object[]> published = new HashMap<>();
        for (Row r : rows.collectAsList()) {
            published.put(r.getLong(0), new Object[] {r.getFloat(2), r.getString(3)});
        }
        return new Pass(published, comparisons.value());
    }

    /** What the one-model path publishes for the model alone: id to its first prediction column. */
    private static Map<Long, Object> alone(Dataset<Row> input, ScoringPlanner.BindingRequest binding) {
        ScoringPlan plan = plan(input, List.of(new ScoringPlanner.BindingRequest(binding.model(),
                binding.signature(), binding.features(), Map.of(), new Stack(), List.of(), "", 64, 1, Device.CPU)),
                RoutingSpec.NONE);
        ScoringCounters counters = new ScoringCounters(spark.sparkContext(), System.currentTimeMillis());
        Map<Long, Object> out = new HashMap<>();
        ComparisonsAccumulator comparisons = new ComparisonsAccumulator();
        spark.sparkContext().register(comparisons, "coldpath.comparisons");
        for (Row r : Coldpath.scorePass(input, plan, counters, comparisons,
                        new ParquetShadows(dir.resolve("no-shadows").toString(), Map.of()), ExecutorSpec.DEFAULTS)
                .accepted(RejectSink.DROP).collectAsList()) {
            out.put(r.getLong(0), r.get(2) instanceof scala.collection.Map<?, ?> ? r.getJavaMap(3).get(1L)
                    : r.get(2));
        }
        return out;
    }

    @Test
    void threeModelsInOnePassEachScoringAsItWouldAloneWithAStableCanary() throws IOException {
        Dataset<Row> input = spark.read().parquet(SampleData.data("breast_cancer").toString());
        ScoringPlanner.BindingRequest champion = binding("current", Role.CHAMPION,
                SampleData.model("breast_cancer_logreg"));
        ScoringPlanner.BindingRequest canary = binding("next", Role.CANARY, canaryModel);
        ScoringPlanner.BindingRequest shadow = binding("forest", Role.SHADOW, SampleData.model("breast_cancer_trees"));
        ScoringPlan plan = plan(input, List.of(champion, canary, shadow),
                new RoutingSpec(Optional.of(10.0), List.of("id")));
        Map<Long, Object> logreg = alone(input, champion);
        Map<Long, Object> treesLabel = alone(input, shadow);

        LocalSpark.resetSessionsWhenIdle();
        Pass one = pass(input.coalesce(1), plan, "one");
        long sessions = ExecutorSessions.cache().sessionsCreated();
        Pass eight = pass(input.repartition(8), plan, "eight");
        Pass columnar = pass(input, plan, "columnar"); // the Parquet reader's batches, features copied by column

        assertThat(sessions).as("one executor JVM (local[2]) x three models").isEqualTo(3);
        assertThat(ExecutorSessions.cache().sessionsCreated()).as("the second pass reuses them").isEqualTo(3);
        Set<Long> routed = new TreeSet<>();
        for (long id = 0; id < 569; id++) {
            if (RouteKey.bucketOf(id) < 1000) {
                routed.add(id);
            }
        }
        for (Pass pass : List.of(one, eight, columnar)) {
            assertThat(pass.published()).hasSize(569);
            Set<Long> canaryIds = new TreeSet<>();
            pass.published().forEach((id, values) -> {
                assertThat(values[0]).as("id %s", id).isEqualTo(logreg.get(id)); // the canary is the same regression
                if (values[1].equals("next")) {
                    canaryIds.add(id);
                } else {
                    assertThat(values[1]).isEqualTo("current");
                }
            });
            assertThat(canaryIds).isEqualTo(routed);
        }
        assertThat(routed.size() / 569.0).isCloseTo(0.10, within(0.03));
        for (String run : List.of("one", "eight", "columnar")) {
            List<Object[]> shadowRows = SHADOW_ROWS.get(run + "/forest");
            assertThat(shadowRows).hasSize(569);
            for (Object[] row : shadowRows) {
                assertThat(row[1]).as("trees label of id %s", row[0]).isEqualTo(treesLabel.get((Long) row[0]));
            }
        }
        ComparisonSummary next = one.comparisons().get("next").summary();
        assertThat(next.rows()).isEqualTo(569);
        assertThat(next.scores()).singleElement().satisfies(s -> {
            assertThat(s.output()).isEqualTo("probability");
            assertThat(s.meanAbsDiff()).isZero();
            assertThat(s.psi()).isZero();
        });
        assertThat(next.disagreements()).isEmpty();
        assertThat(one.comparisons().get("forest").summary().rows()).as("no output in common to compare, yet every"
                + " row seen").isEqualTo(569);
        assertThat(eight.comparisons().get("next").summary().scores().get(0).meanChampion())
                .isCloseTo(next.scores().get(0).meanChampion(), within(1e-9));
    }

    /** The sample tree ensemble with every split threshold 10 % higher: another version of the same model. */
    private static byte[] retrainedTrees() throws IOException {
        ModelProto.Builder model = ModelProto.parseFrom(Files.readAllBytes(SampleData.model("breast_cancer_trees")))
                .toBuilder();
        for (NodeProto.Builder node : model.getGraphBuilder().getNodeBuilderList()) {
            for (AttributeProto.Builder attribute : node.getAttributeBuilderList()) {
                if (attribute.getName().equals("nodes_values")) {
                    for (int i = 0; i < attribute.getFloatsCount(); i++) {
                        attribute.setFloats(i, attribute.getFloats(i) * 1.1f);
                    }
                }
            }
        }
        return model.build().toByteArray();
    }

    @Test
    void aShadowsParquetRowsAndItsComparisonAgreeWithDuckDbOverTheTwoOutputs() throws Exception {
        Path retrained = dir.resolve("trees_retrained.onnx");
        Files.write(retrained, retrainedTrees());
        Dataset<Row> input = spark.read().parquet(SampleData.data("breast_cancer").toString());
        ScoringPlanner.BindingRequest current = binding("v1", Role.CHAMPION, SampleData.model("breast_cancer_trees"));
        ScoringPlanner.BindingRequest next = binding("v2", Role.SHADOW, retrained);
        ScoringPlan plan = plan(input, List.of(current, next), RoutingSpec.NONE);
        Map<Long, Object> nextAlone = alone(input, next);
        Path run = dir.resolve("run");

        ScoringCounters counters = new ScoringCounters(spark.sparkContext(), System.currentTimeMillis());
        ComparisonsAccumulator comparisons = new ComparisonsAccumulator();
        spark.sparkContext().register(comparisons, "coldpath.comparisons");
        ShadowSink shadows = new ParquetShadows(run.resolve(ParquetShadows.DIRECTORY).toString(), Map.of("v2",
                SparkInternals.parquetFiles(spark, ScoreBindings.shadowSchema(plan, input.schema(),
                        plan.bindings().get(1)))));
        ScoreBindings scoring = new ScoreBindings(plan, input.schema(), counters, comparisons, ExecutorSpec.DEFAULTS);
        StructType schema = new StructType(new StructField[] {input.schema().apply("id"),
            input.schema().apply("diagnosis")}).merge(ScoreBindings.publishedPredictions(plan), false);
        SparkInternals.dataFrame(spark, input.repartition(4).queryExecution().toRdd().toJavaRDD()
                .mapPartitions(scoring.overRows(RejectSink.DROP, shadows)).rdd(), schema)
                .write().parquet(run.resolve("published").toString());
        ComparisonSummary.Labels labels = comparisons.value().get("v2").summary().labels().get(0);
        RunMetrics metrics = counters.metrics.value();
        assertThat(metrics.stage(Stage.WRITE).getTotalCount()).as("every batch's write (published and shadow) timed")
                .isEqualTo(metrics.batches()).isPositive();

        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            sql.execute("CREATE VIEW j AS SELECT p.id, p.label AS a, s.label AS b FROM read_parquet('"
                    + run.resolve("published") + "/*.parquet') p JOIN read_parquet('"
                    + run.resolve("_shadow/v2") + "/*.parquet') s USING (id)");
            try (ResultSet rs = sql.executeQuery("SELECT count(*), avg(CASE WHEN a = b THEN 1.0 ELSE 0.0 END) FROM j")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(569).isEqualTo(labels.rows());
                assertThat(labels.agreement()).isCloseTo(rs.getDouble(2), within(1e-12)).isBetween(0.5, 0.9999);
            }
            try (ResultSet rs = sql.executeQuery("""
                    WITH classes AS (SELECT a AS k FROM j UNION SELECT b FROM j),
                    shares AS (SELECT greatest((SELECT count(*) FROM j WHERE a = k) / 569.0, 1e-4) AS r,
                                      greatest((SELECT count(*) FROM j WHERE b = k) / 569.0, 1e-4) AS s FROM classes)
                    SELECT sum((s - r) * ln(s / r)) FROM shares""")) {
                rs.next();
                assertThat(labels.psi()).isCloseTo(rs.getDouble(1), within(1e-12));
            }
            try (ResultSet rs = sql.executeQuery("SELECT id, b FROM j")) {
                while (rs.next()) {
                    assertThat(rs.getLong(2)).as("v2 of id %s", rs.getLong(1)).isEqualTo(nextAlone.get(rs.getLong(1)));
                }
            }
        }
        assertThat(Files.list(run.resolve("_shadow/v2")).map(p -> p.getFileName().toString())
                .filter(n -> n.contains(".tmp"))).as("no attempt's temporary file is left").isEmpty();
    }
}
