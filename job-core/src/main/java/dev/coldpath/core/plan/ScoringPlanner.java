package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.batch.Batchifier;
import dev.coldpath.core.batch.LengthInput;
import dev.coldpath.core.decode.ClassNamesDecoder;
import dev.coldpath.core.decode.MapDecoder;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.decode.TensorDecoder;
import dev.coldpath.core.encode.ArrayColumn;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.ScalarColumns;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.model.ClassNames;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.model.Dimension;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.model.ValueKind;
import dev.coldpath.core.model.ValueSpec;
import dev.coldpath.core.route.CanaryRouting;
import dev.coldpath.core.route.RouteKey;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType.Kind;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.BindingSpec;
import dev.coldpath.core.spec.Budget;
import dev.coldpath.core.spec.ModelSpec;
import dev.coldpath.core.spec.Role;
import dev.coldpath.core.spec.RoutingSpec;
import dev.coldpath.core.spec.OutputLabels;
import dev.coldpath.core.tensor.ElementType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The preflight: checks an input schema against a model signature and the job's column mapping, and builds
 * the {@link ScoringPlan}. Every problem that can be found without reading data is found here, and reported
 * as a {@link JobSpecException} naming the column, the model input or output, what was expected and what was
 * found.
 */
public final class ScoringPlanner {
    /** The key of {@link BindingRequest#features} that maps the model's only input, whatever its name. */
    public static final String SOLE_INPUT = ModelSpec.SOLE_INPUT;

    /**
     * What the job asks for.
     *
     * @param bindings    the models: one champion, any number of shadows, at most one canary
     * @param routing     which keys a canary publishes; {@link RoutingSpec#NONE} without a canary
     * @param keepColumns input columns to copy to the output; empty for all columns that are not the champion's
     *                    features
     */
    public record Request(ScoringInput input, List<BindingRequest> bindings, RoutingSpec routing,
                          Optional<List<String>> keepColumns, Sink sink, BadRows badRows, Budget budget) {
        public Request {
            requireNonNull(input, "input is null");
            bindings = List.copyOf(bindings);
            requireNonNull(routing, "routing is null");
            requireNonNull(keepColumns, "keepColumns is null");
            requireNonNull(sink, "sink is null");
            requireNonNull(badRows, "badRows is null");
            requireNonNull(budget, "budget is null");
        }

        /** A request for one model, the champion. */
        public Request(ScoringInput input, BindingRequest binding, Optional<List<String>> keepColumns, Sink sink,
                       BadRows badRows, Budget budget) {
            this(input, List.of(binding), RoutingSpec.NONE, keepColumns, sink, badRows, budget);
        }

        /** The champion's request. */
        public BindingRequest binding() {
            return bindings.stream().filter(b -> b.role() == Role.CHAMPION).findFirst().orElseThrow();
        }
    }

