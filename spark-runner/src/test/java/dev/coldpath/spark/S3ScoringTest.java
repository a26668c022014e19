package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ParquetSink;
import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.registry.RegisteredModel;
import dev.coldpath.core.testing.ExternalDataModels;
import dev.coldpath.core.registry.ModelLineage;
import dev.coldpath.core.registry.ModelRegistry;
import dev.coldpath.core.spec.ExecutorSpec;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.Runner;
import dev.coldpath.core.table.RunLineage;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.table.StagedRun;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jobs whose input, prediction table, registry and model are on s3a://, against a real S3 server (s3proxy in
 * its own JVM, shared with the other S3 test classes), with real Spark (local[2]) and ONNX Runtime. Each test uses its
 * own bucket, so the file systems Hadoop caches per bucket never carry one test's settings into another.
 */
@Tag("slow") // excluded by mvn -Pquick
class S3ScoringTest {
    /** What the class's shared runs write on local disk. */
    @TempDir
    static Path classDir;
    @TempDir
    Path tmp;

    private static S3ProxyServer server;
    private static RunResult onLocalDisk;
    private static PlainS3ModelRun plainS3ModelRun;
    private final SparkSession spark = LocalSpark.get();
    private String bucket;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.shared();
        S3Testing.configure(LocalSpark.get(), server);
    }

    @BeforeEach
    void setUp() {
        LocalSpark.resetSessionsWhenIdle();
        bucket = server.createBucket("b-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private Configuration conf() {
        return spark.sparkContext().hadoopConfiguration();
    }

    private String uploadWine() throws Exception {
        String input = bucket + "/landing/wine.parquet";
        try (FileSystem fs = FileSystem.newInstance(new org.apache.hadoop.fs.Path(bucket).toUri(), conf())) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(SampleData.data("wine").toUri()),
                    new org.apache.hadoop.fs.Path(input));
        }
        return input;
    }

    private String register() throws Exception {
        String registry = bucket + "/registry";
        new ModelRegistry(new HadoopFileStore(conf()), registry).register("wine_mlp", "1.0.0",
                SampleData.model("wine_mlp").toString(), LocalModel.of(SampleData.model("wine_mlp")),
                ModelLineage.none());
        return registry;
    }

    private JobSpec job(String model, String input, String output, String... more) {
        Map<String, Object> flat = new LinkedHashMap<>(server.sparkConf());
        flat.put("model", model);
        flat.put("input.path", input);
        flat.put("output.path", output);
        for (int i = 0; i < more.length; i += 2) {
            flat.put(more[i], more[i + 1]);
        }
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    private RunTable table(String root) {
        HadoopFileStore store = new HadoopFileStore(conf());
        return new RunTable(store, store.qualify(root));
    }

    /** Every object under {@code root}, listed through s3a. */
    private List<String> objects(String root) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(root);
        RemoteIterator<LocatedFileStatus> files = path.getFileSystem(conf()).listFiles(path, true);
        List<String> all = new ArrayList<>();
        while (files.hasNext()) {
            all.add(files.next().getPath().toString());
        }
        return all;
    }

    /** The wine job on local disk (model, input and table), run once: what the jobs on S3 must equal. */
    private static synchronized RunResult onLocalDisk() {
        if (onLocalDisk == null) {
            onLocalDisk = new SparkScoringJob(LocalSpark.get()).run(JobSpec.from(JobConfig.of(Map.of(
                    "model", SampleData.model("wine_mlp").toString(), "input.path", SampleData.data("wine").toString(),
                    "output.path", classDir.resolve("on-local-disk").toString(),
                    "run.id", "2026-11-28"), "test")));
        }
        return onLocalDisk;
    }

    /** A run's rows without its lineage columns (its model version and start time differ between the two runs). */
    private List<String> predictions(String dataPath) {
        return spark.read().parquet(dataPath).drop(RunLineage.COLUMNS.toArray(String[]::new)).orderBy("id")
                .collectAsList().stream().map(Row::toString).toList();
    }

    /**
     * Written in place outside Spark (the local runner's quarantine and shadows, and its run files: through Spark's
     * writer, or with constant lineage columns), an aborted part file is never put.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anAbortedPartFileWrittenInPlaceOnS3IsNeverUploaded(boolean constantLineage) throws Exception {
        String dir = bucket + "/table/_quarantine";
        FileSystem fs = new org.apache.hadoop.fs.Path(dir).getFileSystem(conf());
        long puts = IOStatisticsSupport.retrieveIOStatistics(fs).counters().getOrDefault("object_put_request", 0L);
        StructType schema = new StructType().add("id", DataTypes.LongType);
        PartFiles files = SparkInternals.localParquetFiles(conf(), schema, true);
        InternalRow lineage = ParquetRunTableSink.lineageRow(new RunLineage("v1", "run", Optional.empty(),
                Instant.now()));
        if (constantLineage) {
            files = LineageParquetFiles.of(SparkInternals.localParquetFiles(conf(), ParquetRunTableSink
                    .withLineageColumns(schema, new RunLineage("v1", "run", Optional.empty(), Instant.now()), false)
                    .asNullable(), true), 1, lineage).orElseThrow();
        }
        TaskParquetFile file = new TaskParquetFile(dir, files, "coldpath-test", "rows", 0, 0);
        file.write(new GenericInternalRow(new Object[] {1L}));

        file.abort();

        assertThat(objects(bucket)).isEmpty();
        assertThat(IOStatisticsSupport.retrieveIOStatistics(fs).counters().getOrDefault("object_put_request", 0L)).isEqualTo(puts);
    }

    @Test
    void thePreflightReadsTheRegistryModelAndTheInputsFootersOnS3WithTheJobsSettingsAlone() throws Exception {
        String input = uploadWine();
        String registry = register();

        JobPreflight.Checked checked = JobPreflight.check(job("wine_mlp@1.0.0", input, bucket + "/predictions",
                "registry", registry));

        assertThat(checked.files()).singleElement().satisfies(f -> assertThat(f.path()).endsWith("wine.parquet"));
        assertThat(checked.footers().orElseThrow().rows()).hasValue(178);
        assertThat(checked.plan().orElseThrow().binding().encoders()).singleElement()
                .satisfies(e -> assertThat(e.columns()).containsExactly("features"));
        assertThat(checked.model().version()).isEqualTo("1.0.0");
        assertThatThrownBy(() -> JobPreflight.check(job("wine_mlp@1.0.0", bucket + "/landing/later",
                bucket + "/predictions", "registry", registry))).isInstanceOf(InputDataException.class)
                .hasMessageContaining("does not exist (yet)");
    }

    /** Also the local runner (Spark's own tests keep --runner spark): the same job, in this JVM, on S3 both ways. */
    @Test
    void jobWithInputTableRegistryAndModelOnS3EqualsTheSameJobOnLocalDisk() throws Exception {
        String input = uploadWine();
        String registry = register();
        String output = bucket + "/predictions";

        RunResult s3 = new SparkScoringJob(spark).run(job("wine_mlp@1.0.0", input, output,
                "registry", registry, "run.id", "2026-11-28"));
        RunResult local = onLocalDisk();
        JobSpec inProcess = job("wine_mlp@1.0.0", input, bucket + "/in-process", "registry", registry, "run.id",
                "2026-11-28");
        JobPreflight.Checked checked = JobPreflight.check(inProcess);
        RunnerChoice choice = RunnerChoice.choose(checked);
        RunResult onLocalRunner = new LocalScoringJob(inProcess, Progress.Listener.NONE, Duration.ofSeconds(1))
                .run(inProcess, choice.reason(), Optional.of(checked));

        assertThat(s3.rowsWritten()).isEqualTo(178);
        assertThat(predictions(s3.dataPath())).hasSize(178).isEqualTo(predictions(local.dataPath()))
                .isEqualTo(predictions(onLocalRunner.dataPath()));
        assertThat(choice.runner()).isEqualTo(Runner.LOCAL);
        assertThat(choice.reason()).contains("input 1 file of 8.0 KB on " + bucket + ",");
        assertThat(table(bucket + "/in-process").run("2026-11-28").orElseThrow().manifest().runner().name())
                .isEqualTo(LocalScoringJob.NAME);
        assertThat(objects(bucket + "/in-process")).as("the local runner's table on S3")
                .contains(onLocalRunner.dataPath() + "/_manifest.json", onLocalRunner.dataPath() + "/_SUCCESS")
                .anyMatch(o -> o.matches(Pattern.quote(onLocalRunner.dataPath())
                        + "/part-00000-[0-9a-f-]{36}-c000\\.snappy\\.parquet")) // named as Spark names its files
                .noneMatch(o -> o.contains("/_staging/") || o.contains(".tmp"));

        // a folder of image files on S3, scored by the local runner: each file read whole through s3a
        String images = bucket + "/landing/images";
        List<String> names = List.of("t10k-00000-ankle-boot.png", "t10k-00001-pullover.jpg");
        try (FileSystem fs = FileSystem.newInstance(new org.apache.hadoop.fs.Path(bucket).toUri(), conf())) {
            for (String name : names) {
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(SampleData.dir()
                        .resolve("images/fashion-mnist/" + name).toUri()), new org.apache.hadoop.fs.Path(images, name));
            }
        }
        JobSpec imageJob = job(SampleData.model("fashion_mnist_linear").toString(), images, bucket + "/images",
                "input.format", "images", "image.channels", "gray", "image.scale", "1/255", "image.labels",
                "fashion_mnist_labels.txt");
        JobPreflight.Checked imagesChecked = JobPreflight.check(imageJob);
        RunnerChoice imagesChoice = RunnerChoice.choose(imagesChecked);
        RunResult imagesRun = new LocalScoringJob(imageJob, Progress.Listener.NONE, Duration.ofSeconds(1))
                .run(imageJob, imagesChoice.reason(), Optional.of(imagesChecked));
        assertThat(imagesChoice.runner()).isEqualTo(Runner.LOCAL);
        assertThat(spark.read().parquet(imagesRun.dataPath()).select("path", "label").collectAsList())
                .extracting(r -> r.getString(0) + " " + r.getString(1))
                .containsExactlyInAnyOrder(images + "/" + names.get(0) + " Ankle boot",
                        images + "/" + names.get(1) + " Pullover");
        RunTable t = table(output);
        assertThat(t.runs()).extracting(r -> r.runId()).containsExactly("2026-11-28");
        assertThat(t.current().orElseThrow().runId()).isEqualTo("2026-11-28");
        assertThat(t.run("2026-11-28").orElseThrow().manifest().model().location())
                .isEqualTo(registry + "/wine_mlp/1.0.0/model.onnx");
        assertThat(s3.dataPath()).startsWith(bucket + "/predictions/run=2026-11-28@1.0.0");
        // Every object of the table, through S3 itself (the server's filesystem backend may keep empty folders,
        // which are not objects): the committed run's files are there, and nothing staged or magic is left.
        List<String> objects = objects(output);
        assertThat(objects).as("the table's objects").contains(s3.dataPath() + "/_manifest.json",
                s3.dataPath() + "/_SUCCESS").anyMatch(o -> o.startsWith(s3.dataPath() + "/part-"));
        assertThat(objects).as("staging and magic committer leftovers")
                .noneMatch(o -> o.contains("/_staging/") || o.contains("__magic"));
        assertThat(ExecutorSessions.models(ExecutorSpec.DEFAULTS).directory(s3.model().sha256()).resolve("model.onnx"))
                .as("model cached on local disk").exists();
        String success = new String(new HadoopFileStore(conf()).read(s3.dataPath() + "/_SUCCESS").orElseThrow(),
                StandardCharsets.UTF_8);
        assertThat(success).as("the S3A magic committer's _SUCCESS summary")
                .containsPattern("\"committer\"\\s*:\\s*\"magic\"");
    }

    /**
     * A job whose model is a plain s3a:// path, with its own executor model cache: run once for the two tests below,
     * which each check an aspect of it.
     */
    private record PlainS3ModelRun(Map<String, String> job, RunResult first, Path cacheDir) {
    }

    private static synchronized PlainS3ModelRun plainS3ModelRun() throws IOException {
        if (plainS3ModelRun == null) {
            String bucket = server.createBucket("plain-" + UUID.randomUUID().toString().substring(0, 8));
            String input = bucket + "/landing/wine.parquet";
            String model = bucket + "/models/wine_mlp.onnx";
            Configuration conf = LocalSpark.get().sparkContext().hadoopConfiguration();
            try (FileSystem fs = FileSystem.newInstance(new org.apache.hadoop.fs.Path(bucket).toUri(), conf)) {
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(SampleData.data("wine").toUri()),
                        new org.apache.hadoop.fs.Path(input));
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(SampleData.model("wine_mlp").toUri()),
                        new org.apache.hadoop.fs.Path(model));
            }
            Path cacheDir = classDir.resolve("executor-models");
            Map<String, String> job = Map.of("model", model, "input.path", input, "output.path",
                    bucket + "/predictions", "run.id", "nightly", "executor.model-cache.dir", cacheDir.toString(),
                    "executor.model-cache.max", "1");
            RunResult first = new SparkScoringJob(LocalSpark.get()).run(plainJob(job));
            plainS3ModelRun = new PlainS3ModelRun(job, first, cacheDir);
        }
        return plainS3ModelRun;
    }

    private static JobSpec plainJob(Map<String, String> keys) {
        Map<String, Object> flat = new LinkedHashMap<>(server.sparkConf());
        flat.putAll(keys);
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    @Test
    void plainS3ModelPathWorksAndARerunOfARunIdReplacesItWithoutDuplicates() throws Exception {
        PlainS3ModelRun run = plainS3ModelRun();
        RunResult first = run.first();

        RunResult second = new SparkScoringJob(spark).run(plainJob(run.job()));

        assertThat(second.dataPath()).isEqualTo(first.dataPath());
        assertThat(table(run.job().get("output.path")).runs()).hasSize(1);
        assertThat(spark.read().parquet(second.dataPath()).count()).isEqualTo(178);
        assertThat(spark.read().parquet(second.dataPath()).select("id").distinct().count()).isEqualTo(178);
    }

    @Test
    void executorModelCacheKeysTravelWithTheJobAndPutTheFetchedModelWhereTheySay() throws Exception {
        PlainS3ModelRun run = plainS3ModelRun();
        RunResult r = run.first();

        assertThat(r.rowsWritten()).isEqualTo(178);
        assertThat(run.cacheDir().resolve(r.model().sha256()).resolve("model.onnx"))
                .as("cached where executor.model-cache.dir says")
                .hasSameBinaryContentAs(SampleData.model("wine_mlp"));
    }

    @Test
    void aModelWithExternalDataRegisteredOnS3IsStoredAsAFolderAndScoresLikeTheSingleFile() throws Exception {
        String input = uploadWine();
        Path folder = Files.createDirectories(tmp.resolve("external"));
        Path onnx = ExternalDataModels.externalize(Files.readAllBytes(SampleData.model("wine_mlp")),
                folder.resolve("wine.onnx"), "weights.bin");
        String registry = bucket + "/registry-external";
        RegisteredModel registered = new ModelRegistry(new HadoopFileStore(conf()), registry).register("wine_ext",
                "1.0.0", onnx.toString(), LocalModel.of(onnx), ModelLineage.none()).model();
        Path cacheDir = tmp.resolve("external-cache");

        RunResult external = new SparkScoringJob(spark).run(job("wine_ext@1.0.0", input,
                bucket + "/predictions-external", "registry", registry, "executor.model-cache.dir",
                cacheDir.toString(), "executor.sessions.memory-pattern", "false",
                "executor.sessions.cpu-arena", "false"));
        RunResult single = onLocalDisk();

        assertThat(registered.dataFiles()).containsExactly("weights.bin");
        assertThat(objects(registry)).contains(registry + "/wine_ext/1.0.0/model.onnx",
                registry + "/wine_ext/1.0.0/weights.bin", registry + "/wine_ext/1.0.0/model.json");
        assertThat(registered.sha256()).isEqualTo(LocalModel.of(onnx).sha256())
                .isNotEqualTo(single.model().sha256());
        assertThat(predictions(external.dataPath())).hasSize(178).isEqualTo(predictions(single.dataPath()));
        assertThat(cacheDir.resolve(registered.sha256()).resolve("weights.bin")).as("the data file came along")
                .hasSameBinaryContentAs(folder.resolve("weights.bin"));
    }

    @Test
    void wrongCredentialsFailWithAnErrorNamingTheBucketAndTheCredentials() throws Exception {
        String input = uploadWine();
        String name = bucket.substring("s3a://".length());
        String wrongSecret = "wrong-secret-" + UUID.randomUUID();
        conf().set("fs.s3a.bucket." + name + ".secret.key", wrongSecret); // per-bucket keys override the global ones

        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job(SampleData.model("wine_mlp").toString(), input,
                bucket + "/predictions", "spark.hadoop.fs.s3a.bucket." + name + ".secret.key", wrongSecret)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("access denied by bucket " + name)
                .hasMessageContaining("check the credentials")
                .hasMessageContaining("fs.s3a.bucket." + name + ".access.key")
                .hasMessageNotContaining(wrongSecret)
                .satisfies(e -> assertThat(((ColdpathException) e).fault()).isEqualTo(Fault.EXTERNAL));
    }

    @Test
    void serverStoppedDuringTheJobFailsItWithoutARunOrAPointerMoveAndARerunAfterRestartSucceeds() throws Exception {
        String input = uploadWine();
        String output = bucket + "/predictions";
        String model = SampleData.model("wine_mlp").toString();
        new SparkScoringJob(spark).run(job(model, input, output, "run.id", "good"));

        // Stop the server when the first task of the write (the job ParquetSink starts) starts to run.
        AtomicBoolean stopped = new AtomicBoolean();
        Set<Integer> writeStages = ConcurrentHashMap.newKeySet();
        SparkListener stopOnFirstTask = new SparkListener() {
            @Override
            public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
                if (submitted.stageInfo().name().contains("ParquetSink")) { // named after its call site
                    writeStages.add(submitted.stageInfo().stageId());
                }
            }

            @Override
            public void onTaskStart(SparkListenerTaskStart taskStart) {
                if (writeStages.contains(taskStart.stageId()) && stopped.compareAndSet(false, true)) {
                    new Thread(server::stop, "stop-s3proxy").start();
                }
            }
        };
        spark.sparkContext().addSparkListener(stopOnFirstTask);
        try {
            assertThatThrownBy(() -> new SparkScoringJob(spark).run(job(model, input, output, "run.id", "broken")))
                    .isInstanceOf(ColdpathException.class)
                    .satisfies(e -> assertThat(((ColdpathException) e).fault()).isEqualTo(Fault.EXTERNAL));
        } finally {
            spark.sparkContext().removeSparkListener(stopOnFirstTask);
            server.restart();
        }
        assertThat(stopped).isTrue();

        RunTable t = table(output);
        assertThat(t.runs()).extracting(r -> r.runId()).containsExactly("good");
        assertThat(t.current().orElseThrow().runId()).isEqualTo("good");

        RunResult rerun = new SparkScoringJob(spark).run(job(model, input, output, "run.id", "broken"));
        assertThat(rerun.rowsWritten()).isEqualTo(178);
        assertThat(t.runs()).extracting(r -> r.runId()).containsExactlyInAnyOrder("good", "broken");
        assertThat(t.current().orElseThrow().runId()).isEqualTo("broken");
    }

    @Test
    void serverStoppedBetweenWritingAndCommittingLeavesNoRunAndTheRunCanBeCommittedLater() throws Exception {
        String input = uploadWine();
        String output = bucket + "/predictions";
        RunResult good = new SparkScoringJob(spark).run(job(SampleData.model("wine_mlp").toString(), input, output,
                "run.id", "good"));
        RunTable t = table(output);
        StagedRun staged = t.stage("late", "1.0.0");
        ParquetSink.write(spark.read().parquet(good.dataPath()), staged.path());
        var manifest = t.run("good").orElseThrow().manifest();
        var lateManifest = manifest.withRun("late", "run=late@1.0.0");

        server.stop();
        try {
            assertThatThrownBy(() -> t.commit(staged, lateManifest, true))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("cannot be reached")
                    .hasMessageContaining(server.endpoint());
        } finally {
            server.restart();
        }
        assertThat(t.runs()).extracting(r -> r.runId()).containsExactly("good");
        assertThat(t.current().orElseThrow().runId()).isEqualTo("good");

        t.commit(staged, lateManifest, true);
        assertThat(t.runs()).extracting(r -> r.runId()).containsExactlyInAnyOrder("good", "late");
        assertThat(t.current().orElseThrow().runId()).isEqualTo("late");
        assertThat(spark.read().parquet(t.run("late").orElseThrow().path()).count()).isEqualTo(178);
    }

    @Test
    void aRegisteredModelWhoseBytesChangedOnS3IsRefusedEvenWhenExecutorsCachedTheOldBytes() throws Exception {
        String input = uploadWine();
        String registry = register();
        String output = bucket + "/predictions";
        new SparkScoringJob(spark).run(job("wine_mlp@1.0.0", input, output, "registry", registry, "run.id", "ok"));
        String modelPath = registry + "/wine_mlp/1.0.0/model.onnx";
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(modelPath);
        try (FileSystem fs = FileSystem.newInstance(path.toUri(), conf()); OutputStream out = fs.create(path, true)) {
            out.write(Files.readAllBytes(SampleData.model("breast_cancer_logreg")));
        }

        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job("wine_mlp@1.0.0", input, output,
                "registry", registry, "run.id", "tampered")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(modelPath)
                .hasMessageContaining("changed after the job was planned or was tampered with")
                .satisfies(e -> assertThat(((ColdpathException) e).fault()).isEqualTo(Fault.USER));
        assertThat(table(output).runs()).extracting(r -> r.runId()).containsExactly("ok");
    }
}
