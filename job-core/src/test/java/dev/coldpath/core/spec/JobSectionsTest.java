package dev.coldpath.core.spec;

import static dev.coldpath.core.spec.KeyAssertions.assertDefaults;
import static dev.coldpath.core.spec.KeyAssertions.assertFullMapping;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.decode.Pooling;
import dev.coldpath.core.decode.SoftmaxMode;
import dev.coldpath.core.image.DecodeAhead;
import dev.coldpath.core.image.ImageSettings;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.plan.ScoringPlanner;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Two tests per section of a job, as Trino writes them per config class: every default, every key. */
class JobSectionsTest {
    @Nested
    class Job {
        private static final Map<String, String> REQUIRED = Map.of("model", "/m/churn.onnx", "input.path", "/in",
                "output.path", "/out");

        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.JOB, c -> JobSpec.from(c.overriddenBy(JobConfig.of(REQUIRED, "test"))).name(),
                    Map.of(), "churn");
            assertDefaults(JobKey.Section.SPARK, c -> JobSpec.from(c.overriddenBy(JobConfig.of(REQUIRED, "test")))
                    .sparkConf(), Map.of(), Map.of());
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.JOB, c -> JobSpec.from(c.overriddenBy(JobConfig.of(REQUIRED, "test")))
                    .name(), Map.of("name", "nightly"), "nightly");
            assertFullMapping(JobKey.Section.SPARK, c -> JobSpec.from(c.overriddenBy(JobConfig.of(REQUIRED, "test")))
                    .sparkConf(), Map.of("spark.executor.memory", "4g"), Map.of("spark.executor.memory", "4g"));
        }
    }

    @Nested
    class Image {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.IMAGE, ImageSpec::from, Map.of(), ImageSpec.NONE);
        }

        @Test
        void everyKey() {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("image.column", "photo");
            properties.put("image.size", "[48, 320]");
            properties.put("image.resize", "none");
            properties.put("image.pad-value", "-1");
            properties.put("image.pad-anchor", "top-left");
            properties.put("image.crop", "center");
            properties.put("image.channels", "bgr");
            properties.put("image.scale", "1/127.5");
            properties.put("image.mean", "[1]");
            properties.put("image.std", "0.5, 0.5, 0.5");
            properties.put("image.layout", "nhwc");
            properties.put("image.dtype", "float");
            properties.put("image.interpolation", "area");
            properties.put("image.exif-rotate", "false");
            properties.put("image.max-pixels", "1000000");
            properties.put("image.labels", "classes.txt");
            properties.put("image.top-k", "3");
            properties.put("image.softmax", "false");
            properties.put("image.decode-ahead", "true");
            assertFullMapping(JobKey.Section.IMAGE, ImageSpec::from, properties, new ImageSpec(
                    Optional.of("photo"), Optional.of(List.of(48, 320)), ImageSettings.Resize.NONE, -1,
                    ImageSettings.PadAnchor.TOP_LEFT, Optional.of(ImageSettings.Crop.CENTER),
                    ImageSettings.Channels.BGR, 1 / 127.5, List.of(1.0), List.of(0.5, 0.5, 0.5),
                    Optional.of(ImageSettings.Layout.NHWC), Optional.of(ImageSettings.DataType.FLOAT),
                    ImageSettings.Interpolation.AREA, false, 1_000_000L, Optional.of("classes.txt"), Optional.of(3),
                    SoftmaxMode.FALSE, DecodeAhead.TRUE));
        }

        @Test
        void combinationsThatCannotWorkAreRefusedNamingTheKey() {
            assertThatThrownBy(() -> ImageSpec.from(JobConfig.of(Map.of(
                    "image.resize", "fit-pad", "image.crop", "center"), "test")))
                    .hasMessageStartingWith("Invalid image.crop: center with image.resize: fit-pad");
            assertThatThrownBy(() -> ImageSpec.from(JobConfig.of(Map.of(
                    "image.dtype", "uint8", "image.scale", "1/255"), "test")))
                    .hasMessageStartingWith("Invalid image.scale/mean/std with image.dtype: uint8");
            assertThatThrownBy(() -> ImageSpec.from(JobConfig.of(Map.of(
                    "image.size", "[224, 0]"), "test")))
                    .hasMessage("Invalid image.size: [224, 0] (must be a list of 1 to 2 integers > 0)");
            assertThatThrownBy(() -> ImageSpec.from(JobConfig.of(Map.of("image.top-k", "3"), "test")))
                    .hasMessageStartingWith("Invalid image.top-k: 3 without image.labels");
            assertThatThrownBy(() -> ImageSpec.from(JobConfig.of(Map.of("image.labels", "c.txt", "image.top-k", "0"),
                    "test"))).hasMessageStartingWith("Invalid image.top-k: 0");
            assertThat(ImageSpec.from(JobConfig.of(Map.of("image.resize",
                    "shorter-side"), "test")).effectiveCrop()).isEqualTo(ImageSettings.Crop.CENTER);
        }
    }

    @Nested
    class Model {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.MODEL, ModelSpec::from, Map.of("model", "/m/churn.onnx"),
                    new ModelSpec("/m/churn.onnx", Optional.empty(), Map.of(), List.of(), ""));
        }

        @Test
        void everyKey() {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("model", "churn@1.4.0");
            properties.put("registry", "s3a://b/registry");
            properties.put("features", "a, b");
            properties.put("features.mask", "[m]");
            properties.put("output.columns", "label,probability");
            properties.put("output.prefix", "churn_");
            Map<String, List<String>> features = new LinkedHashMap<>();
            features.put(ScoringPlanner.SOLE_INPUT, List.of("a", "b"));
            features.put("mask", List.of("m"));

            assertFullMapping(JobKey.Section.MODEL, ModelSpec::from, properties, new ModelSpec("churn@1.4.0",
                    Optional.of("s3a://b/registry"), features, List.of("label", "probability"), "churn_"));
        }
    }

    @Nested
    class Models {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.MODELS, BindingSpec::from, Map.of("models.a.model", "/m/a.onnx",
                    "models.a.role", "champion"), List.of(new BindingSpec("a", Role.CHAMPION,
                    new ModelSpec("/m/a.onnx", Optional.empty(), Map.of(), List.of(), ""))));
        }

        @Test
        void everyKey() {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("models.a.model", "churn@1.5.0");
            properties.put("models.a.role", "champion");
            properties.put("models.a.features", "a, b");
            properties.put("models.a.features.mask", "[m]");
            properties.put("models.a.output.columns", "label");
            properties.put("models.a.output.prefix", "v15_");
            Map<String, List<String>> features = new LinkedHashMap<>();
            features.put(ScoringPlanner.SOLE_INPUT, List.of("a", "b"));
            features.put("mask", List.of("m"));

            assertFullMapping(JobKey.Section.MODELS, BindingSpec::from, properties, List.of(new BindingSpec("a",
                    Role.CHAMPION, new ModelSpec("churn@1.5.0", Optional.empty(), features, List.of("label"),
                    "v15_"))));
        }
    }

    @Nested
    class Text {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.TEXT, TextSpec::from, Map.of(), TextSpec.NONE);
        }

        @Test
        void everyKey() {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("text.column", "body");
            properties.put("text.tokenizer", "s3a://b/m/tokenizer.json");
            properties.put("text.max-length", "256");
            properties.put("text.pooling", "max");
            properties.put("text.normalize", "true");
            properties.put("text.labels", "softmax");
            properties.put("text.keep-logits", "true");
            properties.put("text.bucketing", "false");
            properties.put("text.max-batch-tokens", "0");
            properties.put("text.batch-invariant", "true");

            assertFullMapping(JobKey.Section.TEXT, TextSpec::from, properties, new TextSpec(Optional.of("body"),
                    Optional.of("s3a://b/m/tokenizer.json"), OptionalInt.of(256), Optional.of(Pooling.MAX), true,
                    TextLabels.SOFTMAX, true, false, 0, true));
        }
    }

    @Nested
    class Routing {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.ROUTING, RoutingSpec::from, Map.of(), RoutingSpec.NONE);
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.ROUTING, RoutingSpec::from, Map.of("routing.canary-percent", "12.5",
                    "routing.key", "id,region"), new RoutingSpec(Optional.of(12.5), List.of("id", "region")));
        }
    }

    @Nested
    class Input {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.INPUT, InputSpec::from, Map.of("input.path", "/in"),
                    new InputSpec("/in", false, BadFilesPolicy.FAIL));
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.INPUT, InputSpec::from, Map.of("input.path", "s3a://b/in/day={date}",
                    "input.incremental", "true", "input.bad-files", "skip", "input.format", "images", "input.glob",
                    "*.png"), new InputSpec("s3a://b/in/day={date}", true, BadFilesPolicy.SKIP, InputFormat.IMAGES,
                    Optional.of("*.png")));
        }
    }

    @Nested
    class IcebergInputSection {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.ICEBERG_INPUT, IcebergInput::from, Map.of(), Optional.empty());
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.ICEBERG_INPUT, IcebergInput::from, Map.of("input.table",
                    "coldpath.events.wine", "input.warehouse", "s3a://b/warehouse"), Optional.of(new IcebergInput(
                    "coldpath.events.wine", Optional.of("s3a://b/warehouse"))));
        }

        @Test
        void aTableInputTakesNoPathAndItsIncrementalRunsNeedAnIcebergOutput() {
            Map<String, String> job = new LinkedHashMap<>(Map.of("model", "/m/wine.onnx", "input.table",
                    "coldpath.events.wine", "output.format", "iceberg", "output.table", "coldpath.scores.wine",
                    "output.warehouse", "/w", "input.incremental", "true"));
            JobSpec spec = JobSpec.from(JobConfig.of(job, "test"));
            assertThat(spec.input().path()).isEmpty();
            assertThat(spec.resolvedInputPath()).isEqualTo("coldpath.events.wine");
            assertThat(spec.inputWarehouse()).contains("/w");
            assertThat(spec.redacted()).doesNotContainKey("input.path").containsEntry("input.table",
                    "coldpath.events.wine");

            Map<String, String> both = new LinkedHashMap<>(job);
            both.put("input.path", "/in");
            assertThatThrownBy(() -> JobSpec.from(JobConfig.of(both, "test")))
                    .hasMessageStartingWith("input.path and input.table are both set");
            Map<String, String> parquet = new LinkedHashMap<>(Map.of("model", "/m/wine.onnx", "input.table",
                    "coldpath.events.wine", "input.warehouse", "/w", "output.path", "/out", "input.incremental",
                    "true"));
            assertThatThrownBy(() -> JobSpec.from(JobConfig.of(parquet, "test")))
                    .hasMessageStartingWith("input.incremental: true with input.table needs output.format: iceberg");
            parquet.put("input.incremental", "false");
            assertThat(JobSpec.from(JobConfig.of(parquet, "test")).inputWarehouse()).contains("/w");
            Map<String, String> twoWarehouses = new LinkedHashMap<>(job);
            twoWarehouses.put("input.warehouse", "/other");
            assertThatThrownBy(() -> JobSpec.from(JobConfig.of(twoWarehouses, "test")))
                    .hasMessageStartingWith("input.warehouse /other differs from output.warehouse /w");
            Map<String, String> images = new LinkedHashMap<>(job);
            images.put("input.format", "images");
            assertThatThrownBy(() -> JobSpec.from(JobConfig.of(images, "test")))
                    .hasMessageStartingWith("Invalid input.format: images with input.table");
        }
    }

    @Nested
    class Output {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.OUTPUT, OutputSpec::from, Map.of("output.path", "/out"),
                    new OutputSpec("/out", PromotePolicy.ON_SUCCESS, Optional.empty(), false, Optional.empty()));
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.OUTPUT, OutputSpec::from, Map.of("output.path", "s3a://b/t",
                    "output.promote", "manual", "output.keep-columns", "id,region", "output.replace", "true",
                    "output.view-name", "churn_current", "output.labels", "both"), new OutputSpec("s3a://b/t",
                    PromotePolicy.MANUAL, Optional.of(List.of("id", "region")), true, Optional.of("churn_current"),
                    OutputLabels.BOTH));
        }
    }

    @Nested
    class Iceberg {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.ICEBERG, IcebergOutput::from, Map.of(), Optional.empty());
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.ICEBERG, IcebergOutput::from, Map.of("output.format", "iceberg",
                    "output.table", "coldpath.nightly.wine", "output.warehouse", "s3a://b/warehouse",
                    "output.partition-by", "days(scored_at), bucket(16, id), region", "output.mode",
                    "overwrite-partitions"), Optional.of(new IcebergOutput("coldpath.nightly.wine",
                    Optional.of("s3a://b/warehouse"), List.of("days(scored_at)", "bucket(16, id)", "region"),
                    WriteMode.OVERWRITE_PARTITIONS)));
        }

        @Test
        void anIcebergTableTakesNoOutputPathAndABadTableNameOrTransformIsNamed() {
            assertThat(OutputSpec.from(JobConfig.of(Map.of("output.format", "iceberg", "output.table",
                    "coldpath.nightly.wine"), "test")).path()).isEmpty();
            assertThatThrownBy(() -> OutputSpec.from(JobConfig.of(Map.of("output.format", "iceberg", "output.table",
                    "coldpath.nightly.wine", "output.path", "/out"), "test"))).hasMessageContaining("remove output.path");
            assertThatThrownBy(() -> IcebergOutput.from(JobConfig.of(Map.of("output.format", "iceberg",
                    "output.table", "nightly.wine"), "test")))
                    .hasMessage("Invalid output.table: nightly.wine (must be a table name <catalog>.<namespace>.<table>"
                            + " of letters, digits and '_')");
            assertThatThrownBy(() -> IcebergOutput.from(JobConfig.of(Map.of("output.format", "iceberg",
                    "output.table", "c.n.t", "output.partition-by", "days(scored_at, 2)"), "test")))
                    .hasMessageStartingWith("Invalid output.partition-by: days(scored_at, 2) (must be a list of");
        }
    }

    @Nested
    class Run {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.RUN, RunSpec::from, Map.of(), RunSpec.DEFAULTS);
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.RUN, RunSpec::from, Map.of("run.id", "rerun-2", "run.date", "2026-11-28",
                    "run.hour", "13"), new RunSpec(Optional.of("rerun-2"), Optional.of(new RunPeriod(
                    LocalDate.of(2026, 11, 28), OptionalInt.of(13)))));
        }
    }

    @Nested
    class Inference {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.INFERENCE, InferenceSpec::from, Map.of(), InferenceSpec.DEFAULTS);
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.INFERENCE, InferenceSpec::from, Map.of("inference.batch-size", "256",
                    "inference.threads", "2", "inference.device", "cuda"), new InferenceSpec(256, 2, Device.CUDA));
        }
    }

    @Nested
    class BadRowsSection {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.BAD_ROWS, BadRows::from, Map.of(), BadRows.FAIL);
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.BAD_ROWS, BadRows::from, Map.of("bad-rows.policy", "quarantine",
                    "bad-rows.max-fraction", "0.2", "bad-rows.missing", "impute", "bad-rows.impute-value", "-1"),
                    new BadRows(BadRows.Policy.QUARANTINE, 0.2, true, -1));
        }
    }

    @Nested
    class BudgetSection {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.BUDGET, Budget::from, Map.of(), Budget.NONE);
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.BUDGET, Budget::from, Map.of("budget.max-wall-time", "90s",
                    "budget.p99-batch-ms", "12.5", "budget.min-rows", "1000", "budget.on-breach", "warn",
                    "budget.min-agreement", "0.98", "budget.max-psi", "0.25", "budget.max-drift-psi", "0.1"),
                    new Budget(Optional.of(Duration.ofSeconds(90)), OptionalDouble.of(12.5), OptionalLong.of(1000),
                            true, OptionalDouble.of(0.98), OptionalDouble.of(0.25), OptionalDouble.of(0.1)));
        }
    }

    @Nested
    class Executor {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.EXECUTOR, ExecutorSpec::from, Map.of(), ExecutorSpec.DEFAULTS);
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.EXECUTOR, ExecutorSpec::from, Map.of("executor.sessions.max", "2",
                    "executor.model-cache.dir", "/mnt/ssd/models", "executor.model-cache.max", "3",
                    "executor.sessions.memory-pattern", "false", "executor.sessions.cpu-arena", "false"),
                    new ExecutorSpec(2, "/mnt/ssd/models", 3, false, false));
        }
    }

    @Nested
    class RunnerKeys {
        @Test
        void everyDefault() {
            assertDefaults(JobKey.Section.RUNNER, RunnerSpec::from, Map.of(), RunnerSpec.DEFAULTS);
        }

        @Test
        void everyKey() {
            assertFullMapping(JobKey.Section.RUNNER, RunnerSpec::from, Map.of("runner", "local",
                    "runner.local-max-bytes", "1000000"),
                    new RunnerSpec(Runner.LOCAL, OptionalLong.of(1_000_000)));
        }
    }
}