    /**
     * What the job asks of one of its models.
     *
     * @param name       the binding's name ({@code models.<name>}), which errors about it name
     * @param role       what its outputs are for
     * @param features   model input name (or {@link #SOLE_INPUT}) to its source columns; inputs left out (and not
     *                   in {@code encoders}) are fed from a column of the same name
     * @param encoders   inputs the job feeds with an encoder of its own, by input name
     * @param batchifier how rows become batches; a mask it feeds is not mapped to columns
     * @param outputs    model outputs to write; empty for all
     * @param prefix     prepended to every prediction column name
     * @param batchSize  rows per call; 0 (auto) sizes batches from the inputs
     * @param threads    intra-op threads per session; 0 for the task's cpus
     * @param labels     how outputs of class ids are written when {@code classNames} names the classes
     * @param classNames the names the model gives its classes, if any (ZipMap string labels need none)
     * @param text       for a text model ({@code text.column}), how it reads its text and what it writes; it then
     *                   replaces {@code features}, {@code encoders} and {@code batchifier}
     * @param imageLabels an image classifier's class names ({@code image.labels}): label, score and top-k columns
     *                    before the outputs
     */
    public record BindingRequest(String name, Role role, ModelArtifact model, ModelSignature signature,
                                 Map<String, List<String>> features, Map<String, Encoder> encoders,
                                 Batchifier batchifier, List<String> outputs, String prefix, int batchSize,
                                 int threads, Device device, OutputLabels labels, Optional<ClassNames> classNames,
                                 Optional<TextRequest> text, Optional<ImageLabels> imageLabels) {
        /** A request without image labels. */
        public BindingRequest(String name, Role role, ModelArtifact model, ModelSignature signature,
                              Map<String, List<String>> features, Map<String, Encoder> encoders,
                              Batchifier batchifier, List<String> outputs, String prefix, int batchSize,
                              int threads, Device device, OutputLabels labels, Optional<ClassNames> classNames,
                              Optional<TextRequest> text) {
            this(name, role, model, signature, features, encoders, batchifier, outputs, prefix, batchSize, threads,
                    device, labels, classNames, text, Optional.empty());
        }

        /** A request for a model that reads no text column. */
        public BindingRequest(String name, Role role, ModelArtifact model, ModelSignature signature,
                              Map<String, List<String>> features, Map<String, Encoder> encoders,
                              Batchifier batchifier, List<String> outputs, String prefix, int batchSize,
                              int threads, Device device, OutputLabels labels, Optional<ClassNames> classNames) {
            this(name, role, model, signature, features, encoders, batchifier, outputs, prefix, batchSize, threads,
                    device, labels, classNames, Optional.empty());
        }

        /** A request for a model whose classes have no names: outputs are written as the model gives them. */
        public BindingRequest(String name, Role role, ModelArtifact model, ModelSignature signature,
                              Map<String, List<String>> features, Map<String, Encoder> encoders,
                              Batchifier batchifier, List<String> outputs, String prefix, int batchSize,
                              int threads, Device device) {
            this(name, role, model, signature, features, encoders, batchifier, outputs, prefix, batchSize, threads,
                    device, OutputLabels.NAMES, Optional.empty());
        }

        public BindingRequest {
            requireNonNull(name, "name is null");
            requireNonNull(role, "role is null");
            requireNonNull(labels, "labels is null");
            requireNonNull(classNames, "classNames is null");
            requireNonNull(text, "text is null");
            requireNonNull(imageLabels, "imageLabels is null");
            requireNonNull(model, "model is null");
            requireNonNull(signature, "signature is null");
            requireNonNull(batchifier, "batchifier is null");
            requireNonNull(prefix, "prefix is null");
            requireNonNull(device, "device is null");
            features = Map.copyOf(features);
            encoders = Map.copyOf(encoders);
            outputs = List.copyOf(outputs);
        }

        /** The request of a one-model job, its champion, whose classes have no names. */
        public BindingRequest(ModelArtifact model, ModelSignature signature, Map<String, List<String>> features,
                              Map<String, Encoder> encoders, Batchifier batchifier, List<String> outputs,
                              String prefix, int batchSize, int threads, Device device) {
            this(BindingSpec.SHORTHAND, Role.CHAMPION, model, signature, features, encoders, batchifier, outputs,
                    prefix, batchSize, threads, device);
        }
    }

    private ScoringPlanner() {
    }

    /** With {@code inference.batch-size: auto}, batches hold about this many bytes of input tensors. */
    static final long AUTO_BATCH_BYTES = 8L << 20;
    /** ... and at most this many rows: beyond it, fewer calls save little and activations outgrow the caches. */
    static final int AUTO_BATCH_MAX_ROWS = 1024;
    /** The batch size when an input's row size is not known up front (a symbolic inner dimension). */
    static final int AUTO_BATCH_UNKNOWN = 1024;

    /** The column a run with several models adds to its published rows: the name of the binding that served it. */
    public static final String SERVED_BY = "served_by";

