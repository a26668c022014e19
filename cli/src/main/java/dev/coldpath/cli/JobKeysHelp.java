package dev.coldpath.cli;

import dev.coldpath.core.spec.JobKeyTable;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Adds the table of job keys (from {@link JobKeyTable}, the same source as docs/job-keys.md) to the usage help of
 * a command that takes a job file, after its own footer. Used as the command's {@code modelTransformer}.
 */
final class JobKeysHelp implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
        List<String> footer = new ArrayList<>(List.of(spec.usageMessage().footer()));
        footer.add("%nJob keys (for the job file and --set; docs/job-keys.md has the same table):");
        JobKeyTable.help(spec.usageMessage().width()).forEach(line -> footer.add(literal(line)));
        spec.usageMessage().footer(footer.toArray(String[]::new));
        return spec;
    }

    /** A line picocli prints as written: no format specifiers, no ${...} variables. */
    private static String literal(String line) {
        return line.replace("%", "%%").replace("${", "$${");
    }
}
