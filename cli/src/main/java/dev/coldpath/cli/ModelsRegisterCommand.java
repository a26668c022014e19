package dev.coldpath.cli;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.model.LocalModel;
import dev.coldpath.core.registry.ModelLineage;
import dev.coldpath.core.registry.ModelRegistry;
import dev.coldpath.core.registry.RegisteredModel;
import dev.coldpath.core.source.ModelSource;
import dev.coldpath.core.source.ModelSources;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coldpath models register}: stores a model file as a new, immutable version. */
@Command(name = "register", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Store an ONNX model in the registry as NAME@VERSION, with its sha256, its inputs and outputs, and"
                    + " what you say about how it was made.",
            "The model must load in ONNX Runtime. Registering the same file again changes nothing; other bytes"
                    + " under an existing version are refused: register them as a new version."})
final class ModelsRegisterCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "The model: a .onnx file, a model folder (Hugging Face / Optimum), an MLflow model"
                    + " directory or a Triton repository's model (repo/model or repo/model/version); a local path or"
                    + " a URI (hdfs:, s3a:). A source's lineage (MLflow run id, Triton version) is kept as"
                    + " parameters.")
    String file;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "The model's name, e.g. churn: letters, digits, '.', '_' and '-', starting with a"
                    + " letter or digit.")
    String name;

    @Option(names = "--version", required = true, paramLabel = "SEMVER",
            description = "The version, as Semantic Versioning 2.0 writes it: 1.4.0, or 2.0.0-rc.1 for a"
                    + " pre-release (no +build metadata).")
    String version;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the model is, for people.")
    String description = "";

    @Option(names = "--training-date", paramLabel = "DATE",
            description = "When the model was trained, e.g. 2026-11-27.")
    String trainingDate;

    @Option(names = "--dataset-hash", paramLabel = "HASH",
            description = "What identifies the training data: a hash, a snapshot or table version.")
    String datasetHash;

    @Option(names = "--param", paramLabel = "KEY=VALUE",
            description = "A training parameter to record (repeatable), e.g. --param max_depth=6.")
    Map<String, String> params = new LinkedHashMap<>();

    @Mixin
    ModelsCommand.RegistryOptions registryOptions;

    @Mixin
    StorageOptions storage;

    @Override
    public Integer call() {
        for (String key : params.keySet()) {
            if (key.isBlank()) {
                throw new JobSpecException("Invalid --param '=" + params.get(key) + "': expected KEY=VALUE with a"
                        + " non-empty KEY");
            }
        }
        HadoopFileStore files = storage.store();
        ModelRegistry registry = registryOptions.open(files);
        LocalModel local;
        ModelSource source;
        try {
            source = ModelSources.locate(files, files.qualify(file));
            local = storage.models().fetch(source.modelFile(), storage.configuration());
        } catch (ModelLoadException e) {
            throw new ModelLoadException(e.fault(), "Cannot register " + file + " as " + name + "@" + version + ": "
                    + e.getMessage(), e);
        }
        // the source's lineage (an MLflow run id, a Triton version) is kept as parameters; --param wins on a clash
        Map<String, String> recorded = new LinkedHashMap<>(source.lineage());
        recorded.putAll(params);
        ModelLineage lineage = new ModelLineage(description, Optional.ofNullable(trainingDate),
                Optional.ofNullable(datasetHash), recorded);
        ModelRegistry.Registration registration = registry.register(name, version, file, local, lineage,
                source::check);
        RegisteredModel model = registration.model();
        PrintWriter out = command.commandLine().getOut();
        if (registration.created()) {
            out.println("registered " + model.id() + " sha256 " + model.sha256() + " at " + model.modelPath());
        } else {
            out.println("already registered " + model.id() + " sha256 " + model.sha256()
                    + " (identical bytes: nothing changed)");
        }
        out.flush();
        return 0;
    }
}