    public static ScoringPlan plan(Request request) {
        RowSchema schema = request.input().schema();
        if (request.bindings().size() == 1) { // one model: the job as it always was
            ModelBinding binding = binding(request.binding(), schema);
            List<String> keep = keepColumns(request.keepColumns(), schema, binding.encoders(), binding.decoders());
            return new ScoringPlan(request.input(), List.of(binding), new ScoringOutput(keep, request.sink()),
                    request.badRows(), request.budget());
        }
        List<ModelBinding> bindings = new ArrayList<>();
        for (BindingRequest wanted : request.bindings()) {
            try {
                bindings.add(binding(wanted, schema));
            } catch (JobSpecException e) { // each binding's preflight runs on its own; say whose it is
                throw new JobSpecException("Model " + wanted.name() + " (" + wanted.role() + ", " + wanted.model()
                        .location() + "): " + e.getMessage());
            }
        }
        ModelBinding champion = bindings.stream().filter(b -> b.role() == Role.CHAMPION).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no champion among " + request.bindings()));
        List<String> keep = keepColumns(request.keepColumns(), schema, champion.encoders(), List.of());
        checkColumns(bindings, keep);
        CanaryRouting routing = routing(request.routing(), bindings, champion, schema);
        return new ScoringPlan(request.input(), bindings, routing, new ScoringOutput(keep, request.sink()),
                request.badRows(), request.budget());
    }

    private static ModelBinding binding(BindingRequest wanted, RowSchema schema) {
        if (wanted.text().isPresent()) {
            return textBinding(wanted, wanted.text().get(), schema);
        }
        List<Encoder> encoders = encoders(wanted, schema);
        List<OutputDecoder> outputs = wanted.imageLabels().isEmpty() ? outputs(wanted) : wanted.imageLabels().get()
                .decoders(wanted.signature(), wanted.outputs(), wanted.prefix(), outputs(wanted));
        boolean fixedAtOne = wanted.signature().inputs().stream()
                .anyMatch(v -> v.rank() > 0 && v.shape().get(0).isFixed());
        int batchSize = wanted.batchSize() > 0 ? wanted.batchSize() : fixedAtOne ? 1 : autoBatchSize(encoders);
        return new ModelBinding(wanted.name(), wanted.model(), wanted.role(), wanted.prefix(), encoders,
                wanted.batchifier(), outputs, new Inference(batchSize, wanted.threads(), wanted.device()));
    }

    /** A text model: its text column tokenized, padded per batch, its outputs pooled or labelled (TextBindings). */
    private static ModelBinding textBinding(BindingRequest wanted, TextRequest text, RowSchema schema) {
        TextBindings.Text planned = TextBindings.plan(wanted, text, schema);
        for (ValueSpec input : wanted.signature().inputs()) {
            checkBatchDimension(input, "model input '" + input.name() + "' " + input.describe(), wanted.batchSize());
        }
        List<OutputDecoder> outputs = planned.decoders().isEmpty() ? outputs(wanted) : planned.decoders();
        int batchSize = text.batchInvariant() ? 1 // one text per call: no padding, no batch to depend on
                : wanted.batchSize() > 0 ? wanted.batchSize() : TextBindings.AUTO_BATCH_SIZE;
        return new ModelBinding(wanted.name(), wanted.model(), wanted.role(), wanted.prefix(), planned.encoders(),
                planned.batchifier(), outputs, new Inference(batchSize, wanted.threads(), wanted.device()));
    }

