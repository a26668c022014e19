package dev.coldpath.cli;

import dev.coldpath.core.registry.ModelRegistry;
import dev.coldpath.core.registry.RegisteredModel;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coldpath models list}: registered versions as a plain, aligned table. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List registered models and their versions, lowest version first: name, version, the"
                + " first 12 characters of the sha256, when it was registered, and its description.")
final class ModelsListCommand implements Callable<Integer> {
    private static final String[] HEADER = {"NAME", "VERSION", "SHA256", "REGISTERED", "DESCRIPTION"};

    @Spec
    CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
            description = "Only this model's versions (default: every model).")
    String name;

    @Mixin
    ModelsCommand.RegistryOptions registryOptions;

    @Mixin
    StorageOptions storage;

    @Override
    public Integer call() {
        ModelRegistry registry = registryOptions.open(storage.store());
        List<RegisteredModel> models = name == null ? registry.list() : registry.list(name);
        PrintWriter out = command.commandLine().getOut();
        if (models.isEmpty()) {
            out.println((name == null ? "no models" : "no versions of " + name) + " in " + registry.root());
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(HEADER);
            for (RegisteredModel m : models) {
                rows.add(new String[] {m.name(), m.version().toString(), m.sha256().substring(0, 12),
                        m.registeredAt().truncatedTo(ChronoUnit.SECONDS).toString(), m.description()});
            }
            print(rows, out);
        }
        out.flush();
        return 0;
    }

    /** Left-aligned columns two spaces apart; the last column is not padded. */
    static void print(List<String[]> rows, PrintWriter out) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(c + 1 < columns ? String.format("%-" + (widths[c] + 2) + "s", row[c]) : row[c]);
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
