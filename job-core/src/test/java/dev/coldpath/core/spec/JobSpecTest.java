package dev.coldpath.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.decode.Pooling;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.decode.SoftmaxMode;
import dev.coldpath.core.image.DecodeAhead;
import dev.coldpath.core.image.ImageSettings;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.plan.ScoringPlanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobSpecTest {
    private static final List<String> REQUIRED = List.of("model=/models/churn.onnx", "input.path=/in",
            "output.path=/out");

    @TempDir
    Path dir;

    /** A job of the required keys and {@code assignments}; with {@code models.*} keys, without {@code model}. */
    private static JobSpec spec(String... assignments) {
        boolean several = Arrays.stream(assignments).anyMatch(a -> a.startsWith(JobKey.BINDINGS + "."));
        List<String> all = Stream.concat(REQUIRED.stream().filter(a -> !several || !a.startsWith("model=")),
                Arrays.stream(assignments)).toList();
        return JobSpec.from(JobConfig.parseAssignments(all, "--set"));
    }

    private JobSpec specFromFile(String yaml) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, yaml);
        return JobSpec.from(JobConfig.load(file));
    }

    @Test
    void everyOptionalKeyHasItsDefault() {
        JobSpec spec = spec();

        assertThat(spec.name()).isEqualTo("churn");
        assertThat(spec.model().source()).isEqualTo("/models/churn.onnx");
        assertThat(spec.input().path()).isEqualTo("/in");
        assertThat(spec.output().path()).isEqualTo("/out");
        assertThat(spec.model().registry()).isEmpty();
        assertThat(spec.input().incremental()).isFalse();
        assertThat(spec.output().promote()).isEqualTo(PromotePolicy.ON_SUCCESS);
        assertThat(spec.output().replace()).isFalse();
        assertThat(spec.output().viewName()).isEmpty();
        assertThat(spec.run().id()).isEmpty();
        assertThat(spec.run().period()).isEmpty();
        assertThat(spec.model().outputs()).isEmpty();
        assertThat(spec.output().keepColumns()).isEqualTo(Optional.empty());
        assertThat(spec.model().outputPrefix()).isEqualTo("");
        assertThat(spec.inference().batchSize()).isEqualTo(InferenceSpec.AUTO_BATCH_SIZE);
        assertThat(spec.inference().threads()).isZero();
        assertThat(spec.inference().device()).isEqualTo(Device.CPU);
        assertThat(spec.model().features()).isEmpty();
        assertThat(spec.sparkConf()).isEmpty();
    }

    @Test
    void runsStartedInTheSameMillisecondGetDifferentDefaultRunIdsThatNameTheStartTime() {
        java.time.Instant start = java.time.Instant.parse("2026-11-28T15:32:00.123Z");
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            ids.add(spec().effectiveRunId(start));
        }

        assertThat(ids).hasSize(50).allMatch(id -> id.matches("20261128T153200\\.123Z-[0-9a-f]{8}"));
        assertThat(ids).allSatisfy(dev.coldpath.core.table.RunTable::checkRunId);
    }

    @Test
    void aRunWithAPeriodOrAnIdKeepsItAsItsRunId() {
        java.time.Instant start = java.time.Instant.parse("2026-11-28T15:32:00.123Z");
        JobSpec dated = JobSpec.from(JobConfig.parseAssignments(List.of("model=/m.onnx", "input.path=/in/{date}",
                "output.path=/out", "run.date=2026-11-27"), "--set"));
        JobSpec named = JobSpec.from(JobConfig.parseAssignments(List.of("model=/m.onnx", "input.path=/in",
                "output.path=/out", "run.id=candidate"), "--set"));

        assertThat(dated.effectiveRunId(start)).isEqualTo("2026-11-27");
        assertThat(dated.forPeriod(RunPeriod.parse("2026-11-28T05", "--from")).effectiveRunId(start))
                .isEqualTo("2026-11-28T05");
        assertThat(named.effectiveRunId(start)).isEqualTo("candidate");
    }

    @Test
    void defaultNameIsTheModelFileNameWithoutExtensionForAUri() {
        assertThat(JobSpec.from(JobConfig.parseAssignments(List.of("model=s3a://bucket/m/v2/fraud-model.onnx",
                "input.path=i", "output.path=o"), "--set")).name()).isEqualTo("fraud-model");
    }

    // Each key, set with --set (alone, or with what it needs), and the spec field it changes.
    static Stream<Arguments> everyKey() {
        return Stream.of(
                key(JobKey.NAME, JobSpec::name, "nightly", "name=nightly"),
                key(JobKey.MODEL, s -> s.model().source(), "churn@latest", "model=churn@latest"),
                key(JobKey.REGISTRY, s -> s.model().registry(), Optional.of("/srv/registry"), "registry=/srv/registry"),
                key(JobKey.INPUT_PATH, s -> s.input().path(), "s3a://b/in", "input.path=s3a://b/in"),
                key(JobKey.INPUT_FORMAT, s -> s.input().format(), InputFormat.IMAGES, "input.format=images"),
                key(JobKey.INPUT_GLOB, s -> s.input().glob(), Optional.of("*.png"), "input.format=images",
                        "input.glob=*.png"),
                key(JobKey.RUNNER, s -> s.runner().runner(), Runner.LOCAL, "runner=local"),
                key(JobKey.RUNNER_LOCAL_MAX_BYTES, s -> s.runner().localMaxBytes().getAsLong(), 1048576L,
                        "runner.local-max-bytes=1048576"),
                key(JobKey.RUNNER_LOCAL_MAX_BYTES, s -> s.runner().localMaxBytes().getAsLong(), 2L << 30,
                        "runner.local-max-bytes=2g"), // a size as Spark's size settings take it
                key(JobKey.RUNNER_LOCAL_MAX_BYTES, s -> s.runner().localMaxBytes().getAsLong(), 512L << 20,
                        "runner.local-max-bytes=512MB"),
                key(JobKey.INCREMENTAL, s -> s.input().incremental(), true, "input.incremental=True"),
                key(JobKey.BAD_FILES, s -> s.input().badFiles(), BadFilesPolicy.SKIP, "input.bad-files=skip"),
                key(JobKey.INPUT_TABLE, s -> s.input().table().orElseThrow().table(), "c.db.events", "input.path=",
                        "input.table=c.db.events"),
                key(JobKey.INPUT_WAREHOUSE, JobSpec::inputWarehouse, Optional.of("/w"), "input.path=",
                        "input.table=c.db.events", "input.warehouse=/w"),
                key(JobKey.OUTPUT_PATH, s -> s.output().path(), "s3a://b/out", "output.path=s3a://b/out"),
                key(JobKey.PROMOTE, s -> s.output().promote(), PromotePolicy.MANUAL, "output.promote=manual"),
                key(JobKey.REPLACE, s -> s.output().replace(), true, "output.replace=true"),
                key(JobKey.OUTPUT_LABELS, s -> s.output().labels(), OutputLabels.IDS, "output.labels=ids"),
                key(JobKey.VIEW_NAME, s -> s.output().viewName(), Optional.of("churn_current"),
                        "output.view-name=churn_current"),
                key(JobKey.OUTPUT_FORMAT, s -> s.output().format(), OutputFormat.ICEBERG, "output.path=",
                        "output.table=coldpath.nightly.wine", "output.format=iceberg"),
                key(JobKey.OUTPUT_TABLE, s -> s.output().iceberg().orElseThrow().table(), "c.db.t", "output.path=",
                        "output.format=iceberg", "output.table=c.db.t"),
                key(JobKey.OUTPUT_WAREHOUSE, s -> s.output().iceberg().orElseThrow().warehouse(),
                        Optional.of("/w"), "output.path=", "output.format=iceberg", "output.table=c.db.t",
                        "output.warehouse=/w"),
                key(JobKey.OUTPUT_PARTITION_BY, s -> s.output().iceberg().orElseThrow().partitionBy(),
                        List.of("days(scored_at)", "truncate(4, region)"), "output.path=", "output.format=iceberg",
                        "output.table=c.db.t", "output.partition-by=days(scored_at),truncate(4, region)"),
                key(JobKey.OUTPUT_MODE, s -> s.output().iceberg().orElseThrow().mode(), WriteMode.APPEND,
                        "output.path=", "output.format=iceberg", "output.table=c.db.t", "output.mode=append"),
                key(JobKey.RUN_ID, s -> s.run().id(), Optional.of("backfill-1"), "run.id=backfill-1"),
                key(JobKey.RUN_DATE, s -> s.run().period().map(RunPeriod::id), Optional.of("2026-11-28"),
                        "run.date=2026-11-28"),
                key(JobKey.RUN_HOUR, s -> s.run().period().map(RunPeriod::id), Optional.of("2026-11-28T07"),
                        "run.date=2026-11-28", "run.hour=7"),
                key(JobKey.OUTPUT_COLUMNS, s -> s.model().outputs(), List.of("probability", "label"),
                        "output.columns=probability,label"),
                key(JobKey.KEEP_COLUMNS, s -> s.output().keepColumns(), Optional.of(List.of("id", "region")),
                        "output.keep-columns=[id, region]"),
                key(JobKey.OUTPUT_PREFIX, s -> s.model().outputPrefix(), "pred_", "output.prefix=pred_"),
                key(JobKey.BATCH_SIZE, s -> s.inference().batchSize(), 2048, "inference.batch-size=2048"),
                key(JobKey.THREADS, s -> s.inference().threads(), 3, "inference.threads=3"),
                key(JobKey.DEVICE, s -> s.inference().device(), Device.CUDA, "inference.device=cuda"),
                key(JobKey.BAD_ROWS_POLICY, s -> s.badRows().policy(), BadRows.Policy.QUARANTINE,
                        "bad-rows.policy=quarantine"),
                key(JobKey.BAD_ROWS_MAX_FRACTION, s -> s.badRows().maxFraction(), 0.25, "bad-rows.max-fraction=0.25"),
                key(JobKey.BAD_ROWS_MISSING, s -> s.badRows().imputeMissing(), true, "bad-rows.missing=impute"),
                key(JobKey.BAD_ROWS_IMPUTE_VALUE, s -> s.badRows().imputeValue(), -1.5, "bad-rows.impute-value=-1.5"),
                key(JobKey.BUDGET_WALL_TIME, s -> s.budget().maxWallTime(),
                        java.util.Optional.of(java.time.Duration.ofMinutes(30)), "budget.max-wall-time=30m"),
                key(JobKey.BUDGET_P99, s -> s.budget().p99BatchMs(), java.util.OptionalDouble.of(12.5),
                        "budget.p99-batch-ms=12.5"),
                key(JobKey.BUDGET_MIN_ROWS, s -> s.budget().minRows(), java.util.OptionalLong.of(1000),
                        "budget.min-rows=1000"),
                key(JobKey.BUDGET_ON_BREACH, s -> s.budget().warnOnly(), true, "budget.on-breach=warn"),
                key(JobKey.BUDGET_MIN_AGREEMENT, s -> s.budget().minAgreement(), java.util.OptionalDouble.of(0.95),
                        "budget.min-agreement=0.95"),
                key(JobKey.BUDGET_MAX_PSI, s -> s.budget().maxPsi(), java.util.OptionalDouble.of(0.2),
                        "budget.max-psi=0.2"),
                key(JobKey.BUDGET_MAX_DRIFT_PSI, s -> s.budget().maxDriftPsi(), java.util.OptionalDouble.of(0.1),
                        "budget.max-drift-psi=0.1"),
                key(JobKey.FEATURES, s -> s.model().features(),
                        Map.of(ScoringPlanner.SOLE_INPUT, List.of("a", "b", "c")), "features=a,b,c"),
                key(JobKey.INPUT_FEATURES, s -> s.model().features(), Map.of("pixels", List.of("image")),
                        "features.pixels=image"),
                key(JobKey.TEXT_COLUMN, s -> s.model().text().column(), Optional.of("body"), "text.column=body"),
                key(JobKey.TEXT_TOKENIZER, s -> s.model().text().tokenizer(), Optional.of("/m/tok.json"),
                        "text.tokenizer=/m/tok.json"),
                key(JobKey.TEXT_MAX_LENGTH, s -> s.model().text().maxLength(), java.util.OptionalInt.of(64),
                        "text.max-length=64"),
                key(JobKey.TEXT_POOLING, s -> s.model().text().pooling(), Optional.of(Pooling.CLS), "text.pooling=cls"),
                key(JobKey.TEXT_NORMALIZE, s -> s.model().text().normalize(), true, "text.normalize=true"),
                key(JobKey.TEXT_LABELS, s -> s.model().text().labels(), TextLabels.SOFTMAX, "text.labels=softmax"),
                key(JobKey.TEXT_KEEP_LOGITS, s -> s.model().text().keepLogits(), true, "text.keep-logits=true"),
                key(JobKey.TEXT_BATCH_INVARIANT, s -> s.model().text().batchInvariant(), true,
                        "text.batch-invariant=true"),
                key(JobKey.TEXT_BUCKETING, s -> s.model().text().bucketing(), false, "text.bucketing=false"),
                key(JobKey.TEXT_MAX_BATCH_TOKENS, s -> s.model().text().maxBatchTokens(), 8192,
                        "text.max-batch-tokens=8192"),
                key(JobKey.SESSIONS_MAX, s -> s.executor().sessionsMax(), 2, "executor.sessions.max=2"),
                key(JobKey.SESSIONS_MEMORY_PATTERN, s -> s.executor().memoryPattern(), false,
                        "executor.sessions.memory-pattern=false"),
                key(JobKey.SESSIONS_CPU_ARENA, s -> s.executor().cpuArena(), false, "executor.sessions.cpu-arena=false"),
                key(JobKey.MODEL_CACHE_DIR, s -> s.executor().modelCacheDir(), "/mnt/ssd/models",
                        "executor.model-cache.dir=/mnt/ssd/models"),
                key(JobKey.MODEL_CACHE_MAX, s -> s.executor().modelCacheMax(), 3, "executor.model-cache.max=3"),
                key(JobKey.RUNNER, s -> s.runner().runner(), Runner.LOCAL, "runner=local"),
                key(JobKey.RUNNER_LOCAL_MAX_BYTES, s -> s.runner().localMaxBytes().getAsLong(), 1_000_000L,
                        "runner.local-max-bytes=1000000"),
                key(JobKey.SPARK, JobSpec::sparkConf, Map.of("spark.sql.shuffle.partitions", "8"),
                        "spark.sql.shuffle.partitions=8"),
                key(JobKey.BINDING_MODEL, s -> s.models().get(1).model().source(), "/m/b.onnx", TWO[0], TWO[1],
                        "models.b.role=shadow", "models.b.model=/m/b.onnx"),
                key(JobKey.BINDING_ROLE, s -> s.models().get(1).role(), Role.SHADOW, TWO[0], TWO[1],
                        "models.b.model=/m/b.onnx", "models.b.role=shadow"),
                key(JobKey.BINDING_FEATURES, s -> s.models().get(1).model().features(),
                        Map.of(ScoringPlanner.SOLE_INPUT, List.of("x", "y")), "features.in=a", TWO[0], TWO[1],
                        TWO[2], TWO[3], "models.b.features=x,y"),
                key(JobKey.BINDING_INPUT_FEATURES, s -> s.models().get(1).model().features(),
                        Map.of("mask", List.of("m")), "features=a", TWO[0], TWO[1], TWO[2], TWO[3],
                        "models.b.features.mask=m"),
                key(JobKey.BINDING_OUTPUT_COLUMNS, s -> s.models().get(1).model().outputs(), List.of("label"),
                        TWO[0], TWO[1], TWO[2], TWO[3], "models.b.output.columns=label"),
                key(JobKey.BINDING_OUTPUT_PREFIX, s -> s.models().get(1).model().outputPrefix(), "b_",
                        TWO[0], TWO[1], TWO[2], TWO[3], "models.b.output.prefix=b_"),
                key(JobKey.ROUTING_PERCENT, s -> s.routing().canaryPercent(), Optional.of(12.5), TWO[0], TWO[1],
                        "models.b.model=/m/b.onnx", "models.b.role=canary", "routing.key=id",
                        "routing.canary-percent=12.5"),
                key(JobKey.ROUTING_KEY, s -> s.routing().key(), List.of("id", "region"), TWO[0], TWO[1],
                        "models.b.model=/m/b.onnx", "models.b.role=canary", "routing.canary-percent=10",
                        "routing.key=id,region"),
                key(JobKey.IMAGE_COLUMN, s -> s.model().image().column(), Optional.of("photo"),
                        "image.column=photo"),
                key(JobKey.IMAGE_SIZE, s -> s.model().image().size(), Optional.of(List.of(224, 320)),
                        "image.size=[224, 320]"),
                key(JobKey.IMAGE_RESIZE, s -> s.model().image().resize(), ImageSettings.Resize.FIT_PAD,
                        "image.resize=fit-pad"),
                key(JobKey.IMAGE_PAD_VALUE, s -> s.model().image().padValue(), 0.5, "image.pad-value=0.5"),
                key(JobKey.IMAGE_PAD_ANCHOR, s -> s.model().image().padAnchor(), ImageSettings.PadAnchor.TOP_LEFT,
                        "image.pad-anchor=top-left"),
                key(JobKey.IMAGE_CROP, s -> s.model().image().crop(), Optional.of(ImageSettings.Crop.CENTER),
                        "image.resize=none", "image.crop=center"),
                key(JobKey.IMAGE_CHANNELS, s -> s.model().image().channels(), ImageSettings.Channels.BGR,
                        "image.channels=bgr"),
                key(JobKey.IMAGE_SCALE, s -> s.model().image().scale(), 1 / 255.0, "image.scale=1/255"),
                key(JobKey.IMAGE_MEAN, s -> s.model().image().mean(), List.of(0.485, 0.456, 0.406),
                        "image.mean=[0.485, 0.456, 0.406]"),
                key(JobKey.IMAGE_STD, s -> s.model().image().std(), List.of(0.229, 0.224, 0.225),
                        "image.std=[0.229, 0.224, 0.225]"),
                key(JobKey.IMAGE_LAYOUT, s -> s.model().image().layout(), Optional.of(ImageSettings.Layout.NHWC),
                        "image.layout=nhwc"),
                key(JobKey.IMAGE_DTYPE, s -> s.model().image().dtype(), Optional.of(ImageSettings.DataType.UINT8),
                        "image.dtype=uint8"),
                key(JobKey.IMAGE_INTERPOLATION, s -> s.model().image().interpolation(),
                        ImageSettings.Interpolation.AREA, "image.interpolation=area"),
                key(JobKey.IMAGE_EXIF_ROTATE, s -> s.model().image().exifRotate(), false, "image.exif-rotate=false"),
                key(JobKey.IMAGE_MAX_PIXELS, s -> s.model().image().maxPixels(), 5_000_000L,
                        "image.max-pixels=5000000"),
                key(JobKey.IMAGE_LABELS, s -> s.model().image().labels(), Optional.of("classes.txt"),
                        "image.labels=classes.txt"),
                key(JobKey.IMAGE_TOP_K, s -> s.model().image().topK(), Optional.of(5), "image.labels=classes.txt",
                        "image.top-k=5"),
                key(JobKey.IMAGE_SOFTMAX, s -> s.model().image().softmax(), SoftmaxMode.TRUE,
                        "image.softmax=true"),
                key(JobKey.IMAGE_DECODE_AHEAD, s -> s.model().image().decodeAhead(), DecodeAhead.FALSE,
                        "image.decode-ahead=false"));
    }

    /** A champion {@code a} and a shadow {@code b}. */
    private static final String[] TWO = {"models.a.model=/m/a.onnx", "models.a.role=champion",
        "models.b.model=/m/b.onnx", "models.b.role=shadow"};

    private static Arguments key(JobKey<?> key, Function<JobSpec, Object> field, Object expected,
                                 String... assignments) {
        return Arguments.of(key, List.of(assignments), field, expected);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyKey")
    void eachKeySetWithSetChangesItsField(JobKey<?> key, List<String> assignments, Function<JobSpec, Object> field,
                                          Object expected) {
        String last = assignments.get(assignments.size() - 1);
        assertThat(JobKey.of(last.substring(0, last.indexOf('=')))).contains(key);
        assertThat(field.apply(spec(assignments.toArray(String[]::new)))).isEqualTo(expected);
    }

    @Test
    void everyDeclaredKeyIsCoveredByTheKeyTests() {
        Set<JobKey<?>> covered = everyKey().map(a -> (JobKey<?>) a.get()[0]).collect(Collectors.toSet());
        assertThat(covered).isEqualTo(Set.copyOf(JobKey.all()));
    }

    private static void assertEveryKeySet(JobSpec spec) {
        assertThat(spec.name()).isEqualTo("nightly");
        assertThat(spec.model().source()).isEqualTo("s3a://models/churn.onnx");
        assertThat(spec.input().path()).isEqualTo("/data/in");
        assertThat(spec.output().path()).isEqualTo("/data/out");
        assertThat(spec.model().registry()).contains("/srv/registry");
        assertThat(spec.input().incremental()).isTrue();
        assertThat(spec.output().promote()).isEqualTo(PromotePolicy.MANUAL);
        assertThat(spec.run().id()).contains("rerun-2");
        assertThat(spec.run().period()).contains(RunPeriod.of("2026-11-28", "13"));
        assertThat(spec.model().outputs()).containsExactly("probability", "label");
        assertThat(spec.output().keepColumns()).contains(List.of("id", "region"));
        assertThat(spec.model().outputPrefix()).isEqualTo("pred_");
        assertThat(spec.inference().batchSize()).isEqualTo(2048);
        assertThat(spec.inference().threads()).isEqualTo(3);
        assertThat(spec.inference().device()).isEqualTo(Device.AUTO);
        assertThat(spec.model().features()).isEqualTo(Map.of("input", List.of("a", "b"), "mask", List.of("m")));
        assertThat(spec.sparkConf()).isEqualTo(Map.of("spark.sql.shuffle.partitions", "8",
                "spark.executor.memory", "4g"));
    }

    @Test
    void everyKeyIsReadFromNestedYaml() throws IOException {
        assertEveryKeySet(specFromFile("""
                name: nightly
                model: s3a://models/churn.onnx
                registry: /srv/registry
                input:
                  path: /data/in
                  incremental: true
                run:
                  id: rerun-2
                  date: 2026-11-28
                  hour: 13
                output:
                  path: /data/out
                  promote: manual
                  columns: [probability, label]
                  keep-columns:
                    - id
                    - region
                  prefix: pred_
                inference:
                  batch-size: 2048
                  threads: 3
                  device: auto
                features:
                  input: [a, b]
                  mask: m
                spark:
                  sql:
                    shuffle.partitions: 8
                  executor.memory: 4g
                """));
    }

    @Test
    void everyKeyIsReadFromFlatDottedYaml() throws IOException {
        assertEveryKeySet(specFromFile("""
                name: nightly
                model: s3a://models/churn.onnx
                registry: /srv/registry
                input.path: /data/in
                input.incremental: "true"
                run.id: rerun-2
                run.date: "2026-11-28"
                run.hour: 13
                output.path: /data/out
                output.promote: MANUAL
                output.columns: probability, label
                output.keep-columns: "[id, region]"
                output.prefix: pred_
                inference.batch-size: 2048
                inference.threads: 3
                inference.device: AUTO
                features.input: [a, b]
                features.mask: m
                spark.sql.shuffle.partitions: 8
                spark.executor.memory: 4g
                """));
    }

    @Test
    void everyKeyIsReadFromSetAssignments() {
        assertEveryKeySet(JobSpec.from(JobConfig.parseAssignments(List.of(
                "name=nightly", "model=s3a://models/churn.onnx", "registry=/srv/registry", "input.path=/data/in",
                "input.incremental=true", "run.id=rerun-2", "run.date=2026-11-28", "run.hour=13",
                "output.path=/data/out", "output.promote=manual", "output.columns=probability,label", "output.keep-columns=[id, region]",
                "output.prefix = pred_", "inference.batch-size=2048", "inference.threads=3", "inference.device=auto",
                "features.input=a, b", "features.mask=m", "spark.sql.shuffle.partitions=8",
                "spark.executor.memory=4g"), "--set")));
    }

    @Test
    void commandLineOverridesFileWhichOverridesDefaults() throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, """
                model: /m/a.onnx
                input.path: /in
                output.path: /out
                inference:
                  batch-size: 2048
                  threads: 2
                """);
        JobConfig commandLine = JobConfig.parseAssignments(List.of("inference.batch-size=512", "model=/m/b.onnx"),
                "--set");

        JobSpec spec = JobSpec.from(JobConfig.empty().overriddenBy(JobConfig.load(file)).overriddenBy(commandLine));

        assertThat(spec.inference().batchSize()).as("command line over file").isEqualTo(512);
        assertThat(spec.model().source()).as("command line over file").isEqualTo("/m/b.onnx");
        assertThat(spec.name()).as("default name follows the winning model").isEqualTo("b");
        assertThat(spec.inference().threads()).as("file over default").isEqualTo(2);
        assertThat(spec.inference().device()).as("default").isEqualTo(Device.CPU);
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of("inference.batch-size=-1", "Invalid inference.batch-size: -1 (must be an integer >= 1)"),
                Arguments.of("runner.local-max-bytes=2x", "Invalid runner.local-max-bytes: 2x (must be a size >= 1"
                        + " bytes, as 536870912, 512m or 2g)"),
                Arguments.of("runner.local-max-bytes=0", "Invalid runner.local-max-bytes: 0 (must be a size >= 1"
                        + " bytes, as 536870912, 512m or 2g)"),
                Arguments.of("runner.local-max-bytes=99999999999p", "Invalid runner.local-max-bytes: 99999999999p"
                        + " (must be a size >= 1 bytes, as 536870912, 512m or 2g)"),
                Arguments.of("inference.batch-size=0", "Invalid inference.batch-size: 0 (must be an integer >= 1)"),
                Arguments.of("inference.batch-size=lots",
                        "Invalid inference.batch-size: lots (must be an integer >= 1)"),
                Arguments.of("inference.batch-size=1.5", "Invalid inference.batch-size: 1.5 (must be an integer >= 1)"),
                Arguments.of("inference.batch-size=99999999999",
                        "Invalid inference.batch-size: 99999999999 (must be an integer >= 1)"),
                Arguments.of("inference.threads=-2", "Invalid inference.threads: -2 (must be an integer >= 1)"),
                Arguments.of("inference.threads=0", "Invalid inference.threads: 0 (must be an integer >= 1)"),
                Arguments.of("output.promote=always",
                        "Invalid output.promote: always (must be one of [on-success, manual])"),
                Arguments.of("output.view-name=current-wine", "Invalid output.view-name: current-wine (must be letters,"
                        + " digits and '_', starting with a letter or '_', at most 128)"),
                Arguments.of("output.replace=maybe", "Invalid output.replace: maybe (must be true or false)"),
                Arguments.of("input.incremental=yes", "Invalid input.incremental: yes (must be true or false)"),
                Arguments.of("input.bad-files=ignore",
                        "Invalid input.bad-files: ignore (must be one of [fail, skip])"),
                Arguments.of("run.hour=7", "Invalid run.hour: 7 needs run.date (--date) too"),
                Arguments.of("run.date=2026-13-01", "Invalid run.date: 2026-13-01 (must be YYYY-MM-DD)"),
                Arguments.of("inference.device=tpu", "Invalid inference.device: tpu (must be one of [cpu, cuda, auto])"),
                Arguments.of("inference.batch-size=[1, 2]", "Invalid inference.batch-size: [1, 2] (must be an integer"
                        + " >= 1)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidValues")
    void invalidValueIsRejectedNamingKeyValueAndRule(String assignment, String message) {
        assertThatThrownBy(() -> spec(assignment))
                .isInstanceOf(JobSpecException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((JobSpecException) e).fault()).isEqualTo(Fault.USER));
    }

    @Test
    void yamlListForSingleValuedKeyIsRejected() {
        assertThatThrownBy(() -> specFromFile("""
                model: m.onnx
                input.path: /in
                output.path: /out
                inference.batch-size: [1, 2]
                """))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("Invalid inference.batch-size: [1, 2] (must be a single value)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"model", "input.path", "output.path"})
    void missingRequiredKeyIsNamedWithWhatItIs(String key) {
        List<String> others = REQUIRED.stream().filter(a -> !a.startsWith(key + "=")).toList();
        String description = JobKey.of(key).orElseThrow().description();

        assertThatThrownBy(() -> JobSpec.from(JobConfig.parseAssignments(others, "--set")))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("Missing " + key + ": " + description);
    }

    @Test
    void blankRequiredValueCountsAsMissing() {
        assertThatThrownBy(() -> spec("output.path=  "))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Missing output.path: ");
    }

    @Test
    void outputColumnsAcceptCommaListBracketListAndYamlList() throws IOException {
        assertThat(spec("output.columns=a,b").model().outputs()).containsExactly("a", "b");
        assertThat(spec("output.columns=[a, b]").model().outputs()).containsExactly("a", "b");
        assertThat(spec("output.columns= a ,  b ").model().outputs()).containsExactly("a", "b");
        assertThat(spec("output.columns=single").model().outputs()).containsExactly("single");
        assertThat(spec("output.columns=[]").model().outputs()).isEmpty();
        assertThat(specFromFile("""
                model: m.onnx
                input: {path: /in}
                output:
                  path: /out
                  columns:
                    - a
                    - b
                """).model().outputs()).containsExactly("a", "b");
    }

    @Test
    void emptyKeepColumnsListIsPresentAndEmptyUnlikeTheDefault() {
        assertThat(spec("output.keep-columns=[]").output().keepColumns()).contains(List.of());
        assertThat(spec().output().keepColumns()).isEmpty();
    }

    @Test
    void soleAndPerInputFeaturesAreKeptApart() {
        JobSpec spec = spec("features=a,b", "features.extra=c");

        assertThat(spec.model().features()).isEqualTo(Map.of(ScoringPlanner.SOLE_INPUT, List.of("a", "b"),
                "extra", List.of("c")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"spark.hadoop.fs.s3a.secret.key", "spark.hadoop.fs.s3a.access.key",
            "spark.hadoop.fs.s3a.session.token", "spark.hadoop.fs.s3a.session.key", "spark.ssl.keyStorePassword",
            "spark.authenticate.secret", "spark.hadoop.fs.azure.sas.token.provider.credential",
            "spark.hadoop.fs.s3a.bucket.b.secret.key", "spark.hadoop.fs.s3a.ACCESS.KEY"})
    void secretKeysAreRecognised(String key) {
        assertThat(JobSpec.isSecretKey(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"spark.hadoop.fs.s3a.endpoint", "spark.sql.shuffle.partitions", "spark.executor.memory",
            "spark.hadoop.fs.s3a.path.style.access", "spark.hadoop.fs.s3a.endpoint.region", "text.tokenizer"})
    void ordinaryKeysAreNotSecret(String key) {
        assertThat(JobSpec.isSecretKey(key)).isFalse();
    }

    @Test
    void redactedHidesSecretSparkValuesAndKeepsEverythingElse() {
        JobSpec spec = spec("spark.hadoop.fs.s3a.secret.key=wJalrXUtnFEMI", "spark.hadoop.fs.s3a.access.key=AKIAIOSF",
                "spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9000", "spark.executor.memory=4g",
                "features=a,b", "features.mask=m", "output.keep-columns=id", "inference.batch-size=64");

        Map<String, Object> redacted = spec.redacted();

        assertThat(redacted)
                .containsEntry("spark.hadoop.fs.s3a.secret.key", "<redacted>")
                .containsEntry("spark.hadoop.fs.s3a.access.key", "<redacted>")
                .containsEntry("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000")
                .containsEntry("spark.executor.memory", "4g")
                .containsEntry("name", "churn")
                .containsEntry("model", "/models/churn.onnx")
                .containsEntry("input.path", "/in")
                .containsEntry("output.path", "/out")
                .containsEntry("output.promote", "on-success")
                .containsEntry("input.incremental", false)
                .containsEntry("input.bad-files", "fail")
                .containsEntry("output.columns", List.of())
                .containsEntry("output.keep-columns", List.of("id"))
                .containsEntry("output.prefix", "")
                .containsEntry("inference.batch-size", 64)
                .containsEntry("inference.threads", "auto")
                .containsEntry("inference.device", "cpu")
                .containsEntry("features", List.of("a", "b"))
                .containsEntry("features.mask", List.of("m"));
        assertThat(redacted.toString()).doesNotContain("wJalrXUtnFEMI").doesNotContain("AKIAIOSF");
        assertThat(spec.sparkConf()).as("the spec itself keeps the real value")
                .containsEntry("spark.hadoop.fs.s3a.secret.key", "wJalrXUtnFEMI");
    }

    @Test
    void redactedLeavesOutKeepColumnsWhenDefaulted() {
        assertThat(spec().redacted()).doesNotContainKey("output.keep-columns");
    }
}