    /**
     * Each binding's columns are written beside the kept columns (the champion's and the canary's in the published
     * rows with {@value #SERVED_BY}, a shadow's in its own directory): none may be named like a kept column or
     * {@value #SERVED_BY}. Two bindings may write a column of the same name only for the same model output (same
     * prefix): otherwise their prefixes collide, and a comparison could not tell which output a column holds.
     */
    private static void checkColumns(List<ModelBinding> bindings, List<String> keep) {
        if (keep.contains(SERVED_BY)) {
            throw new JobSpecException("Input column '" + SERVED_BY + "' would be kept, but a job with several models"
                    + " adds a column of that name naming the model that served each row: leave it out of"
                    + " output.keep-columns (or rename it in the input)");
        }
        Map<String, ModelBinding> writer = new LinkedHashMap<>();
        Map<String, String> outputOf = new LinkedHashMap<>();
        for (ModelBinding b : bindings) {
            for (OutputDecoder out : b.decoders()) {
                if (keep.contains(out.column()) || out.column().equals(SERVED_BY)) {
                    throw new JobSpecException("Model " + b.name() + " writes column '" + out.column() + "', which is"
                            + (out.column().equals(SERVED_BY) ? " the column naming the model that served each row"
                            : " also a kept input column") + ": set models." + b.name() + ".output.prefix (e.g. "
                            + b.name() + "_)" + (out.column().equals(SERVED_BY) ? "" : " or leave the column out of"
                            + " output.keep-columns"));
                }
                ModelBinding other = writer.putIfAbsent(out.column(), b);
                if (other != null && !outputOf.get(out.column()).equals(out.output())) {
                    throw new JobSpecException("Models " + other.name() + " and " + b.name() + " both write column '"
                            + out.column() + "', from different outputs ('" + outputOf.get(out.column()) + "' and '"
                            + out.output() + "'): their output prefixes ('" + other.outputPrefix() + "' and '"
                            + b.outputPrefix() + "') collide; give one of them another models.<name>.output.prefix");
                }
                outputOf.putIfAbsent(out.column(), out.output());
            }
        }
    }

    /**
     * A canary publishes in the champion's place, so it must write the same columns with the same types; routing
     * keys must be input columns of a type {@link RouteKey} hashes.
     */
    private static CanaryRouting routing(RoutingSpec wanted, List<ModelBinding> bindings, ModelBinding champion,
                                         RowSchema schema) {
        Optional<ModelBinding> canary = bindings.stream().filter(b -> b.role() == Role.CANARY).findFirst();
        if (canary.isEmpty()) {
            return CanaryRouting.NONE;
        }
        String published = columns(champion);
        String canaryColumns = columns(canary.get());
        if (!published.equals(canaryColumns)) {
            throw new JobSpecException("Canary " + canary.get().name() + " writes " + canaryColumns + " but champion "
                    + champion.name() + " writes " + published + ": a canary publishes in the champion's place, so"
                    + " its columns and their types must be the same (choose its outputs with models."
                    + canary.get().name() + ".output.columns and .output.prefix, or run it as a shadow)");
        }
        if (wanted.key().isEmpty() || wanted.canaryPercent().isEmpty()) {
            throw new JobSpecException("Canary " + canary.get().name() + " needs routing.key and"
                    + " routing.canary-percent");
        }
        List<Column> key = new ArrayList<>();
        for (String name : wanted.key()) {
            Column column = schema.find(name).orElseThrow(() -> new JobSpecException("Invalid routing.key: column '"
                    + name + "' not found in the input (input columns: " + schema + ")"));
            if (!RouteKey.accepts(column.type())) {
                throw new JobSpecException("Invalid routing.key: column '" + name + "' is " + column.type()
                        + "; a routing key is made of integer, string and boolean columns");
            }
            key.add(column);
        }
        return new CanaryRouting(key, (int) Math.round(wanted.canaryPercent().get() * 100));
    }

