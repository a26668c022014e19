package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.data.Offset.offset;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.BudgetBreachedException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.OutputCommitException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.plan.IcebergTable;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.spec.WriteMode;
import dev.coldpath.core.table.RunLineage;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.Runner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs committed to Iceberg tables of the embedded Hadoop catalog and of a JDBC catalog (on H2), with real Spark and
 * ONNX Runtime; the rows are read back without Spark by Iceberg's generic reader, and by Spark SQL's
 * {@code VERSION AS OF}.
 */
class IcebergRunSinkTest {
    /** One warehouse for the class: the session's catalog {@code coldpath} keeps the first one it is given. */
    @TempDir
    static Path warehouse;

    private final SparkSession spark = LocalSpark.get();

    @BeforeEach
    void setUp() {
        LocalSpark.resetSessionsWhenIdle();
    }

    private static JobSpec job(String table, String... more) {
        return jobOn(SampleData.data("wine").toString(), table, more);
    }

    private static JobSpec jobOn(String input, String table, String... more) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model("wine_mlp").toString());
        flat.put("input.path", input);
        flat.put("output.format", "iceberg");
        flat.put("output.table", "coldpath.nightly." + table);
        flat.put("output.warehouse", warehouse.toString());
        for (int i = 0; i < more.length; i += 2) {
            flat.put(more[i], more[i + 1]);
        }
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    private static Table table(String name) {
        return new HadoopCatalog(new Configuration(), warehouse.toUri().toString())
                .loadTable(TableIdentifier.of("nightly", name));
    }

    /** Rows per run id in a snapshot, and how many distinct (run_id, id) pairs, read without Spark. */
    private static Map<String, Integer> rowsByRun(Table table, long snapshotId, List<String> keys) {
        Map<String, Integer> counts = new TreeMap<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(table).useSnapshot(snapshotId).build()) {
            for (Record row : rows) {
                counts.merge((String) row.getField("run_id"), 1, Integer::sum);
                keys.add(row.getField("run_id") + "/" + row.getField("id"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }

    @Test
    void eachRunIsOneTaggedSnapshotAndARerunReplacesItsRowsWithoutDuplicates() {
        new SparkScoringJob(spark).run(job("wine", "output.mode", "append", "run.id", "n1",
                "output.partition-by", "days(scored_at)"));
        long first = table("wine").currentSnapshot().snapshotId();
        new SparkScoringJob(spark).run(job("wine", "output.mode", "append", "run.id", "n2"));
        RunResult rerun = new SparkScoringJob(spark).run(job("wine", "output.mode", "append", "run.id", "n1"));

        Table t = table("wine");
        List<Snapshot> history = new ArrayList<>();
        for (Snapshot s = t.currentSnapshot(); s != null; s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
            history.add(0, s);
        }
        assertThat(history).extracting(s -> s.summary().get("coldpath.run-id")).containsExactly("n1", "n2", "n1");
        Snapshot current = t.currentSnapshot();
        assertThat(current.summary()).containsEntry("coldpath.model-name", "wine_mlp")
                .containsEntry("coldpath.model-sha256", rerun.model().sha256())
                .containsKey("coldpath.model-version");
        String runDirectory = t.location() + "/coldpath/runs/n1/";
        assertThat(current.summary().get("coldpath.manifest")).endsWith("/coldpath/runs/n1/_manifest.json");
        assertThat(Path.of(URI.create(t.location()).getPath(), "coldpath/runs/n1/_manifest.json"))
                .isRegularFile();
        assertThat(Path.of(URI.create(t.location()).getPath(), "coldpath/runs/n1/_report.html"))
                .isRegularFile();
        assertThat(t.refs().get("run-n1").snapshotId()).isEqualTo(current.snapshotId());
        assertThat(t.refs().get("run-n2").snapshotId()).isEqualTo(history.get(1).snapshotId());
        assertThat(t.spec().fields()).extracting(f -> f.transform().toString()).containsExactly("day");

        List<String> keys = new ArrayList<>();
        assertThat(rowsByRun(t, current.snapshotId(), keys)).containsExactly(Map.entry("n1", 178),
                Map.entry("n2", 178));
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(rowsByRun(t, first, new ArrayList<>())).containsExactly(Map.entry("n1", 178));

        assertThat(spark.sql("SELECT count(*), count(DISTINCT id) FROM coldpath.nightly.wine VERSION AS OF 'run-n2'"
                + " WHERE run_id = 'n2'").first().toString()).isEqualTo("[178,178]");
        assertThat(spark.sql("SELECT run_id, count(*) FROM coldpath.nightly.wine VERSION AS OF " + first
                + " GROUP BY run_id").collectAsList().toString()).isEqualTo("[[n1,178]]");
        assertThat(rerun.dataPath()).contains("VERSION AS OF 'run-n1'");
        assertThat(runDirectory).startsWith(t.location());
    }

    @Test
    void overwriteReplacesTheTableAndAFailedRunLeavesNoSnapshot() throws Exception {
        new SparkScoringJob(spark).run(job("scores", "run.id", "monday"));
        new SparkScoringJob(spark).run(job("scores", "run.id", "tuesday"));
        Table t = table("scores");
        long tuesday = t.currentSnapshot().snapshotId();
        assertThat(rowsByRun(t, tuesday, new ArrayList<>())).containsExactly(Map.entry("tuesday", 178));
        int snapshots = countSnapshots(t);

        // the rows are written, then the budget check fails the run before its commit
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job("scores", "run.id", "wednesday",
                "budget.min-rows", "1000"))).isInstanceOf(BudgetBreachedException.class);

        t.refresh();
        assertThat(t.currentSnapshot().snapshotId()).isEqualTo(tuesday);
        assertThat(countSnapshots(t)).isEqualTo(snapshots);
        assertThat(t.refs()).doesNotContainKey("run-wednesday");
        assertThat(Files.exists(Path.of(URI.create(t.location()).getPath(), "coldpath/runs/wednesday")))
                .isFalse();

        // a driver killed between the write and the commit leaves a staged snapshot that nothing reads
        spark.conf().set("spark.wap.id", "killed");
        try {
            spark.table("coldpath.nightly.scores").writeTo("coldpath.nightly.scores")
                    .option("snapshot-property.coldpath.run-id", "killed").append();
        } finally {
            spark.conf().unset("spark.wap.id");
        }
        t.refresh();
        assertThat(countSnapshots(t)).isEqualTo(snapshots + 1);
        assertThat(t.currentSnapshot().snapshotId()).isEqualTo(tuesday);
        assertThat(rowsByRun(t, t.currentSnapshot().snapshotId(), new ArrayList<>()))
                .containsExactly(Map.entry("tuesday", 178));
        assertThat(IcebergRunTable.open("coldpath.nightly.scores", Optional.of(warehouse.toUri().toString()),
                Map.of(), new Configuration()).runs()).extracting(IcebergRunTable.Run::runId)
                .containsExactly("monday", "tuesday");
    }

    @Test
    void overwritePartitionsReplacesOnlyThePartitionsARunWrites() {
        String firstFifty = warehouse.resolve("input/wine-first-50").toString();
        spark.read().parquet(SampleData.data("wine").toString()).where("id < 50").write().parquet(firstFifty);
        new SparkScoringJob(spark).run(job("by_id", "run.id", "full", "output.mode", "overwrite-partitions",
                "output.partition-by", "truncate(100, id)"));
        new SparkScoringJob(spark).run(jobOn(firstFifty, "by_id", "run.id", "partial", "output.mode",
                "overwrite-partitions"));

        Table t = table("by_id");
        // ids 0-99 are one partition: the partial run's 50 rows replaced its 100; ids 100-177 keep the full run's
        assertThat(rowsByRun(t, t.currentSnapshot().snapshotId(), new ArrayList<>()))
                .containsExactly(Map.entry("full", 78), Map.entry("partial", 50));
        long partial = t.currentSnapshot().snapshotId();

        // a rerun of "full" on the first fifty ids replaces their partition, and its earlier attempt's rows in the
        // partition it no longer writes go too: one commit, the run's tag on it, no branch left behind
        new SparkScoringJob(spark).run(jobOn(firstFifty, "by_id", "run.id", "full", "output.mode",
                "overwrite-partitions"));
        t.refresh();
        List<String> keys = new ArrayList<>();
        assertThat(rowsByRun(t, t.currentSnapshot().snapshotId(), keys)).containsExactly(Map.entry("full", 50));
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(t.refs().get("run-full").snapshotId()).isEqualTo(t.currentSnapshot().snapshotId());
        assertThat(t.refs().keySet()).noneMatch(ref -> ref.startsWith("coldpath-rerun-"));
        assertThat(t.currentSnapshot().summary()).containsEntry("coldpath.run-id", "full");
        IcebergRunTable runs = IcebergRunTable.open("coldpath.nightly.by_id", Optional.of(warehouse.toUri().toString()),
                Map.of(), new Configuration());
        assertThat(runs.runs()).extracting(IcebergRunTable.Run::runId, IcebergRunTable.Run::current)
                .containsExactly(tuple("full", false), tuple("partial", false), tuple("full", true));
        assertThat(runs.gc(5, true, Duration.ZERO).staged()).as("the rerun's staged snapshot is its commit's parent")
                .isEmpty();
        assertThat(runs.rollback().to().runId()).isEqualTo("partial");
        t.refresh();
        assertThat(t.currentSnapshot().snapshotId()).isEqualTo(partial);
    }

    @Test
    void aJdbcCatalogConfiguredWithSparkKeysTakesTheRunsToo() {
        Map<String, String> catalog = Map.of("type", "jdbc", "uri", "jdbc:h2:file:" + warehouse.resolve("jdbc/catalog"),
                "jdbc.user", "coldpath", "jdbc.password", "", "warehouse", warehouse.resolve("jdbc/data").toUri()
                        .toString());
        spark.conf().set("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog");
        catalog.forEach((key, value) -> spark.conf().set("spark.sql.catalog.lake." + key, value));
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model("wine_mlp").toString());
        flat.put("input.path", SampleData.data("wine").toString());
        flat.put("output.format", "iceberg");
        flat.put("output.table", "lake.scores.wine");
        flat.put("run.id", "j1");
        new SparkScoringJob(spark).run(JobSpec.from(JobConfig.of(flat, "test")));

        Map<String, String> conf = new LinkedHashMap<>();
        catalog.forEach((key, value) -> conf.put("spark.sql.catalog.lake." + key, value));
        IcebergRunTable runs = IcebergRunTable.open("lake.scores.wine", Optional.empty(), conf,
                new Configuration());
        assertThat(runs.runs()).extracting(IcebergRunTable.Run::runId, IcebergRunTable.Run::rows,
                IcebergRunTable.Run::current).containsExactly(tuple("j1", 178L, true));
        Table t = CatalogUtil.buildIcebergCatalog("lake", catalog, new Configuration())
                .loadTable(TableIdentifier.of("scores", "wine"));
        assertThat(rowsByRun(t, t.currentSnapshot().snapshotId(), new ArrayList<>()))
                .containsExactly(Map.entry("j1", 178));
    }

    @Test
    void gcExpiresOldRunsAndKilledRunsStagedSnapshotsKeepingTheCurrentAndPreviousRun() throws Exception {
        for (String run : List.of("a", "b", "c")) {
            new SparkScoringJob(spark).run(job("gc", "run.id", run));
        }
        spark.conf().set("spark.wap.id", "killed-gc");
        try { // a driver killed between its write and its commit
            spark.table("coldpath.nightly.gc").writeTo("coldpath.nightly.gc")
                    .option("snapshot-property.coldpath.run-id", "d").append();
        } finally {
            spark.conf().unset("spark.wap.id");
        }
        Table t = table("gc");
        long a = t.refs().get("run-a").snapshotId();
        long c = t.currentSnapshot().snapshotId();
        Path runA = Path.of(URI.create(t.location()).getPath(), "coldpath/runs/a");
        assertThat(runA).isDirectory();
        Path data = Path.of(URI.create(t.location()).getPath(), "data");
        Path orphan = Files.writeString(data.resolve("00000-killed-task.parquet"), "left by a killed task");
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        IcebergRunTable runs = IcebergRunTable.open("coldpath.nightly.gc", Optional.of(warehouse.toUri().toString()),
                Map.of(), new Configuration());

        IcebergRunTable.GcResult plan = runs.gc(1, true, Duration.ZERO);
        assertThat(plan.runs()).extracting(IcebergRunTable.Run::runId).containsExactly("a");
        assertThat(plan.staged()).hasSize(1);
        assertThat(plan.orphans()).singleElement().asString().endsWith("/data/00000-killed-task.parquet");
        t.refresh();
        assertThat(countSnapshots(t)).as("a dry run deletes nothing").isEqualTo(4);

        IcebergRunTable.GcResult done = runs.gc(1, false, Duration.ZERO);
        assertThat(done.runs()).extracting(IcebergRunTable.Run::snapshotId).containsExactly(a);
        assertThat(done.files()).as("run a's and the killed run's data files, manifests and manifest lists")
                .isGreaterThanOrEqualTo(4);
        t.refresh();
        assertThat(countSnapshots(t)).isEqualTo(2);
        assertThat(t.snapshot(a)).isNull();
        assertThat(t.refs()).doesNotContainKey("run-a").containsKeys("run-b", "run-c");
        assertThat(runA).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(rowsByRun(t, c, new ArrayList<>())).containsExactly(Map.entry("c", 178));
        assertThat(runs.rollback().to().runId()).isEqualTo("b");
        assertThat(rowsByRun(t, t.refs().get("run-b").snapshotId(), new ArrayList<>()))
                .containsExactly(Map.entry("b", 178));
        Path young = Files.writeString(data.resolve("00001-maybe-still-writing.parquet"), "a run still writing");
        IcebergRunTable.GcResult again = runs.gc(1, false, Duration.ofDays(1));
        assertThat(again.runs()).as("b is current, c the newest other").isEmpty();
        assertThat(again.orphans()).isEmpty();
        assertThat(young).exists();
    }

    @Test
    void gcRemovesTheBranchOfARerunKilledWhileItRemovedItsEarlierAttemptsRows() throws Exception {
        written("rerun", "r1", WriteMode.OVERWRITE_PARTITIONS).commit(manifest("r1"));
        Table t = table("rerun");
        long current = t.currentSnapshot().snapshotId();
        spark.conf().set("spark.wap.id", "r1-killed");
        try { // the rerun's staged snapshot, then its clean-up on the temporary branch, and then the kill
            spark.table("coldpath.nightly.rerun").writeTo("coldpath.nightly.rerun")
                    .option("snapshot-property.coldpath.run-id", "r1").overwritePartitions();
        } finally {
            spark.conf().unset("spark.wap.id");
        }
        t.refresh();
        long staged = t.snapshots().iterator().next().snapshotId();
        for (Snapshot s : t.snapshots()) {
            staged = s.snapshotId() == current ? staged : s.snapshotId();
        }
        t.manageSnapshots().createBranch("coldpath-rerun-r1-killed", staged).commit();
        try (CloseableIterable<FileScanTask> tasks = t.newScan().useSnapshot(current).planFiles()) {
            t.newDelete().deleteFile(tasks.iterator().next().file()).set("coldpath.run-id", "r1")
                    .toBranch("coldpath-rerun-r1-killed").commit();
        }
        long cleanUp = t.refs().get("coldpath-rerun-r1-killed").snapshotId();
        IcebergRunTable runs = IcebergRunTable.open("coldpath.nightly.rerun", Optional.of(warehouse.toUri().toString()),
                Map.of(), new Configuration());

        assertThat(runs.gc(5, true, Duration.ofDays(1)).branches()).as("it may still be running").isEmpty();
        IcebergRunTable.GcResult plan = runs.gc(5, true, Duration.ZERO);
        assertThat(plan.branches()).containsExactly("coldpath-rerun-r1-killed");
        assertThat(plan.staged()).containsExactlyInAnyOrder(staged, cleanUp);
        assertThat(plan.runs()).isEmpty();
        IcebergRunTable.GcResult done = runs.gc(5, false, Duration.ZERO);
        assertThat(done.branches()).containsExactly("coldpath-rerun-r1-killed");
        t.refresh();
        assertThat(t.refs()).doesNotContainKey("coldpath-rerun-r1-killed");
        assertThat(t.snapshot(staged)).isNull();
        assertThat(t.snapshot(cleanUp)).isNull();
        assertThat(t.currentSnapshot().snapshotId()).isEqualTo(current);
        assertThat(rowsByRun(t, current, new ArrayList<>())).containsExactly(Map.entry("r1", 178));
        assertThat(runs.runs()).extracting(IcebergRunTable.Run::runId).containsExactly("r1");
        runs.close();
    }

    @Test
    void aManualRunWaitsOnTheStagingBranchUntilPromoted() throws Exception {
        new SparkScoringJob(spark).run(job("manual", "run.id", "p1"));
        RunResult staged = new SparkScoringJob(spark).run(job("manual", "run.id", "p2", "output.promote", "manual"));
        assertThat(staged.promoted()).isFalse();

        Table t = table("manual");
        long p1 = t.refs().get("run-p1").snapshotId();
        long p2 = t.refs().get("run-p2").snapshotId();
        assertThat(t.currentSnapshot().snapshotId()).isEqualTo(p1);
        assertThat(t.refs().get("coldpath-staging").isBranch()).isTrue();
        assertThat(t.refs().get("coldpath-staging").snapshotId()).isEqualTo(p2);
        assertThat(rowsByRun(t, p1, new ArrayList<>())).containsExactly(Map.entry("p1", 178));
        assertThat(spark.sql("SELECT DISTINCT run_id FROM coldpath.nightly.manual VERSION AS OF 'coldpath-staging'")
                .collectAsList().toString()).isEqualTo("[[p2]]");
        IcebergRunTable runs = IcebergRunTable.open("coldpath.nightly.manual",
                Optional.of(warehouse.toUri().toString()), Map.of(), new Configuration());
        assertThat(runs.runs()).extracting(IcebergRunTable.Run::runId, IcebergRunTable.Run::current)
                .containsExactly(tuple("p1", true), tuple("p2", false));
        assertThat(runs.gc(1, true, Duration.ZERO).runs()).as("the staged run is a branch's head").isEmpty();

        assertThat(runs.promote("p2").runId()).isEqualTo("p2");
        t.refresh();
        assertThat(t.currentSnapshot().snapshotId()).isEqualTo(p2);
        assertThat(rowsByRun(t, t.currentSnapshot().snapshotId(), new ArrayList<>()))
                .containsExactly(Map.entry("p2", 178));
        assertThat(runs.rollback().to().runId()).isEqualTo("p1");
        assertThatThrownBy(() -> runs.promote("p9")).hasMessageContaining("has no committed run 'p9'");
    }

    /** The trainer's own probabilities of each wine id (sample-data/expected/wine_mlp.csv). */
    private static Map<Long, float[]> trainerProbabilities() throws IOException {
        Map<Long, float[]> byId = new TreeMap<>();
        List<String> lines = Files.readAllLines(SampleData.dir().resolve("expected/wine_mlp.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            byId.put(Long.parseLong(f[0]), new float[] {Float.parseFloat(f[1]), Float.parseFloat(f[2]),
                    Float.parseFloat(f[3])});
        }
        return byId;
    }

    private static JobSpec incremental(String runId) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model("wine_mlp").toString());
        flat.put("input.table", "coldpath.events.wine");
        flat.put("input.incremental", "true");
        flat.put("output.format", "iceberg");
        flat.put("output.table", "coldpath.nightly.from_events");
        flat.put("output.warehouse", warehouse.toString());
        flat.put("output.mode", "append");
        flat.put("output.labels", "ids");
        flat.put("run.id", runId);
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    @Test
    void anIncrementalTableInputScoresItsRowsThenOnlyTheAppendedOnesThenNothing() throws Exception {
        Dataset<Row> wine = spark.read().parquet(SampleData.data("wine").toString());
        IcebergRunSink.configureCatalog(spark, new HadoopFileStore(spark.sparkContext().hadoopConfiguration()),
                "coldpath.events.wine", warehouse.toString(), "input.table", "input.warehouse");
        spark.sql("CREATE NAMESPACE IF NOT EXISTS coldpath.events");
        wine.where("id < 100").writeTo("coldpath.events.wine").using("iceberg").create();
        Table events = new HadoopCatalog(new Configuration(), warehouse.toUri().toString())
                .loadTable(TableIdentifier.of("events", "wine"));
        long first = events.currentSnapshot().snapshotId();

        JobPreflight.Checked checked = JobPreflight.check(incremental("e1"), new Configuration());
        assertThat(checked.plan()).isPresent();
        assertThat(checked.plan().get().input().schema().columns()).extracting(c -> c.name()).contains("features");
        RunResult e1 = new SparkScoringJob(spark).run(incremental("e1"));
        assertThat(e1.rowsWritten()).isEqualTo(100);
        Table out = table("from_events");
        assertThat(out.currentSnapshot().summary()).containsEntry("coldpath.input-snapshot-id", Long.toString(first))
                .containsEntry("coldpath.input-table", "coldpath.events.wine")
                .containsEntry("coldpath.input-table-uuid", events.uuid().toString());

        wine.where("id >= 100 AND id < 150").writeTo("coldpath.events.wine").append();
        events.refresh();
        long second = events.currentSnapshot().snapshotId();
        assertThat(JobPreflight.check(incremental("e2"), new Configuration()).files()).hasSize((int) wine
                .where("id >= 100 AND id < 150").rdd().getNumPartitions());
        RunResult e2 = new SparkScoringJob(spark).run(incremental("e2"));
        assertThat(e2.rowsWritten()).isEqualTo(50);
        out.refresh();
        long afterE2 = out.currentSnapshot().snapshotId();
        assertThat(out.currentSnapshot().summary()).containsEntry("coldpath.input-snapshot-id",
                Long.toString(second));

        Map<Long, float[]> trainer = trainerProbabilities();
        Map<String, List<Long>> idsByRun = new TreeMap<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(out).useSnapshot(afterE2).build()) {
            for (Record row : rows) {
                long id = ((Number) row.getField("id")).longValue();
                idsByRun.computeIfAbsent((String) row.getField("run_id"), r -> new ArrayList<>()).add(id);
                List<?> p = (List<?>) row.getField("probabilities");
                for (int k = 0; k < 3; k++) {
                    assertThat((Float) p.get(k)).as("p%d of wine %d", k, id)
                            .isCloseTo(trainer.get(id)[k], offset(1e-5f));
                }
            }
        }
        idsByRun.values().forEach(ids -> ids.sort(null));
        assertThat(idsByRun.get("e1")).hasSize(100).allMatch(id -> id < 100).doesNotHaveDuplicates();
        assertThat(idsByRun.get("e2")).hasSize(50).allMatch(id -> id >= 100 && id < 150).doesNotHaveDuplicates();

        assertThat(JobPreflight.check(incremental("e3"), new Configuration()).plan()).isEmpty();
        RunResult e3 = new SparkScoringJob(spark).run(incremental("e3"));
        assertThat(e3.nothingToScore()).isTrue();
        out.refresh();
        assertThat(out.currentSnapshot().snapshotId()).isEqualTo(afterE2);

        // a snapshot that deletes rows cannot be read incrementally: the run says what to do
        try (CloseableIterable<FileScanTask> tasks = events.newScan().planFiles()) {
            events.newDelete().deleteFile(tasks.iterator().next().file()).commit();
        }
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(incremental("e4")))
                .isInstanceOf(InputDataException.class)
                .hasMessageContaining("is a delete, not an append")
                .hasMessageContaining("input.incremental: false and output.mode: overwrite (it replaces the"
                        + " table;");

        // read whole, the table can be scored into a Parquet run table too
        events.refresh();
        long left = 0;
        try (CloseableIterable<Record> rows = IcebergGenerics.read(events).build()) {
            for (Record ignored : rows) {
                left++;
            }
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model("wine_mlp").toString());
        flat.put("input.table", "coldpath.events.wine");
        flat.put("input.warehouse", warehouse.toString());
        flat.put("output.path", warehouse.resolve("parquet-from-events").toString());
        RunResult whole = new SparkScoringJob(spark).run(JobSpec.from(JobConfig.of(flat, "test")));
        assertThat(whole.rowsWritten()).isEqualTo(left).isLessThan(150);
    }

    /** Writes run {@code runId}'s rows (the wine ids) through the sink, staged but not committed. */
    private IcebergRunSink written(String table, String runId, WriteMode mode) {
        return written(table, runId, mode, Optional.empty());
    }

    /** As {@link #written(String, String, WriteMode)}, the run having read {@code input} of an Iceberg table. */
    private IcebergRunSink written(String table, String runId, WriteMode mode, Optional<IcebergSource.Range> input) {
        return written(table, runId, mode, input, Optional.empty(), List.of());
    }

    /** As {@link #written(String, String, WriteMode)}, for a run of {@code period} into a table partitioned so. */
    private IcebergRunSink written(String table, String runId, WriteMode mode, Optional<IcebergSource.Range> input,
                                   Optional<String> period, List<String> partitionBy) {
        Dataset<Row> rows = spark.read().parquet(SampleData.data("wine").toString()).select("id");
        IcebergRunSink sink = new IcebergRunSink(spark, new HadoopFileStore(spark.sparkContext().hadoopConfiguration()),
                new IcebergTable("coldpath.nightly." + table, warehouse.toString(), partitionBy, mode,
                        PromotePolicy.ON_SUCCESS),
                new ModelArtifact("test.onnx", "0".repeat(64), 1, "test", "1", Map.of()), List.of("id"));
        input.ifPresent(sink::recordInput);
        sink.stage(new RunLineage("1", runId, period, Instant.now()));
        sink.write(new ScoredRows(spark, rejects -> rows.queryExecution().toRdd(), rows.schema(), rows.schema()),
                false);
        return sink;
    }

    private static RunManifest manifest(String runId) {
        String now = Instant.now().toString();
        return new RunManifest(RunManifest.FORMAT_VERSION, runId, "test", "run-" + runId, null,
                new RunManifest.Rows(178, 178, 0), now, now, 1, Map.of(), null, null, List.of(), null, null);
    }

    @Test
    void twoRunsCommittingAtOnceBothCommitWithCommitRetriesConfigured() {
        IcebergRunSink x = written("both", "x", WriteMode.APPEND);
        IcebergRunSink y = written("both", "y", WriteMode.APPEND); // written while x is not committed yet
        y.commit(manifest("y"));
        x.commit(manifest("x")); // the table moved since x was written: x is re-applied on top of y

        Table t = table("both");
        assertThat(t.properties()).containsEntry("commit.retry.num-retries", "10");
        List<String> keys = new ArrayList<>();
        assertThat(rowsByRun(t, t.currentSnapshot().snapshotId(), keys)).containsExactly(Map.entry("x", 178),
                Map.entry("y", 178));
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(t.refs().get("run-x").snapshotId()).isEqualTo(t.currentSnapshot().snapshotId());
        assertThat(IcebergRunTable.open("coldpath.nightly.both", Optional.of(warehouse.toUri().toString()), Map.of(),
                new Configuration()).runs()).extracting(IcebergRunTable.Run::runId, IcebergRunTable.Run::current)
                .containsExactly(tuple("y", false), tuple("x", true));

        // overwrite: the later commit replaces the table, whatever committed while it was written
        IcebergRunSink full = written("both", "full", WriteMode.OVERWRITE);
        written("both", "z", WriteMode.APPEND).commit(manifest("z"));
        full.commit(manifest("full"));
        t.refresh();
        assertThat(rowsByRun(t, t.currentSnapshot().snapshotId(), new ArrayList<>()))
                .containsExactly(Map.entry("full", 178));
    }

    @Test
    void partitionedByPeriodARerunOfAnEarlierDateReplacesThatDateOnly() {
        for (String date : List.of("2026-11-27", "2026-11-28", "2026-11-27")) { // two nights, then a rerun today
            written("dated", date, WriteMode.OVERWRITE_PARTITIONS, Optional.empty(), Optional.of(date),
                    List.of("period")).commit(manifest(date));
        }
        assertThatThrownBy(() -> written("dated", "2026-11-29T05", WriteMode.OVERWRITE_PARTITIONS, Optional.empty(),
                Optional.of("2026-11-29T05"), List.of("period"))).isInstanceOf(JobSpecException.class)
                .hasMessageContaining("the period column of Iceberg table coldpath.nightly.dated holds days");

        Table t = table("dated");
        List<String> keys = new ArrayList<>();
        assertThat(rowsByRun(t, t.currentSnapshot().snapshotId(), keys))
                .containsExactly(Map.entry("2026-11-27", 178), Map.entry("2026-11-28", 178));
        assertThat(keys).doesNotHaveDuplicates();
        Map<Object, Integer> byPeriod = new TreeMap<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
            rows.forEach(row -> byPeriod.merge(row.getField("period").toString() + "/" + row.getField("run_id"), 1,
                    Integer::sum));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(byPeriod).containsExactly(Map.entry("2026-11-27/2026-11-27", 178),
                Map.entry("2026-11-28/2026-11-28", 178));
        assertThat(t.spec().fields()).extracting(f -> f.name()).containsExactly("period");
    }

    @Test
    void ofTwoIncrementalRunsThatReadTheSameRangeOnlyTheFirstToCommitCommits() {
        IcebergSource.Range range = new IcebergSource.Range("coldpath.events.clicks", "c1", true,
                OptionalLong.empty(), 9, List.of(), new RowSchema(List.of()), Optional.empty());
        IcebergRunSink a = written("overlap", "h1", WriteMode.APPEND, Optional.of(range));
        IcebergRunSink b = written("overlap", "h2", WriteMode.APPEND, Optional.of(range)); // started before a committed
        a.commit(manifest("h1"));
        assertThatThrownBy(() -> b.commit(manifest("h2"))).isInstanceOf(OutputCommitException.class)
                .hasMessageContaining("Another run of coldpath.nightly.overlap read coldpath.events.clicks up to"
                        + " snapshot 9 while this one ran, which read from the start")
                .hasMessageContaining("start the run again")
                .extracting(e -> ((OutputCommitException) e).fault()).isEqualTo(Fault.EXTERNAL);

        Table t = table("overlap");
        assertThat(rowsByRun(t, t.currentSnapshot().snapshotId(), new ArrayList<>()))
                .containsExactly(Map.entry("h1", 178));
        assertThat(t.refs()).doesNotContainKey("run-h2");
        assertThat(countSnapshots(t)).as("the refused run's staged snapshot is expired").isEqualTo(1);
        assertThat(IcebergSource.lastRead("coldpath.events.clicks", "c1", Optional.of(t))).hasValue(9);
        assertThat(t.properties()).containsEntry("coldpath.input-snapshot-id", "9")
                .containsEntry("coldpath.input-table", "coldpath.events.clicks");
    }

    @Test
    void whereTheOutputTablesHistoryExpiredAnIncrementalRunStartsFromTheTablePropertiesOrFails() {
        Table t = new HadoopCatalog(new Configuration(), warehouse.toUri().toString()).createTable(
                TableIdentifier.of("nightly", "expired"), new Schema(Types.NestedField.optional(1, "id",
                        Types.LongType.get())));
        t.newFastAppend().set("coldpath.input-table", "coldpath.events.x").set("coldpath.input-snapshot-id", "5")
                .commit();
        long run = t.currentSnapshot().snapshotId();
        t.newFastAppend().commit(); // not a run: a compaction's, another writer's
        t.expireSnapshots().expireSnapshotId(run).commit();
        t.refresh();

        assertThatThrownBy(() -> IcebergSource.lastRead("coldpath.events.x", "x1", Optional.of(t)))
                .isInstanceOf(InputDataException.class)
                .hasMessageContaining("its history ends at snapshot " + run + ", which expired")
                .hasMessageContaining("input.incremental: false and output.mode: overwrite");
        t.updateProperties().set("coldpath.input-table", "coldpath.events.x").set("coldpath.input-snapshot-id", "5")
                .commit();
        assertThat(IcebergSource.lastRead("coldpath.events.x", "x1", Optional.of(t))).hasValue(5);
    }

    @Test
    void anInputTablesColumnsHaveTheTypesSparkReadsThemAs() {
        Schema schema = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "at", Types.TimestampType.withZone()),
                Types.NestedField.optional(3, "price", Types.DecimalType.of(10, 2)),
                Types.NestedField.optional(4, "features", Types.ListType.ofOptional(5, Types.FloatType.get())));

        assertThat(IcebergSource.rowSchema(schema).columns()).extracting(Column::type).containsExactly(
                ColumnType.LONG, ColumnType.other("timestamp"), ColumnType.other("decimal(10,2)"),
                ColumnType.arrayOf(ColumnType.FLOAT));
    }

    @Test
    void anIncrementalRunFindsWhatTheLastRunReadByTheInputTablesUuidThroughRenames() {
        Table t = new HadoopCatalog(new Configuration(), warehouse.toUri().toString()).createTable(
                TableIdentifier.of("nightly", "renamed"), new Schema(Types.NestedField.optional(1, "id",
                        Types.LongType.get())));
        t.newFastAppend().set("coldpath.input-table", "coldpath.events.old_name")
                .set("coldpath.input-table-uuid", "u1").set("coldpath.input-snapshot-id", "5").commit();
        t.newFastAppend().set("coldpath.input-table", "coldpath.events.same_name")
                .set("coldpath.input-snapshot-id", "3").commit(); // a run that did not record UUIDs

        assertThat(IcebergSource.lastRead("coldpath.events.new_name", "u1", Optional.of(t))).hasValue(5);
        assertThat(IcebergSource.lastRead("coldpath.events.old_name", "u2", Optional.of(t)))
                .as("a table re-created under the old name is another table").isEmpty();
        assertThat(IcebergSource.lastRead("coldpath.events.same_name", "u3", Optional.of(t))).hasValue(3);
    }

    /** A job scoring input table {@code coldpath.events.<name>} (wine's rows) into a Parquet table. */
    private static JobSpec fromInputTable(String name, String runner) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model("wine_mlp").toString());
        flat.put("input.table", "coldpath.events." + name);
        flat.put("input.warehouse", warehouse.toString());
        flat.put("output.path", warehouse.resolve("parquet-" + name).toString());
        flat.put("spark.master", "local[2]");
        flat.put("runner", runner);
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    private void createInputTable(String name, String... properties) throws Exception {
        IcebergRunSink.configureCatalog(spark, new HadoopFileStore(spark.sparkContext().hadoopConfiguration()),
                "coldpath.events." + name, warehouse.toString(), "input.table", "input.warehouse");
        spark.sql("CREATE NAMESPACE IF NOT EXISTS coldpath.events");
        var writer = spark.read().parquet(SampleData.data("wine").toString()).writeTo("coldpath.events." + name)
                .using("iceberg");
        for (int i = 0; i < properties.length; i += 2) {
            writer = writer.tableProperty(properties[i], properties[i + 1]);
        }
        writer.create();
    }

    @Test
    void anInputTableWithRowLevelDeletesGoesToSparkUnderAutoAndIsRefusedByLocal() throws Exception {
        createInputTable("deleted", "format-version", "2", "write.delete.mode", "merge-on-read");
        spark.sql("DELETE FROM coldpath.events.deleted WHERE id % 2 = 0");
        Table t = new HadoopCatalog(new Configuration(), warehouse.toUri().toString())
                .loadTable(TableIdentifier.of("events", "deleted"));
        assertThat(t.currentSnapshot().summary()).as("a merge-on-read delete").containsKey("added-delete-files");

        RunnerChoice auto = RunnerChoice.choose(JobPreflight.check(fromInputTable("deleted", "auto")));
        assertThat(auto.runner()).isEqualTo(Runner.SPARK);
        assertThat(auto.reason()).startsWith("runner: auto, and the local runner does not take an input table with"
                + " row-level deletes (coldpath.events.deleted: ");
        assertThatThrownBy(() -> RunnerChoice.choose(JobPreflight.check(fromInputTable("deleted", "local"))))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("runner: local cannot run this job: an input table with row-level deletes")
                .hasMessageEndingWith("(use runner: spark, or auto)");
    }

    @Test
    void anInputTableWhoseFilePathsHaveNoSchemeIsOnTheDefaultFileSystem() throws Exception {
        createInputTable("unqualified");
        Table t = new HadoopCatalog(new Configuration(), warehouse.toUri().toString())
                .loadTable(TableIdentifier.of("events", "unqualified"));
        OverwriteFiles rewrite = t.newOverwrite();
        try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
            for (FileScanTask task : tasks) { // as files added to a table by a path without a scheme
                rewrite.deleteFile(task.file()).addFile(DataFiles.builder(t.spec()).copy(task.file())
                        .withPath(URI.create(task.file().location()).getPath()).build());
            }
        }
        rewrite.commit();
        JobPreflight.Checked checked = JobPreflight.check(fromInputTable("unqualified", "auto"));
        assertThat(checked.files()).allSatisfy(f -> assertThat(f.path()).startsWith("/"));

        RunnerChoice choice = RunnerChoice.choose(checked);
        assertThat(choice.runner()).isEqualTo(Runner.LOCAL);
        assertThat(choice.reason()).contains(" on local disk, under runner.local-max-bytes ");
    }

    @Test
    void aCatalogThatCannotBeReachedBeforeSparkStartsIsAnExternalFailureNamingItsKeys() {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model("wine_mlp").toString());
        flat.put("input.table", "down.events.wine");
        flat.put("output.format", "iceberg");
        flat.put("output.table", "coldpath.nightly.from_down");
        flat.put("output.warehouse", warehouse.toString());
        flat.put("spark.sql.catalog.down", "org.apache.iceberg.spark.SparkCatalog");
        flat.put("spark.sql.catalog.down.type", "jdbc");
        flat.put("spark.sql.catalog.down.uri", "jdbc:h2:tcp://127.0.0.1:1/nothing-listens-here");
        flat.put("spark.sql.catalog.down.warehouse", warehouse.resolve("down").toString());
        JobSpec spec = JobSpec.from(JobConfig.of(flat, "test"));

        assertThatThrownBy(() -> JobPreflight.icebergRange(spec, new Configuration()))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("Cannot load input table down.events.wine from catalog down: ")
                .hasMessageEndingWith("(check spark.sql.catalog.down.* and that the catalog is reachable)")
                .extracting(e -> ((StorageException) e).fault()).isEqualTo(Fault.EXTERNAL);
    }

    private static int countSnapshots(Table t) {
        int n = 0;
        for (Snapshot ignored : t.snapshots()) {
            n++;
        }
        return n;
    }
}
