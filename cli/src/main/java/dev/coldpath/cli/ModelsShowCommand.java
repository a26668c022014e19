package dev.coldpath.cli;

import dev.coldpath.core.registry.ModelReference;
import dev.coldpath.core.registry.RegisteredModel;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coldpath models show}: everything the registry records about one version. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show one registered version: its sha256, size, when it was registered, its lineage"
                + " (description, training date, dataset hash, parameters), its inputs and outputs, opsets,"
                + " producer and where the model file is.")
final class ModelsShowCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", paramLabel = "NAME[@VERSION]",
            description = "The model, e.g. churn@1.4.0. A name alone, or NAME@latest, shows the highest"
                    + " release (a pre-release only when the model has no release).")
    String model;

    @Mixin
    ModelsCommand.RegistryOptions registryOptions;

    @Mixin
    StorageOptions storage;

    @Override
    public Integer call() {
        ModelReference reference = model.indexOf('@') >= 0 ? ModelReference.parse(model)
                : ModelReference.latest(ModelReference.checkName(model));
        print(registryOptions.open(storage.store()).resolve(reference), command.commandLine().getOut());
        return 0;
    }

    static void print(RegisteredModel m, PrintWriter out) {
        out.println("model          " + m.id());
        out.println("sha256         " + m.sha256());
        out.println("size           " + m.sizeBytes() + " bytes");
        out.println("registered     " + m.registeredAt());
        out.println("description    " + orDash(m.description()));
        out.println("training date  " + m.trainingDate().orElse("-"));
        out.println("dataset hash   " + m.datasetHash().orElse("-"));
        out.println("producer       " + orDash(m.producer()));
        out.println("opsets         " + orDash(m.opsets().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))));
        out.println("path           " + m.modelPath());
        out.println("params" + (m.params().isEmpty() ? "         -" : ""));
        for (Map.Entry<String, String> p : m.params().entrySet()) {
            out.println("  " + p.getKey() + " = " + p.getValue());
        }
        values(out, "inputs", m.inputs());
        values(out, "outputs", m.outputs());
        out.flush();
    }

    private static void values(PrintWriter out, String title, List<RegisteredModel.Value> values) {
        out.println(title);
        values.forEach(v -> out.println("  " + v.name() + "  " + v.type()));
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
