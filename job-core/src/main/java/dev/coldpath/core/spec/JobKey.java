package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.decode.Pooling;
import dev.coldpath.core.decode.SoftmaxMode;
import dev.coldpath.core.image.DecodeAhead;
import dev.coldpath.core.image.ImageSettings;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.table.RunTable;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One job key, as a typed descriptor: its name, its {@link KeyType} (parser and rule), its default, one line
 * for people, and where {@link JobSpec} holds its value. The constants below are every key a job file,
 * {@code --set} or a command-line flag can set: the one list from which parsing and defaults
 * ({@link JobConfig#get}), redaction ({@link JobSpec#redacted}), the {@code --help} key table and
 * docs/job-keys.md ({@link JobKeyTable}) all come. Keys are dotted paths; a YAML file may nest them
 * ({@code inference: {batch-size: 2048}}). Prefix keys take any suffix: {@code features.<model input>} and
 * {@code spark.<Spark configuration key>}. Immutable.
 *
 * @param <T> the type of the key's value
 */
public final class JobKey<T> {
    /** The list of a job's model bindings: {@code models: [{name: ..., model: ..., role: ...}, ...]}. */
    public static final String BINDINGS = "models";

    // The job.
    /** A name for logs and run ids. */
    public static final JobKey<String> NAME = optional(Section.JOB, "name", KeyType.TEXT, "the model's name",
            "a name for logs, the Spark application and the run summary", s -> Optional.of(s.name()));

    // The model, and how columns feed it and its outputs become columns (a job has one model for now).
    /** The model to run. */
    public static final JobKey<String> MODEL = required(Section.MODEL, "model", KeyType.TEXT,
            "the ONNX model: a file path or URI (file:, hdfs:, s3a:), or a registry reference name@version or"
                    + " name@latest; a job with several models lists them under models instead",
            s -> s.model().source());
    /** Where registered models live. */
    public static final JobKey<String> REGISTRY = optional(Section.MODEL, "registry", KeyType.TEXT,
            "$COLDPATH_REGISTRY, else ~/.coldpath/registry", "the model registry's root directory or URI",
            s -> s.model().registry());
    /** The columns feeding a single-input model. */
    public static final JobKey<List<String>> FEATURES = optional(Section.MODEL, "features", KeyType.NAMES,
            "see features.<input>", "for a single-input model: its columns, in order",
            s -> Optional.ofNullable(s.model().features().get(ModelSpec.SOLE_INPUT)));
    /** The columns feeding one model input. */
    public static final JobKey<List<String>> INPUT_FEATURES = prefix(Section.MODEL, "features", "<input>",
            KeyType.NAMES, "a column named like the input", "the columns of model input <input>: K scalar columns,"
                    + " or one array column", s -> {
                Map<String, List<String>> out = new LinkedHashMap<>();
                s.model().features().forEach((input, columns) -> {
                    if (!input.equals(ModelSpec.SOLE_INPUT)) {
                        out.put("features." + input, columns);
                    }
                });
                return out;
            });
    /** Model outputs to write. */
    public static final JobKey<List<String>> OUTPUT_COLUMNS = withDefault(Section.MODEL, "output.columns",
            KeyType.NAMES, List.of(), "all", "the model outputs to write", s -> s.model().outputs());
    /** Prefix of prediction column names. */
    public static final JobKey<String> OUTPUT_PREFIX = withDefault(Section.MODEL, "output.prefix", KeyType.TEXT, "",
            "none", "prepended to each prediction column's name", s -> s.model().outputPrefix());

    // Image models: a binary column of encoded images feeds the model's image input (docs/models.md).
    /** The column of encoded images. */
    public static final JobKey<String> IMAGE_COLUMN = optional(Section.IMAGE, "image.column", KeyType.TEXT, "none",
            "a binary column of encoded images (PNG, JPEG, BMP, GIF, WebP, TIFF), decoded and preprocessed into the"
                    + " model's one input of rank 4 ([N,C,H,W] or [N,H,W,C])", s -> s.model().image().column());
    /** The input's height and width. */
    public static final JobKey<List<Double>> IMAGE_SIZE = optional(Section.IMAGE, "image.size",
            KeyType.numbers(1, 2, true), "the model input's H and W, when fixed",
            "[H, W] of the model's image input (one number for a square)",
            s -> s.model().image().size().map(hw -> hw.stream().map(Integer::doubleValue).toList()));
    /** How images are brought to the size. */
    public static final JobKey<ImageSettings.Resize> IMAGE_RESIZE = withDefault(Section.IMAGE, "image.resize",
            KeyType.oneOf(ImageSettings.Resize.class), ImageSettings.Resize.EXACT, "exact: to H x W, ignoring the"
                    + " aspect; shorter-side: keeping the aspect, to cover H x W, then the centre is cropped;"
                    + " fit-pad: keeping the aspect, to fit inside H x W, padded (letterbox); fixed-height: to height H"
                    + " and width ceil(H x w/h), at most W, padded on the right; none: as it is (H x W, or larger with"
                    + " crop: center)", s -> s.model().image().resize());
    /** The value of padded pixels. */
    public static final JobKey<Double> IMAGE_PAD_VALUE = withDefault(Section.IMAGE, "image.pad-value",
            KeyType.number(), 0.0, "0", "the value of padded pixels (fit-pad, fixed-height) in the model's input units,"
                    + " that is after scale, mean and std", s -> s.model().image().padValue());
    /** Where fit-pad puts the image. */
    public static final JobKey<ImageSettings.PadAnchor> IMAGE_PAD_ANCHOR = withDefault(Section.IMAGE,
            "image.pad-anchor", KeyType.oneOf(ImageSettings.PadAnchor.class), ImageSettings.PadAnchor.CENTER,
            "with resize: fit-pad, where the resized image goes: center (padding split on both sides) or top-left",
            s -> s.model().image().padAnchor());
    /** Cropping. */
    public static final JobKey<ImageSettings.Crop> IMAGE_CROP = optional(Section.IMAGE, "image.crop",
            KeyType.oneOf(ImageSettings.Crop.class), "center with resize: shorter-side, else none",
            "center: keep the central H x W of the resized (shorter-side) or original (none) image; none",
            s -> s.model().image().crop());
    /** Channel order. */
    public static final JobKey<ImageSettings.Channels> IMAGE_CHANNELS = withDefault(Section.IMAGE, "image.channels",
            KeyType.oneOf(ImageSettings.Channels.class), ImageSettings.Channels.RGB,
            "rgb, bgr, or gray (one channel: 0.299 R + 0.587 G + 0.114 B)", s -> s.model().image().channels());
    /** Multiplies each sample first. */
    public static final JobKey<Double> IMAGE_SCALE = withDefault(Section.IMAGE, "image.scale",
            KeyType.numberOrFraction(), 1.0, "1", "multiplies each 0..255 sample first, e.g. 1/255",
            s -> s.model().image().scale());
    /** Subtracted after the scale. */
    public static final JobKey<List<Double>> IMAGE_MEAN = withDefault(Section.IMAGE, "image.mean",
            KeyType.numbers(1, 3, false), List.of(0.0), "[0]", "subtracted after the scale: one value per channel,"
                    + " or one for all", s -> s.model().image().mean());
    /** Divides after the mean. */
    public static final JobKey<List<Double>> IMAGE_STD = withDefault(Section.IMAGE, "image.std",
            KeyType.numbers(1, 3, false), List.of(1.0), "[1]", "divides after the mean: one value per channel, or one"
                    + " for all", s -> s.model().image().std());
    /** Dimension order. */
    public static final JobKey<ImageSettings.Layout> IMAGE_LAYOUT = optional(Section.IMAGE, "image.layout",
            KeyType.oneOf(ImageSettings.Layout.class), "the model input's: nhwc when its last dimension is the"
                    + " channels (1 or 3) and its second is not, else nchw", "nchw ([N,C,H,W]) or nhwc ([N,H,W,C])",
            s -> s.model().image().layout());
    /** Element type. */
    public static final JobKey<ImageSettings.DataType> IMAGE_DTYPE = optional(Section.IMAGE, "image.dtype",
            KeyType.oneOf(ImageSettings.DataType.class), "the model input's (uint8 or float)",
            "float, or uint8 (the 0..255 samples as they are, for models with their preprocessing in the graph)",
            s -> s.model().image().dtype());
    /** The resampling filter. */
    public static final JobKey<ImageSettings.Interpolation> IMAGE_INTERPOLATION = withDefault(Section.IMAGE,
            "image.interpolation", KeyType.oneOf(ImageSettings.Interpolation.class),
            ImageSettings.Interpolation.BILINEAR, "bilinear (OpenCV's INTER_LINEAR) or area (pixel-area averaging,"
                    + " OpenCV's INTER_AREA, for large downscales; bilinear along an axis that is enlarged)",
            s -> s.model().image().interpolation());
    /** EXIF orientation. */
    public static final JobKey<Boolean> IMAGE_EXIF_ROTATE = withDefault(Section.IMAGE, "image.exif-rotate",
            KeyType.BOOLEAN, true, "true: turn or mirror each image as its EXIF orientation says, before resizing",
            s -> s.model().image().exifRotate());
    /** Largest image decoded. */
    public static final JobKey<Long> IMAGE_MAX_PIXELS = withDefault(Section.IMAGE, "image.max-pixels",
            KeyType.whole(1), 100_000_000L, "images with more pixels (width x height, read from the header before"
                    + " decoding) are rejected as bad rows", s -> s.model().image().maxPixels());
    /** Class names of an image classifier. */
    public static final JobKey<String> IMAGE_LABELS = optional(Section.IMAGE, "image.labels", KeyType.TEXT, "none",
            "a text file of class names, one per line in class order (a path beside the model, or absolute): the"
                    + " classifier's float [N, K] output then also becomes label (the top class's name) and score"
                    + " (its probability), and with image.top-k top_k_labels and top_k_scores",
            s -> s.model().image().labels());
    /** How many classes the top-k columns list. */
    public static final JobKey<Long> IMAGE_TOP_K = optional(Section.IMAGE, "image.top-k", KeyType.whole(1), "none",
            "with image.labels, the K most probable classes, best first, as top_k_labels (array<string>) and"
                    + " top_k_scores (array<float>); at most the number of classes",
            s -> s.model().image().topK().map(Integer::longValue));
    /** Softmax over the classifier's output. */
    public static final JobKey<SoftmaxMode> IMAGE_SOFTMAX = withDefault(Section.IMAGE, "image.softmax",
            KeyType.oneOf(SoftmaxMode.class), SoftmaxMode.AUTO, "with image.labels, whether the output goes through a"
                    + " softmax: true, false (it holds probabilities already), or auto: each row unless its values are"
                    + " already in [0, 1] and sum to 1 within 1e-3", s -> s.model().image().softmax());

    /** Decoding the next batch's images while the current one is scored. */
    public static final JobKey<DecodeAhead> IMAGE_DECODE_AHEAD = withDefault(Section.IMAGE, "image.decode-ahead",
            KeyType.oneOf(DecodeAhead.class), DecodeAhead.AUTO, "true: each task decodes and preprocesses the next"
                    + " batch's images on a second thread while the current batch is scored (one batch ahead, no more);"
                    + " false: never; auto: when a core is free (more cores than task slots, and a load average below"
                    + " the cores)",
            s -> s.model().image().decodeAhead());

    // Several models in one job: one models entry per binding, named; a key a binding leaves out is the job's.
    /** A binding's model. */
    public static final JobKey<String> BINDING_MODEL = binding("model", null, KeyType.TEXT, "required",
            "the binding's ONNX model, as model takes it", b -> Map.of("model", b.model().source()));
    /** A binding's role. */
    public static final JobKey<Role> BINDING_ROLE = binding("role", null, KeyType.oneOf(Role.class), "required",
            "champion: publishes its predictions (exactly one); shadow: scores every row for comparison only;"
                    + " canary: publishes its predictions for the keys routing sends to it (at most one)",
            b -> Map.of("role", b.role()));
    /** A binding's columns for a single-input model. */
    public static final JobKey<List<String>> BINDING_FEATURES = binding("features", null, KeyType.NAMES,
            "the job's features and features.<input>", "the binding's columns for a single-input model; a binding"
                    + " that sets features or features.<input> takes none of the job's",
            b -> b.model().features().containsKey(ModelSpec.SOLE_INPUT)
                    ? Map.of("features", b.model().features().get(ModelSpec.SOLE_INPUT)) : Map.of());
    /** A binding's columns for one model input. */
    public static final JobKey<List<String>> BINDING_INPUT_FEATURES = binding("features", "<input>", KeyType.NAMES,
            "the job's features and features.<input>", "the columns of the binding's model input <input>",
            b -> {
                Map<String, List<String>> out = new LinkedHashMap<>();
                b.model().features().forEach((input, columns) -> {
                    if (!input.equals(ModelSpec.SOLE_INPUT)) {
                        out.put("features." + input, columns);
                    }
                });
                return out;
            });
    /** A binding's outputs to write. */
    public static final JobKey<List<String>> BINDING_OUTPUT_COLUMNS = binding("output.columns", null, KeyType.NAMES,
            "the job's output.columns",
            "the binding's model outputs to write (a canary must write the champion's columns)",
            b -> Map.of("output.columns", b.model().outputs()));
    /** A binding's prefix of prediction column names. */
    public static final JobKey<String> BINDING_OUTPUT_PREFIX = binding("output.prefix", null, KeyType.TEXT,
            "the job's output.prefix", "prepended to each of the binding's prediction column names",
            b -> Map.of("output.prefix", b.model().outputPrefix()));

    // Text models: these apply to every model of the job.
    /** The text column. */
    public static final JobKey<String> TEXT_COLUMN = optional(Section.TEXT, "text.column", KeyType.TEXT, "none",
            "the string column a text model reads: tokenized into the model's input_ids, with attention_mask and"
                    + " token_type_ids made for it when the model has them; a null text is a bad row, an empty"
                    + " text is scored", s -> s.model().text().column());
    /** The tokenizer. */
    public static final JobKey<String> TEXT_TOKENIZER = optional(Section.TEXT, "text.tokenizer", KeyType.TEXT,
            "tokenizer.json beside the model", "the Hugging Face tokenizer.json (a path or URI); its truncation"
                    + " length is used unless text.max-length is set, its padding never (coldpath pads each batch)",
            s -> s.model().text().tokenizer());
    /** The truncation length. */
    public static final JobKey<Integer> TEXT_MAX_LENGTH = optional(Section.TEXT, "text.max-length",
            KeyType.integer(1), "the tokenizer file's truncation max_length, else 512", "the most tokens of a text,"
                    + " special tokens included; longer texts are truncated and counted in the manifest and summary",
            s -> s.model().text().maxLength().isPresent()
                    ? Optional.of(s.model().text().maxLength().getAsInt()) : Optional.empty());
    /** Pooling. */
    public static final JobKey<Pooling> TEXT_POOLING = optional(Section.TEXT, "text.pooling",
            KeyType.oneOf(Pooling.class), "mean for a model with a sequence output [N, L, H] or a"
                    + " sentence_embedding output; none with text.labels: softmax or without such an output",
            "how the per-token outputs become one embedding column, array<float>, over the tokens the attention"
                    + " mask keeps: cls (the first token), mean or max; none writes the model's outputs as they are",
            s -> s.model().text().pooling());
    /** L2 normalisation. */
    public static final JobKey<Boolean> TEXT_NORMALIZE = withDefault(Section.TEXT, "text.normalize",
            KeyType.BOOLEAN, false, "true: each embedding is divided by its L2 norm (unit length, for cosine search)",
            s -> s.model().text().normalize());
    /** A classifier's labels. */
    public static final JobKey<TextLabels> TEXT_LABELS = withDefault(Section.TEXT, "text.labels",
            KeyType.oneOf(TextLabels.class), TextLabels.NONE, "softmax: a sequence classifier's logits [N, K] become"
                    + " label (the class name from config.json's id2label) and score (its softmax probability);"
                    + " none writes the outputs as they are", s -> s.model().text().labels());
    /** Keep the logits beside label and score. */
    public static final JobKey<Boolean> TEXT_KEEP_LOGITS = withDefault(Section.TEXT, "text.keep-logits",
            KeyType.BOOLEAN, false, "with text.labels: softmax, true also writes the logits output as it is",
            s -> s.model().text().keepLogits());

    /** Length bucketing. */
    public static final JobKey<Boolean> TEXT_BUCKETING = withDefault(Section.TEXT, "text.bucketing", KeyType.BOOLEAN,
            true, "true: each task orders a window of texts (a Parquet batch of rows, 4096 by default) by length"
                    + " before filling batches, so that a batch pads little; rows then leave in that order, with their"
                    + " keys. false: batches in the input's order (the same embeddings, more padding)",
            s -> s.model().text().bucketing());
    /** A batch's token budget. */
    public static final JobKey<Integer> TEXT_MAX_BATCH_TOKENS = withDefault(Section.TEXT, "text.max-batch-tokens",
            KeyType.integer(0), TextSpec.DEFAULT_MAX_BATCH_TOKENS, "the most padded tokens of a batch (texts x its"
                    + " longest text): long texts form smaller batches than inference.batch-size; 0 for no limit",
            s -> s.model().text().maxBatchTokens());

    /** One text per call. */
    public static final JobKey<Boolean> TEXT_BATCH_INVARIANT = withDefault(Section.TEXT, "text.batch-invariant",
            KeyType.BOOLEAN, false, "true: each text is scored alone (batches of one, no padding), whatever"
                    + " inference.batch-size, so that a dynamically quantized model (DynamicQuantizeLinear, whose"
                    + " ranges span the whole batch) gives each text the same embedding in every run, at the"
                    + " throughput of one text per call", s -> s.model().text().batchInvariant());

    // Canary routing.
    /** The canary's share of keys. */
    public static final JobKey<Double> ROUTING_PERCENT = optional(Section.ROUTING, "routing.canary-percent",
            KeyType.number(0, 100), "none", "the percent of routing keys whose rows the canary publishes, in steps of"
                    + " 0.01; required with a canary", s -> s.routing().canaryPercent());
    /** The columns that route a row. */
    public static final JobKey<List<String>> ROUTING_KEY = optional(Section.ROUTING, "routing.key", KeyType.NAMES,
            "none", "the input columns whose values decide, by a stable hash, whether the canary publishes a row;"
                    + " required with a canary", s -> s.routing().key().isEmpty() ? Optional.empty()
                    : Optional.of(s.routing().key()));

    // The input.
    /** What to score. */
    public static final JobKey<String> INPUT_PATH = new JobKey<>(Section.INPUT, "input.path", null, KeyType.TEXT,
            null, "required", "the Parquet file or directory to score; may hold {date}, {year}, {month}, {day},"
                    + " {hour} (not with input.table)", s -> s.input().path().isEmpty() ? Map.of()
                    : Map.of("input.path", s.input().path()));
    /** What the input holds. */
    public static final JobKey<InputFormat> INPUT_FORMAT = withDefault(Section.INPUT, "input.format",
            KeyType.oneOf(InputFormat.class), InputFormat.PARQUET, "parquet: Parquet files; images: a directory tree of"
                    + " image files read with Spark's binaryFile source, one row per file with the columns path (the"
                    + " default key), modificationTime, length and content (the bytes, the default image.column)",
            s -> s.input().format());
    /** Which files an images input reads. */
    public static final JobKey<String> INPUT_GLOB = optional(Section.INPUT, "input.glob", KeyType.TEXT,
            InputFormat.DEFAULT_GLOB + ", in any case", "with input.format: images, the file names read (a glob on"
                    + " the name, not the path, matched in any case), in every subdirectory of input.path",
            s -> s.input().glob());
    /** Score only input partitions no committed run has scored. */
    public static final JobKey<Boolean> INCREMENTAL = withDefault(Section.INPUT, "input.incremental",
            KeyType.BOOLEAN, false, "true: score only the partition directories of input.path that no committed"
                    + " run of this model has scored yet; with input.table, only the rows appended to the table since"
                    + " the snapshot the output table's last committed run read (needs output.format: iceberg)",
            s -> s.input().incremental());
    /** What to do with an input file that cannot be read as Parquet. */
    public static final JobKey<BadFilesPolicy> BAD_FILES = withDefault(Section.INPUT, "input.bad-files",
            KeyType.oneOf(BadFilesPolicy.class), BadFilesPolicy.FAIL, "fail: an input file that is corrupt,"
                    + " truncated, empty or not Parquet fails the run (exit 2) naming it; skip: such files are left"
                    + " out (each file's footer is read first), and the manifest and the summary name them",
            s -> s.input().badFiles());

    // An Iceberg table as the input.
    /** The Iceberg table to score. */
    public static final JobKey<String> INPUT_TABLE = optional(Section.ICEBERG_INPUT, "input.table",
            KeyType.TABLE_NAME,
            "none", "the Iceberg table to score instead of input.path, e.g. coldpath.events.wine. Its catalog is"
                    + " Spark's spark.sql.catalog.<catalog>, or, when none is configured, the embedded Hadoop catalog"
                    + " on input.warehouse (else output.warehouse)",
            s -> s.input().table().map(IcebergInput::table));
    /** The input table's embedded catalog's warehouse. */
    public static final JobKey<String> INPUT_WAREHOUSE = optional(Section.ICEBERG_INPUT, "input.warehouse",
            KeyType.TEXT, "output.warehouse", "the warehouse of the embedded Hadoop catalog that holds input.table"
                    + " (a directory or URI: file:, hdfs:, s3a:), when Spark has no spark.sql.catalog.<catalog>"
                    + " configured; one Spark session has one catalog named coldpath, so it must equal"
                    + " output.warehouse when both are set", s -> s.input().table().flatMap(IcebergInput::warehouse));

    // The output table.
    /** Where predictions go. */
    public static final JobKey<String> OUTPUT_PATH = new JobKey<>(Section.OUTPUT, "output.path", null, KeyType.TEXT,
            null, "required", "the prediction table's root directory or URI: each run is a directory inside it (not"
                    + " with output.format: iceberg)", s -> s.output().path().isEmpty() ? Map.of()
                    : Map.of("output.path", s.output().path()));
    /** What the predictions are committed as. */
    public static final JobKey<OutputFormat> OUTPUT_FORMAT = withDefault(Section.ICEBERG, "output.format",
            KeyType.oneOf(OutputFormat.class), OutputFormat.PARQUET, "parquet: a prediction table of run directories"
                    + " under output.path (docs/tables.md); iceberg: the Iceberg table output.table, one snapshot"
                    + " and one tag run-<id> per run (docs/iceberg.md)", s -> s.output().format());
    /** The Iceberg table. */
    public static final JobKey<String> OUTPUT_TABLE = optional(Section.ICEBERG, "output.table",
            KeyType.TABLE_NAME,
            "required with output.format: iceberg", "the Iceberg table, e.g. coldpath.nightly.wine; created on the"
                    + " first run. Its catalog is Spark's spark.sql.catalog.<catalog>, or, when none is configured"
                    + " and output.warehouse is set, the embedded Hadoop catalog",
            s -> s.output().iceberg().map(IcebergOutput::table));
    /** The embedded catalog's warehouse. */
    public static final JobKey<String> OUTPUT_WAREHOUSE = optional(Section.ICEBERG, "output.warehouse", KeyType.TEXT,
            "none", "the warehouse of the embedded Hadoop catalog (a directory or URI: file:, hdfs:, s3a:), used for"
                    + " output.table's catalog when Spark has no spark.sql.catalog.<catalog> configured",
            s -> s.output().iceberg().flatMap(IcebergOutput::warehouse));
    /** The partition spec of a new Iceberg table. */
    public static final JobKey<List<String>> OUTPUT_PARTITION_BY = optional(Section.ICEBERG, "output.partition-by",
            new KeyType<>("list of columns and transforms", "a list of columns and Iceberg transforms: col,"
                    + " years|months|days|hours(col), bucket(N, col), truncate(N, col)", true,
                    IcebergOutput::partitionTransforms, l -> l), "unpartitioned",
            "the partition spec of the Iceberg table a first run creates, e.g. period (the run's date: a rerun or"
                    + " backfill replaces its dates) or an input column",
            s -> s.output().iceberg().map(IcebergOutput::partitionBy).filter(l -> !l.isEmpty()));
    /** How a run's rows join the Iceberg table. */
    public static final JobKey<WriteMode> OUTPUT_MODE = withDefault(Section.ICEBERG, "output.mode",
            KeyType.oneOf(WriteMode.class), WriteMode.OVERWRITE, "with output.format: iceberg: overwrite, each run"
                    + " replaces the table's content; overwrite-partitions, each run replaces the partitions it"
                    + " writes; append. In every mode a rerun of a run id replaces that run's rows",
            s -> s.output().iceberg().map(IcebergOutput::mode).orElse(WriteMode.OVERWRITE));
    /** Whether a successful run becomes current by itself. */
    public static final JobKey<PromotePolicy> PROMOTE = withDefault(Section.OUTPUT, "output.promote",
            KeyType.oneOf(PromotePolicy.class), PromotePolicy.ON_SUCCESS,
            "on-success: a committed run becomes the table's current run; manual: only 'coldpath runs promote'"
                    + " moves the pointer (an Iceberg table's run waits on branch coldpath-staging)", s -> s.output().promote());
    /** Input columns copied beside the predictions. */
    public static final JobKey<List<String>> KEEP_COLUMNS = optional(Section.OUTPUT, "output.keep-columns",
            KeyType.NAMES, "every input column that is not a feature", "input columns copied beside the predictions",
            s -> s.output().keepColumns());

    /** Whether a run may replace a run of the same id committed after it started. */
    public static final JobKey<Boolean> REPLACE = withDefault(Section.OUTPUT, "output.replace", KeyType.BOOLEAN,
            false, "false: a run replaces a committed run of the same id and model version only if that one was"
                    + " committed before this run started (a rerun), and otherwise fails; true: it replaces it anyway",
            s -> s.output().replace());

    /** The name of the SQL views of the current runs. */
    public static final JobKey<String> VIEW_NAME = optional(Section.OUTPUT, "output.view-name",
            new KeyType<>("letters, digits and '_'", "letters, digits and '_', starting with a letter or '_', at"
                    + " most 128", false, t -> t.strip().matches("[A-Za-z_][A-Za-z0-9_]{0,127}") ? t.strip() : null,
                    name -> name), "the table directory's name",
            "the name of the views in the table's _coldpath/current.duckdb.sql and current.spark.sql, which read the"
                    + " current run of every period", s -> s.output().viewName());

    /** Class names or ids in a classifier's prediction columns. */
    public static final JobKey<OutputLabels> OUTPUT_LABELS = withDefault(Section.OUTPUT, "output.labels",
            KeyType.oneOf(OutputLabels.class), OutputLabels.NAMES,
            "for a model that names its classes (metadata 'classes' or 'id2label', or id2label in a config.json beside"
                    + " it): names writes the label as the class name and the probabilities as a map from class name;"
                    + " ids writes them as the model gives them; both writes names, and ids in <column>_id. A model"
                    + " that names no classes is written as it gives them", s -> s.output().labels());

    // The run.
    /** The run's id. */
    public static final JobKey<String> RUN_ID = optional(Section.RUN, "run.id", new KeyType<>("letters, digits, '.',"
                    + " '_' and '-', at most 128", "a run id", false, RunTable::checkRunId, id -> id),
            "the run's date or hour, else the start time",
            "the run's id, its directory in the table; a rerun with the same id and model version replaces that"
                    + " run (see output.replace)",
            s -> s.run().id());
    /** The logical date of a scheduled run. */
    public static final JobKey<LocalDate> RUN_DATE = optional(Section.RUN, "run.date", KeyType.DATE, "none",
            "the logical date; fills {date}, {year}, {month}, {day} in input.path and names the run",
            s -> s.run().period().map(RunPeriod::date));
    /** The logical hour of a scheduled run. */
    public static final JobKey<Integer> RUN_HOUR = optional(Section.RUN, "run.hour", KeyType.HOUR, "none",
            "the logical hour (needs run.date); fills {hour} in input.path",
            s -> s.run().period().flatMap(p -> p.hour().isPresent() ? Optional.of(p.hour().getAsInt())
                    : Optional.empty()));

    // Inference.
    /** Rows per ONNX Runtime call. */
    public static final JobKey<Integer> BATCH_SIZE = withDefault(Section.INFERENCE, "inference.batch-size",
            KeyType.integerOrAuto(1, InferenceSpec.AUTO_BATCH_SIZE), InferenceSpec.AUTO_BATCH_SIZE,
            "auto: as many rows as fit 8 MiB of input tensors, at most 1024 (1024 when an input has a symbolic"
                    + " inner dimension; 1 for a model whose batch dimension is fixed at 1)",
            "rows per ONNX Runtime call", s -> s.inference().batchSize());
    /** Intra-op threads per session. */
    public static final JobKey<Integer> THREADS = withDefault(Section.INFERENCE, "inference.threads",
            KeyType.integerOrAuto(1, 0), 0, "auto: the task's cpus (spark.task.cpus), so task slots x threads <="
                    + " executor cores; with fewer input partitions than task slots (one small file), each task"
                    + " also takes the slots no task will use; on the local runner, the master's CPUs (N of local[N],"
                    + " the machine's cores for local[*]) over its workers, so workers x threads <= those CPUs",
            "intra-op threads per ONNX Runtime session", s -> s.inference().threads());
    /** Where sessions run. */
    public static final JobKey<Device> DEVICE = withDefault(Section.INFERENCE, "inference.device",
            KeyType.oneOf(Device.class), Device.CPU, "where sessions run: cpu; cuda, failing without a GPU; or auto,"
                    + " a GPU when one is assigned and usable", s -> s.inference().device());

    // Bad rows.
    /** What to do with rows the model cannot take. */
    public static final JobKey<BadRows.Policy> BAD_ROWS_POLICY = withDefault(Section.BAD_ROWS, "bad-rows.policy",
            KeyType.oneOf(BadRows.Policy.class), BadRows.Policy.FAIL, "fail: the first bad row fails the job; skip:"
                    + " leave it out; quarantine: leave it out and write it with a reason to the run's _quarantine",
            s -> s.badRows().policy());
    /** How many rows may be rejected. */
    public static final JobKey<Double> BAD_ROWS_MAX_FRACTION = withDefault(Section.BAD_ROWS, "bad-rows.max-fraction",
            KeyType.number(0, 1), BadRows.DEFAULT_MAX_FRACTION,
            "the share of rows that may be rejected before the run aborts (exit 5)", s -> s.badRows().maxFraction());
    /** Nulls and NaNs in features. */
    public static final JobKey<Boolean> BAD_ROWS_MISSING = withDefault(Section.BAD_ROWS, "bad-rows.missing",
            KeyType.either("reject", "impute"), false, "reject",
            "reject a row with a null or NaN feature, or impute the missing value", s -> s.badRows().imputeMissing());
    /** The value imputed for a missing feature. */
    public static final JobKey<Double> BAD_ROWS_IMPUTE_VALUE = withDefault(Section.BAD_ROWS, "bad-rows.impute-value",
            KeyType.number(), 0.0, "0", "the value that replaces a null or NaN feature with bad-rows.missing: impute",
            s -> s.badRows().imputeValue());

    // Budgets.
    /** Longest the run may take. */
    public static final JobKey<Duration> BUDGET_WALL_TIME = optional(Section.BUDGET, "budget.max-wall-time",
            KeyType.DURATION, "none", "the longest the run may take; with on-breach: fail its Spark jobs are"
                    + " cancelled then", s -> s.budget().maxWallTime());
    /** Slowest inference p99. */
    public static final JobKey<Double> BUDGET_P99 = optional(Section.BUDGET, "budget.p99-batch-ms",
            KeyType.positiveNumber(), "none", "the highest allowed 99th percentile of inference time per batch, in"
                    + " milliseconds", s -> s.budget().p99BatchMs().isPresent()
                    ? Optional.of(s.budget().p99BatchMs().getAsDouble()) : Optional.empty());
    /** Fewest rows. */
    public static final JobKey<Long> BUDGET_MIN_ROWS = optional(Section.BUDGET, "budget.min-rows", KeyType.whole(0),
            "none", "the fewest rows the run must write", s -> s.budget().minRows().isPresent()
                    ? Optional.of(s.budget().minRows().getAsLong()) : Optional.empty());
    /** Lowest label agreement with the champion. */
    public static final JobKey<Double> BUDGET_MIN_AGREEMENT = optional(Section.BUDGET, "budget.min-agreement",
            KeyType.number(0, 1), "none", "with several models: the lowest share (0 to 1) of rows on which each"
                    + " shadow or canary gives the champion's label, for every label output they share",
            s -> s.budget().minAgreement().isPresent()
                    ? Optional.of(s.budget().minAgreement().getAsDouble()) : Optional.empty());
    /** Highest PSI against the champion. */
    public static final JobKey<Double> BUDGET_MAX_PSI = optional(Section.BUDGET, "budget.max-psi",
            KeyType.positiveNumber(), "none", "with several models: the highest population stability"
                    + " index of each shadow's or canary's labels or scores against the champion's (docs/models.md)",
            s -> s.budget().maxPsi().isPresent() ? Optional.of(s.budget().maxPsi().getAsDouble()) : Optional.empty());
    /** Highest PSI against the table's previous run. */
    public static final JobKey<Double> BUDGET_MAX_DRIFT_PSI = optional(Section.BUDGET, "budget.max-drift-psi",
            KeyType.positiveNumber(), "none", "the highest population stability index of each published output"
                    + " against the table's current run of the same period before this run (docs/models.md, drift)",
            s -> s.budget().maxDriftPsi().isPresent() ? Optional.of(s.budget().maxDriftPsi().getAsDouble())
                    : Optional.empty());
    /** Fail or warn on a breach. */
    public static final JobKey<Boolean> BUDGET_ON_BREACH = withDefault(Section.BUDGET, "budget.on-breach",
            KeyType.either("fail", "warn"), false, "fail",
            "fail (exit 4, nothing committed) or warn (commit, and record the breach in the manifest)",
            s -> s.budget().warnOnly());

    // Runner.
    /** Which engine scores the run. */
    public static final JobKey<Runner> RUNNER = withDefault(Section.RUNNER, "runner", KeyType.oneOf(Runner.class),
            Runner.AUTO, "spark: a Spark application on spark.master; local: in this JVM without Spark (Parquet"
                    + " or image files in, Parquet out, docs/operations.md); auto: local when the master is local and"
                    + " the input is on local disk or s3a, under runner.local-max-bytes and a plan the local runner"
                    + " supports, else"
                    + " spark", s -> s.runner().runner());
    /** The largest input auto scores locally. */
    public static final JobKey<Long> RUNNER_LOCAL_MAX_BYTES = optional(Section.RUNNER, "runner.local-max-bytes",
            KeyType.bytes(1), "a quarter of the machine's memory", "the largest input, in bytes of its files (an"
                    + " integer, or with a unit as 512m or 2g), that runner: auto scores in this JVM", s -> s.runner().localMaxBytes().isPresent()
                    ? Optional.of(s.runner().localMaxBytes().getAsLong()) : Optional.empty());

    // Executors: these travel with the job to every executor.
    /** Sessions an executor JVM keeps open. */
    public static final JobKey<Integer> SESSIONS_MAX = withDefault(Section.EXECUTOR, "executor.sessions.max",
            KeyType.integer(1), ExecutorSpec.DEFAULTS.sessionsMax(), "ONNX Runtime sessions each executor JVM keeps"
                    + " open, least recently used closed first; the last job to start a task on an executor sets it",
            s -> s.executor().sessionsMax());
    /** ONNX Runtime's memory pattern optimization. */
    public static final JobKey<Boolean> SESSIONS_MEMORY_PATTERN = withDefault(Section.EXECUTOR,
            "executor.sessions.memory-pattern", KeyType.BOOLEAN, ExecutorSpec.DEFAULTS.memoryPattern(),
            "true: each session plans its activation memory from the shapes of its first runs (ONNX Runtime's"
                    + " memory pattern); false saves memory when batch shapes vary, as with padded text",
            s -> s.executor().memoryPattern());
    /** ONNX Runtime's CPU arena allocator. */
    public static final JobKey<Boolean> SESSIONS_CPU_ARENA = withDefault(Section.EXECUTOR,
            "executor.sessions.cpu-arena", KeyType.BOOLEAN, ExecutorSpec.DEFAULTS.cpuArena(),
            "true: each session keeps freed activation memory in an arena for reuse (ONNX Runtime's CPU arena);"
                    + " false returns it to the system, lowering peak resident memory at some speed",
            s -> s.executor().cpuArena());
    /** Where executors cache remote models. */
    public static final JobKey<String> MODEL_CACHE_DIR = optional(Section.EXECUTOR, "executor.model-cache.dir",
            KeyType.TEXT, "${java.io.tmpdir}/coldpath-models on each executor",
            "the local directory where executors keep remote (s3a:, hdfs:) models, named by sha256",
            s -> Optional.of(s.executor().modelCacheDir()).filter(dir -> !dir.isEmpty()));
    /** How many models the executor's disk cache keeps. */
    public static final JobKey<Integer> MODEL_CACHE_MAX = withDefault(Section.EXECUTOR, "executor.model-cache.max",
            KeyType.integer(1), ExecutorSpec.DEFAULTS.modelCacheMax(), "models kept in executor.model-cache.dir,"
                    + " least recently used deleted first", s -> s.executor().modelCacheMax());

    // Spark.
    /** Spark configuration, passed through. */
    public static final JobKey<String> SPARK = prefix(Section.SPARK, "spark", "<key>", KeyType.TEXT,
            "spark.master = local[*] when not under spark-submit", "any Spark configuration key, as spark-submit"
                    + " --conf takes it, e.g. spark.executor.memory or spark.hadoop.fs.s3a.endpoint",
            JobSpec::sparkConf);

    /**
     * The parts of a job. Each key belongs to one; each but JOB, SPARK and TEXT is a record of {@link JobSpec}
     * (TEXT is {@link ModelSpec#text}).
     */
    public enum Section {
        JOB("Job"),
        MODEL("Model"),
        IMAGE("Image models"),
        MODELS("Several models"),
        TEXT("Text models"),
        ROUTING("Canary routing"),
        INPUT("Input"),
        ICEBERG_INPUT("Iceberg input"),
        OUTPUT("Output"),
        ICEBERG("Iceberg tables"),
        RUN("Run"),
        INFERENCE("Inference"),
        BAD_ROWS("Bad rows"),
        BUDGET("Budget"),
        RUNNER("Runner"),
        EXECUTOR("Executors"),
        SPARK("Spark");

        private final String title;

        Section(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    private static final List<JobKey<?>> ALL = List.of(NAME, MODEL, REGISTRY, FEATURES, INPUT_FEATURES,
            OUTPUT_COLUMNS, OUTPUT_PREFIX, IMAGE_COLUMN, IMAGE_SIZE, IMAGE_RESIZE, IMAGE_PAD_VALUE, IMAGE_PAD_ANCHOR,
            IMAGE_CROP, IMAGE_CHANNELS, IMAGE_SCALE, IMAGE_MEAN, IMAGE_STD, IMAGE_LAYOUT, IMAGE_DTYPE,
            IMAGE_INTERPOLATION, IMAGE_EXIF_ROTATE, IMAGE_MAX_PIXELS, IMAGE_LABELS, IMAGE_TOP_K,
            IMAGE_SOFTMAX, IMAGE_DECODE_AHEAD, BINDING_MODEL, BINDING_ROLE, BINDING_FEATURES,
            BINDING_INPUT_FEATURES, BINDING_OUTPUT_COLUMNS, BINDING_OUTPUT_PREFIX, TEXT_COLUMN, TEXT_TOKENIZER,
            TEXT_MAX_LENGTH, TEXT_POOLING, TEXT_NORMALIZE, TEXT_LABELS, TEXT_KEEP_LOGITS, TEXT_BUCKETING,
            TEXT_MAX_BATCH_TOKENS, TEXT_BATCH_INVARIANT,
            ROUTING_PERCENT, ROUTING_KEY,
            INPUT_PATH, INPUT_FORMAT, INPUT_GLOB, INCREMENTAL, BAD_FILES, INPUT_TABLE, INPUT_WAREHOUSE,
            OUTPUT_PATH, PROMOTE, KEEP_COLUMNS,
            REPLACE, VIEW_NAME, OUTPUT_LABELS, OUTPUT_FORMAT, OUTPUT_TABLE, OUTPUT_WAREHOUSE, OUTPUT_PARTITION_BY,
            OUTPUT_MODE, RUN_ID, RUN_DATE,
            RUN_HOUR, BATCH_SIZE, THREADS, DEVICE, BAD_ROWS_POLICY, BAD_ROWS_MAX_FRACTION, BAD_ROWS_MISSING,
            BAD_ROWS_IMPUTE_VALUE, BUDGET_WALL_TIME, BUDGET_P99, BUDGET_MIN_ROWS, BUDGET_MIN_AGREEMENT, BUDGET_MAX_PSI,
            BUDGET_MAX_DRIFT_PSI, BUDGET_ON_BREACH, SESSIONS_MAX, SESSIONS_MEMORY_PATTERN, SESSIONS_CPU_ARENA,
            MODEL_CACHE_DIR, MODEL_CACHE_MAX, RUNNER, RUNNER_LOCAL_MAX_BYTES, SPARK);

    private final Section section;
    private final String key;
    private final String placeholder;
    private final KeyType<T> type;
    private final T defaultValue;
    private final String defaultText;
    private final String description;
    private final Function<JobSpec, Map<String, T>> values;
    private final boolean binding;

    private JobKey(Section section, String key, String placeholder, KeyType<T> type, T defaultValue, String defaultText,
                   String description, Function<JobSpec, Map<String, T>> values) {
        this(section, key, placeholder, type, defaultValue, defaultText, description, values, false);
    }

    private JobKey(Section section, String key, String placeholder, KeyType<T> type, T defaultValue, String defaultText,
                   String description, Function<JobSpec, Map<String, T>> values, boolean binding) {
        this.binding = binding;
        this.section = requireNonNull(section, "section is null");
        this.key = requireNonNull(key, "key is null");
        this.placeholder = placeholder;
        this.type = requireNonNull(type, "type is null");
        this.defaultValue = defaultValue;
        this.defaultText = requireNonNull(defaultText, "defaultText is null");
        this.description = requireNonNull(description, "description is null");
        this.values = requireNonNull(values, "values is null");
    }

    private static <T> JobKey<T> required(Section section, String key, KeyType<T> type, String description,
                                          Function<JobSpec, T> read) {
        return new JobKey<>(section, key, null, type, null, "required", description, s -> Map.of(key, read.apply(s)));
    }

    private static <T> JobKey<T> withDefault(Section section, String key, KeyType<T> type, T defaultValue,
                                             String description, Function<JobSpec, T> read) {
        return withDefault(section, key, type, defaultValue, String.valueOf(type.show(defaultValue)), description, read);
    }

    private static <T> JobKey<T> withDefault(Section section, String key, KeyType<T> type, T defaultValue,
                                             String defaultText, String description, Function<JobSpec, T> read) {
        requireNonNull(defaultValue, "defaultValue is null");
        return new JobKey<>(section, key, null, type, defaultValue, defaultText, description, s -> Map.of(key, read.apply(s)));
    }

    private static <T> JobKey<T> optional(Section section, String key, KeyType<T> type, String defaultText,
                                          String description, Function<JobSpec, Optional<T>> read) {
        return new JobKey<>(section, key, null, type, null, defaultText, description,
                s -> read.apply(s).map(v -> Map.of(key, v)).orElse(Map.of()));
    }

    private static <T> JobKey<T> prefix(Section section, String key, String placeholder, KeyType<T> type,
                                        String defaultText, String description, Function<JobSpec, Map<String, T>> read) {
        return new JobKey<>(section, key, placeholder, type, null, defaultText, description, read);
    }

    /**
     * A key of one {@code models} entry, {@code models.<name>.<field>}; shown for each binding of a job with several.
     * Its {@link #key()} is the field, which has the same name and meaning as the job-level key it overrides.
     */
    private static <T> JobKey<T> binding(String field, String placeholder, KeyType<T> type, String defaultText,
                                         String description, Function<BindingSpec, Map<String, T>> read) {
        return new JobKey<>(Section.MODELS, field, placeholder, type, null, defaultText, description, s -> {
            Map<String, T> out = new LinkedHashMap<>();
            if (s.models().size() > 1) {
                for (BindingSpec b : s.models()) {
                    read.apply(b).forEach((name, v) -> out.put(BINDINGS + "." + b.name() + "." + name, v));
                }
            }
            return out;
        }, true);
    }

    /** Every key, in the order the docs list them: by section, in {@link Section}'s order. */
    public static List<JobKey<?>> all() {
        return ALL;
    }

    /** The keys of one section, in the docs' order. */
    public static List<JobKey<?>> in(Section section) {
        return ALL.stream().filter(k -> k.section == section).toList();
    }

    /** The key that {@code name} sets, if any. */
    public static Optional<JobKey<?>> of(String name) {
        return ALL.stream().filter(k -> k.sets(name)).findFirst();
    }

    private boolean sets(String name) {
        if (binding) {
            Optional<String> binding = bindingOf(name);
            return binding.isPresent() && setsField(name.substring(BINDINGS.length() + binding.get().length() + 2));
        }
        return setsField(name);
    }

    private boolean setsField(String name) {
        return placeholder == null ? key.equals(name)
                : name.startsWith(key + ".") && name.length() > key.length() + 1;
    }

    /** The binding a {@code models.<name>.<field>} key is about, if {@code name} is such a key. */
    static Optional<String> bindingOf(String name) {
        if (!name.startsWith(BINDINGS + ".")) {
            return Optional.empty();
        }
        int dot = name.indexOf('.', BINDINGS.length() + 1);
        return dot <= BINDINGS.length() + 1 ? Optional.empty()
                : Optional.of(name.substring(BINDINGS.length() + 1, dot));
    }

    /** Whether this is a key of one {@code models} entry ({@code models.<name>.<field>}). */
    public boolean isBinding() {
        return binding;
    }

    /** This binding key's name for the binding {@code name}: {@code models.<name>.<field>}. */
    public String keyFor(String name) {
        if (!binding) {
            throw new IllegalArgumentException(key + " is not a key of a models entry");
        }
        return BINDINGS + "." + name + "." + key;
    }

    public Section section() {
        return section;
    }

    /** The key's name; for a prefix key, the prefix without its dot. */
    public String key() {
        return key;
    }

    /** The name as the docs write it: {@code features.<input>} for a prefix key, {@code models.<name>.role}. */
    public String displayName() {
        return (binding ? BINDINGS + ".<name>." : "") + (placeholder == null ? key : key + "." + placeholder);
    }

    public boolean isPrefix() {
        return placeholder != null;
    }

    public KeyType<T> type() {
        return type;
    }

    /** The default value, or empty when the key has none (required keys, and keys whose default is derived). */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The default as the docs say it: {@code required}, {@code none}, a value, or how it is derived. */
    public String defaultText() {
        return defaultText;
    }

    public String description() {
        return description;
    }

    /** Puts the key's values in {@code spec} into {@code out}, as manifests show them, secret values redacted. */
    void show(JobSpec spec, Map<String, Object> out) {
        values.apply(spec).forEach((name, value) -> out.put(name, JobSpec.isSecretKey(name) ? JobSpec.REDACTED
                : type.show(value)));
    }

    @Override
    public String toString() {
        return displayName();
    }
}
