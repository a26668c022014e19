package dev.coldpath.cli;

import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.model.ClassNames;
import dev.coldpath.core.model.ModelDescription;
import dev.coldpath.core.model.ValueSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coldpath inspect}: what a model takes and gives. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show an ONNX model's inputs and outputs (name, element type, shape with symbolic"
                + " dimensions), opsets, producer and metadata.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", paramLabel = "FILE.onnx", description = "The model file.")
    Path model;

    @Override
    public Integer call() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(model);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("Model " + model + " not found: check the path", e);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read model " + model + ": " + e.getMessage(), e);
        }
        ModelDescription description = ModelDescription.of(model.toString(), bytes);
        print(description, command.commandLine().getOut());
        printClasses(description, model.resolveSibling(ClassNames.CONFIG_JSON), command.commandLine().getOut());
        return 0;
    }

    /** The class names a job would write (output.labels), from the metadata or a config.json beside the model. */
    private static void printClasses(ModelDescription d, Path configJson, PrintWriter out) {
        Optional<ClassNames> names;
        try {
            names = ClassNames.fromMetadata(d.metadata(), "the model");
            if (names.isEmpty() && Files.isRegularFile(configJson)) {
                names = ClassNames.fromConfigJson(Files.readAllBytes(configJson), configJson.toString());
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