    private static String columns(ModelBinding binding) {
        return binding.decoders().stream().map(d -> d.column() + " " + d.type())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** As many rows as fit {@link #AUTO_BATCH_BYTES} of input tensors, between 1 and {@link #AUTO_BATCH_MAX_ROWS}. */
    static int autoBatchSize(List<Encoder> encoders) {
        long bytesPerRow = 0;
        for (Encoder encoder : encoders) {
            long values = 1;
            for (long d : encoder.shape()) {
                if (d < 0) {
                    return AUTO_BATCH_UNKNOWN;
                }
                values *= d;
            }
            bytesPerRow += values * encoder.elementType().byteWidth();
        }
        return (int) Math.max(1, Math.min(AUTO_BATCH_MAX_ROWS, AUTO_BATCH_BYTES / Math.max(1, bytesPerRow)));
    }

    private static List<Encoder> encoders(BindingRequest request, RowSchema schema) {
        ModelSignature signature = request.signature();
        Map<String, List<String>> mapping = new LinkedHashMap<>(request.features());
        if (mapping.containsKey(SOLE_INPUT)) {
            if (signature.inputs().size() != 1) {
                throw new JobSpecException("The model has " + signature.inputs().size() + " inputs ("
                        + ModelSignature.describe(signature.inputs()) + "): map each one by name with"
                        + " features.<input> instead of a single column list");
            }
            List<String> columns = mapping.remove(SOLE_INPUT);
            mapping.putIfAbsent(signature.inputs().get(0).name(), columns);
        }
        for (String name : mapping.keySet()) {
            if (signature.input(name).isEmpty()) {
                throw new JobSpecException("Invalid features." + name + ": the model has no input '" + name
                        + "' (its inputs: " + ModelSignature.describe(signature.inputs()) + ")");
            }
        }
        Set<String> fed = new HashSet<>();
        for (LengthInput input : request.batchifier().lengthInputs()) {
            checkLengthInput(signature, input);
            fed.add(input.input());
        }
        for (String name : request.encoders().keySet()) {
            if (signature.input(name).isEmpty() || fed.contains(name)) {
                throw new IllegalArgumentException("an encoder for '" + name + "', which is not a model input to"
                        + " encode: " + ModelSignature.describe(signature.inputs()));
            }
        }
        List<Encoder> encoders = new ArrayList<>();
        for (ValueSpec input : signature.inputs()) {
            if (fed.contains(input.name())) {
                continue; // the batchifier feeds it
            }
            Encoder own = request.encoders().get(input.name());
            if (own != null) {
                checkBatchDimension(input, "model input '" + input.name() + "' " + input.describe(),
                        request.batchSize());
                encoders.add(own);
                continue;
            }
            List<String> columns = mapping.get(input.name());
            if (columns == null) {
                if (schema.find(input.name()).isEmpty()) {
                    throw new JobSpecException("Model input '" + input.name() + "' " + input.describe()
                            + " has no columns: set features." + input.name() + " (or --input-columns) to "
                            + expectedColumns(input) + "; input columns: " + schema);
                }
                columns = List.of(input.name());
            }
            encoders.add(encoder(input, columns, schema, request.batchSize()));
        }
        return encoders;
    }

    /** An input a batchifier makes from the lengths must be an input of the model, of its type and [N, L]. */
    private static void checkLengthInput(ModelSignature signature, LengthInput wanted) {
        String what = wanted.fill() == LengthInput.Fill.MASK ? "padding mask" : "token types";
        ValueSpec input = signature.input(wanted.input()).orElseThrow(() -> new JobSpecException("The " + what
                + " input '" + wanted.input() + "' is not an input of the model (its inputs: "
                + ModelSignature.describe(signature.inputs()) + ")"));
        if (input.kind() != ValueKind.TENSOR || input.element() != wanted.type() || input.rank() != 2) {
            throw new JobSpecException("The " + what + " input '" + wanted.input() + "' is " + input.describe()
                    + "; a " + (wanted.fill() == LengthInput.Fill.MASK ? "mask" : what) + " is " + wanted.type()
                    + "[N,L]");
        }
    }

    /** coldpath batches rows along the first dimension, which must exist and be symbolic (or 1, with batches of 1). */
    private static void checkBatchDimension(ValueSpec input, String what, int batchSize) {
        if (input.rank() == 0) {
            throw new JobSpecException("Cannot feed " + what + ": a scalar input has no batch dimension");
        }
        Dimension batch = input.shape().get(0);
        if (batch.isFixed() && batch.size() != 1) {
            throw new JobSpecException("Cannot feed " + what + ": its first dimension is fixed at " + batch.size()
                    + "; coldpath batches rows along the first dimension (export the model with a dynamic batch"
                    + " dimension)");
        }
        if (batch.isFixed() && batchSize > 1) {
            throw new JobSpecException("Cannot feed " + what + " batches of " + batchSize + " rows: its first"
                    + " dimension is fixed at 1 (set inference.batch-size=1, or export the model with a dynamic"
                    + " batch dimension)");
        }
    }

    private static String expectedColumns(ValueSpec input) {
        if (input.rank() == 2 && input.shape().get(1).isFixed()) {
            return input.shape().get(1).size() + " numeric columns or one array column of that length";
        }
        return "one array column";
    }

    private static Encoder encoder(ValueSpec input, List<String> columns, RowSchema schema, int batchSize) {
        String what = "model input '" + input.name() + "' " + input.describe();
        if (input.kind() != ValueKind.TENSOR) {
            throw new JobSpecException("Cannot feed " + what + ": coldpath feeds tensors only");
        }
        if (!input.element().isFed() || input.element().sources().isEmpty()) {
            throw new JobSpecException("Cannot feed " + what + ": element type " + input.element() + " is not supported"
                    + " (supported: " + Arrays.stream(ElementType.values()).filter(t -> !t.sources().isEmpty())
                    .map(ElementType::onnxName).collect(Collectors.joining(", ")) + ")");
        }
        checkBatchDimension(input, what, batchSize);
        if (columns.isEmpty()) {
            throw new JobSpecException("Invalid features." + input.name() + ": empty column list");
        }
        if (new LinkedHashSet<>(columns).size() != columns.size()) {
            throw new JobSpecException("Invalid features." + input.name() + ": a column is listed twice: " + columns);
        }
        List<Column> sources = new ArrayList<>();
        for (String name : columns) {
            sources.add(schema.find(name).orElseThrow(() -> new JobSpecException("Column '" + name
                    + "' not found in the input, needed for " + what + " (input columns: " + schema + ")")));
        }
        int[] ordinals = columns.stream().mapToInt(schema::indexOf).toArray();
        long[] inner = input.shape().subList(1, input.rank()).stream()
                .mapToLong(d -> d.isFixed() ? d.size() : -1).toArray();
        Column first = sources.get(0);
        if (sources.size() == 1 && first.type().isArray()) {
            return arrayColumn(input, what, first, ordinals[0], inner);
        }
        return scalarColumns(input, what, sources, ordinals, inner);
    }

    private static ScalarColumns scalarColumns(ValueSpec input, String what, List<Column> sources, int[] ordinals,
                                               long[] inner) {
        for (Column c : sources) {
            if (c.type().isArray()) {
                throw new JobSpecException("Column '" + c.name() + "' is " + c.type() + " but " + what
                        + " is fed from several columns, which must all be scalars");
            }
        }
        if (inner.length > 1) {
            throw new JobSpecException("Cannot feed " + what + " from scalar columns " + names(sources)
                    + ": an input of rank " + input.rank() + " needs one array column of "
                    + "the row-major values (or nested arrays)");
        }
        int k = sources.size();
        if (inner.length == 0 && k != 1) {
            throw new JobSpecException("Cannot feed " + what + " from " + k + " columns " + names(sources)
                    + ": an input of shape [N] takes exactly one scalar column");
        }
        if (inner.length == 1) {
            if (inner[0] >= 0 && inner[0] != k) {
                throw new JobSpecException("Model input '" + input.name() + "' " + input.describe() + " expects "
                        + inner[0] + " feature columns, but " + k + " were given: " + names(sources));
            }
            inner[0] = k;
        }
        Kind kind = commonKind(input, what, sources);
        return new ScalarColumns(input.name(), input.element(), names(sources), ordinals, kind, inner);
    }

    private static ArrayColumn arrayColumn(ValueSpec input, String what, Column column, int ordinal, long[] inner) {
        int depth = column.type().arrayDepth();
        if (inner.length == 0) {
            throw new JobSpecException("Column '" + column.name() + "' is " + column.type() + " but " + what
                    + " takes one scalar per row");
        }
        if (depth != 1 && depth != inner.length) {
            throw new JobSpecException("Column '" + column.name() + "' is " + column.type() + " (" + depth
                    + " levels of arrays) but " + what + " needs a flat array or " + inner.length
                    + " levels of nested arrays");
        }
        long unknown = Arrays.stream(inner).filter(d -> d < 0).count();
        if (depth == 1 && inner.length > 1 && unknown > 1) {
            throw new JobSpecException("Cannot feed " + what + " from the flat array column '" + column.name()
                    + "': more than one dimension is symbolic; use a nested array column");
        }
        Kind kind = checkKind(input, what, column, column.type().innermost().kind());
        return new ArrayColumn(input.name(), input.element(), column.name(), ordinal, kind, inner, depth);
    }

    private static Kind commonKind(ValueSpec input, String what, List<Column> sources) {
        Kind kind = null;
        for (Column c : sources) {
            Kind k = checkKind(input, what, c, c.type().kind());
            if (kind != null && k != kind) {
                throw new JobSpecException("Columns " + names(sources) + " for " + what + " have different types ("
                        + sources.stream().map(s -> s.name() + " " + s.type()).collect(Collectors.joining(", "))
                        + "): give them one type");
            }
            kind = k;
        }
        return kind;
    }

    private static Kind checkKind(ValueSpec input, String what, Column column, Kind kind) {
        ElementType target = input.element();
        if (kind == Kind.STRING && target != ElementType.STRING) {
            throw new JobSpecException("Column '" + column.name() + "' is " + column.type() + " but " + what
                    + " takes " + target + ": coldpath does not parse text into numbers (cast the column, e.g. CAST("
                    + column.name() + " AS " + target.sqlName() + "), or for a text model name it with text.column or"
                    + " --text-column, with a tokenizer.json beside the model)");
        }
        if (target.copyFrom(kind).isEmpty()) {
            String accepted = target.sources().stream()
                    .map(k -> k == Kind.LONG ? "bigint" : k.name().toLowerCase(Locale.ROOT))
                    .sorted().collect(Collectors.joining(", "));
            throw new JobSpecException("Column '" + column.name() + "' is " + column.type() + " but " + what
                    + " takes " + target + " (from columns of type " + accepted + "; coldpath converts only without"
                    + " loss: cast the column, e.g. CAST(" + column.name() + " AS " + target.sqlName() + "))");
        }
        return kind;
    }

    private static List<OutputDecoder> outputs(BindingRequest request) {
        ModelSignature signature = request.signature();
        List<String> names = request.outputs().isEmpty() ? signature.outputNames() : request.outputs();
        if (new LinkedHashSet<>(names).size() != names.size()) {
            throw new JobSpecException("Invalid output.columns: an output is listed twice: " + names);
        }
        List<OutputDecoder> decoders = new ArrayList<>();
        for (String name : names) {
            ValueSpec spec = signature.output(name).orElseThrow(() -> new JobSpecException(
                    "Invalid output.columns: the model has no output '" + name + "' (its outputs: "
                            + ModelSignature.describe(signature.outputs()) + ")"));
            String column = request.prefix() + name;
            OutputDecoder ids = decoder(spec, column);
            Optional<ClassNames> classes = request.classNames().filter(n -> request.labels() != OutputLabels.IDS
                    && namesFit(spec, ids, n));
            if (classes.isEmpty()) {
                decoders.add(ids);
                continue;
            }
            decoders.add(new ClassNamesDecoder(ids, column, classes.get().names(), classes.get().source()));
            if (request.labels() == OutputLabels.BOTH) {
                decoders.add(decoder(spec, column + ID_SUFFIX));
            }
        }
        Set<String> columns = new HashSet<>();
        for (OutputDecoder d : decoders) {
            if (!columns.add(d.column())) {
                throw new JobSpecException("Invalid output.labels: both: column " + d.column() + " would be written"
                        + " twice (by the model's output " + d.output() + "); set output.prefix or output.columns");
            }
        }
        return decoders;
    }

    /** What {@code output.labels: both} appends to a named column's name for the column of its ids. */
    public static final String ID_SUFFIX = "_id";

    /**
     * Whether an output is one the class names name: a label [N] of integer ids, scores [N, K] with K (when fixed)
     * the number of names, or a ZipMap keyed by int64 ids.
     */
    private static boolean namesFit(ValueSpec spec, OutputDecoder ids, ClassNames names) {
        ClassNamesDecoder.Shape shape = ClassNamesDecoder.shapeOf(ids);
        if (shape == ClassNamesDecoder.Shape.SCORES) {
            Dimension k = spec.shape().get(1);
            return !k.isFixed() || k.size() == names.names().size();
        }
        return shape != null;
    }

    static OutputDecoder decoder(ValueSpec spec, String column) {
        String what = "model output '" + spec.name() + "' " + spec.describe();
        return switch (spec.kind()) {
            case TENSOR -> {
                if (spec.rank() == 0) {
                    throw new JobSpecException("Cannot write " + what + ": it has no batch dimension");
                }
                if (!spec.element().isRead()) {
                    throw new JobSpecException("Cannot write " + what + ": element type " + spec.element()
                            + " is not supported (leave it out with output.columns)");
                }
                yield new TensorDecoder(spec.name(), column, spec.element(), spec.rank());
            }
            case SEQUENCE_OF_MAPS -> {
                ElementType key = ElementType.of(spec.mapKeyType());
                ElementType value = spec.element();
                if (key != ElementType.INT64 && key != ElementType.STRING
                        || value != ElementType.FLOAT && value != ElementType.DOUBLE) {
                    throw new JobSpecException("Cannot write " + what + ": maps of int64 or string to float or double"
                            + " are supported (leave it out with output.columns)");
                }
                yield new MapDecoder(spec.name(), column, key, value);
            }
            case OTHER -> throw new JobSpecException("Cannot write " + what
                    + " (leave it out with output.columns)");
        };
    }

    private static List<String> keepColumns(Optional<List<String>> wanted, RowSchema schema, List<Encoder> encoders,
                                            List<OutputDecoder> outputs) {
        Set<String> predictions = outputs.stream().map(OutputDecoder::column).collect(Collectors.toSet());
        List<String> keep;
        if (wanted.isPresent()) {
            keep = wanted.get();
            for (String name : keep) {
                if (schema.find(name).isEmpty()) {
                    throw new JobSpecException("Invalid output.keep-columns: column '" + name
                            + "' not found in the input (input columns: " + schema + ")");
                }
            }
            if (new LinkedHashSet<>(keep).size() != keep.size()) {
                throw new JobSpecException("Invalid output.keep-columns: a column is listed twice: " + keep);
            }
        } else {
            Set<String> features = encoders.stream().flatMap(e -> e.columns().stream()).collect(Collectors.toSet());
            keep = schema.names().stream().filter(n -> !features.contains(n)).toList();
        }
        for (String name : keep) {
            if (predictions.contains(name)) {
                throw new JobSpecException("Column '" + name + "' is both a kept input column and a prediction"
                        + " column: leave it out of output.keep-columns, or set output.prefix (e.g. pred_)");
            }
        }
        return keep;
    }

    private static List<String> names(List<Column> columns) {
        return columns.stream().map(Column::name).toList();
    }
}
