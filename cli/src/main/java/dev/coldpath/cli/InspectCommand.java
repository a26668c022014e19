package dev.coldpath.cli;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.ClassNames;
import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.model.ModelDescription;
import dev.coldpath.core.model.ModelQuantization;
import dev.coldpath.core.model.ValueSpec;
import dev.coldpath.core.registry.ModelReference;
import dev.coldpath.core.registry.ModelRegistry;
import dev.coldpath.core.registry.RegisteredModel;
import dev.coldpath.core.source.ModelSource;
import dev.coldpath.core.source.ModelSources;
import dev.coldpath.core.source.SourceKind;
import dev.coldpath.core.text.TextTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coldpath inspect}: what a model takes and gives. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show an ONNX model's inputs and outputs (name, element type, shape with symbolic"
                + " dimensions), opsets, producer and metadata.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "The model: a file (FILE.onnx), a URI such as s3a://bucket/m.onnx, a model folder"
                    + " (Hugging Face / Optimum), an MLflow model directory, a Triton repository's model"
                    + " (repo/model or repo/model/version), or a registered version, NAME@VERSION or NAME@latest"
                    + " (e.g. wine@1.0.0), as a job's 'model' key takes it.")
    String model;

    @Mixin
    ModelsCommand.RegistryOptions registryOptions;

    @Mixin
    StorageOptions storage;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        if (ModelReference.isReference(model)) {
            HadoopFileStore store = storage.store();
            ModelRegistry registry = registryOptions.open(store);
            RegisteredModel registered = registry.resolve(ModelReference.parse(model));
            ModelArtifact artifact = registry.artifact(registered);
            if (!store.exists(artifact.location())) {
                throw new ModelLoadException("Model " + registered.id() + " is registered but its file "
                        + artifact.location() + " is missing (register it again)", null);
            }
            LocalModel local = storage.models().fetch(artifact, storage.configuration());
            out.println("version   " + registered.id());
            ModelDescription description = ModelDescription.of(artifact.location(), local);
            print(description, out);
            printData(local, out);
            printQuantization(local, out);
            printClasses(description, Optional.empty(), out);
            return 0;
        }
        boolean local = !model.matches("[A-Za-z][A-Za-z0-9+.-]+:/.*");
        ModelSource source = local && !Files.exists(Path.of(model)) ? ModelSource.file(model)
                : ModelSources.locate(storage.store(), model);
        String file = source.modelFile();
        LocalModel opened = local(file);
        ModelDescription description = ModelDescription.of(file, opened);
        source.check(description.signature());
        print(description, out);
        printSource(source, out);
        printData(opened, out);
        printQuantization(opened, out);
        if (local) {
            printTokenizer(Path.of(file).resolveSibling(TOKENIZER_JSON), out);
        }
        printClasses(description, local ? Optional.of(Path.of(file).resolveSibling(ClassNames.CONFIG_JSON))
                : Optional.empty(), out);
        return 0;
    }

    /** The tokenizer beside a text model. */
    static final String TOKENIZER_JSON = "tokenizer.json";

    /** Where the model came from, when it is more than a file: an MLflow model, a Triton repository, a folder. */
    private static void printSource(ModelSource source, PrintWriter out) {
        if (source.kind() == SourceKind.ONNX_FILE) {
            return;
        }
        out.println("source    " + source.kind().label() + " " + source.location()
                + source.batchSize().map(b -> ", batch size " + b).orElse("")
                + (source.declared().isEmpty() ? "" : ", " + source.declared().size() + " inputs and outputs declared"
                + " in " + source.declaredIn() + " match the model"));
        source.lineage().forEach((k, v) -> {
            if (!k.equals("source")) {
                out.println("  " + k + " = " + v);
            }
        });
    }

    /** A tokenizer.json beside the model: what a text job (text.column) would read, with its truncation length. */
    private static void printTokenizer(Path tokenizer, PrintWriter out) {
        if (!Files.isRegularFile(tokenizer)) {
            return;
        }
        try {
            byte[] json = Files.readAllBytes(tokenizer);
            out.println("tokenizer " + tokenizer + " (truncation " + TextTokenizer.declaredMaxLength(json,
                    tokenizer.toString()) + " tokens, pad id " + TextTokenizer.declaredPadId(json, tokenizer.toString())
                    + "): a text model, scored with --text-column");
        } catch (IOException | ModelLoadException e) {
            out.println("tokenizer (not readable: " + e.getMessage() + ")");
        }
    }

    /** A model's external-data files: they travel with it, and its sha256 covers them (docs/models.md). */
    private static void printData(LocalModel model, PrintWriter out) {
        if (!model.dataFiles().isEmpty()) {
            out.println("data      " + String.join(", ", model.dataFiles()) + " (external data beside the model, in"
                    + " its sha256)");
        }
    }

    /**
     * A quantized model's quantization operators; for a dynamically quantized one, that its outputs depend on the
     * batch and how to make them reproducible. Nothing for a float model.
     */
    static void printQuantization(LocalModel model, PrintWriter out) {
        ModelQuantization quantization = ModelQuantization.scan(model.file());
        if (quantization.quantized()) {
            out.println("quantized " + quantization.describe() + (quantization.batchDependent()
                    ? "; " + ModelQuantization.BATCH_INVARIANT_ADVICE : ""));
        }
    }

    /** A model on local disk: a local path in place, a URI through its Hadoop file system and the model cache. */
    private LocalModel local(String location) {
        String hint = " (a registered model is named NAME@VERSION or NAME@latest)";
        if (location.matches("[A-Za-z][A-Za-z0-9+.-]+:/.*")) {
            HadoopFileStore store = storage.store();
            if (!store.exists(location)) {
                throw new ModelLoadException("Model " + location + " not found: check the path" + hint, null);
            }
            return storage.models().fetch(location, storage.configuration());
        }
        if (!Files.exists(Path.of(location))) {
            throw new ModelLoadException("Model " + location + " not found: check the path" + hint, null);
        }
        return LocalModel.of(Path.of(location));
    }

    /** The class names a job would write (output.labels), from the metadata or a config.json beside the model. */
    private static void printClasses(ModelDescription d, Optional<Path> configJson, PrintWriter out) {
        Optional<ClassNames> names;
        try {
            names = ClassNames.fromMetadata(d.metadata(), "the model");
            if (names.isEmpty() && configJson.isPresent() && Files.isRegularFile(configJson.get())) {
                names = ClassNames.fromConfigJson(Files.readAllBytes(configJson.get()), configJson.get().toString());
            }
        } catch (IOException | ModelLoadException e) {
            out.println("classes   (not readable: " + e.getMessage() + ")");
            out.flush();
            return;
        }
        out.println("classes   " + names.map(n -> String.join(", ", n.names()) + "  (" + n.source() + ")")
                .orElse("(not named: label and probabilities are written as class ids)"));
        out.flush();
    }

    static void print(ModelDescription d, PrintWriter out) {
        out.println("model     " + d.location());
        out.println("sha256    " + d.sha256());
        out.println("size      " + d.sizeBytes() + " bytes");
        out.println("producer  " + (d.header().producerName() + " " + d.header().producerVersion()).strip());
        out.println("ir        " + d.header().irVersion());
        out.println("opsets    " + d.header().opsets().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> (e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + " " + e.getValue())
                .reduce((a, b) -> a + ", " + b).orElse("-"));
        if (!d.graphName().isEmpty()) {
            out.println("graph     " + d.graphName());
        }
        if (!d.description().isEmpty()) {
            out.println("about     " + d.description());
        }
        section(out, "inputs", d.signature().inputs());
        section(out, "outputs", d.signature().outputs());
        if (!d.metadata().isEmpty()) {
            out.println("metadata");
            d.metadata().forEach((k, v) -> out.println("  " + k + " = " + v));
        }
        out.flush();
    }

    private static void section(PrintWriter out, String title, List<ValueSpec> values) {
        out.println(title);
        for (ValueSpec v : values) {
            out.println("  " + v.name() + "  " + v.describe());
        }
    }
}
