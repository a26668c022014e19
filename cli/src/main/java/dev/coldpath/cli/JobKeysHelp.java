package dev.coldpath.cli;

import dev.coldpath.core.spec.JobKeyTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Adds the table of job keys (from {@link JobKeyTable}, the same source as docs/job-keys.md) to the usage help of
 * a command that takes a job file, after its own footer. Used as the command's {@code modelTransformer}. The table
 * is made when the help is shown, not when the command line is built: every command builds it (the run's
 * start-up).
 */
final class JobKeysHelp implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
        UsageMessageSpec usage = spec.usageMessage();
        Map<String, IHelpSectionRenderer> sections = usage.sectionMap();
        IHelpSectionRenderer footer = sections.get(UsageMessageSpec.SECTION_KEY_FOOTER);
        sections.put(UsageMessageSpec.SECTION_KEY_FOOTER, help -> {
            String[] own = usage.footer();
            List<String> lines = new ArrayList<>(List.of(own));
            lines.add("%nJob keys (for the job file and --set; docs/job-keys.md has the same table):");
            JobKeyTable.help(usage.width()).forEach(line -> lines.add(literal(line)));
            usage.footer(lines.toArray(String[]::new));
            try {
                return footer.render(help);
            } finally {
                usage.footer(own);
            }
        });
        return spec;
    }

    /** A line picocli prints as written: no format specifiers, no ${...} variables. */
    private static String literal(String line) {
        return line.replace("%", "%%").replace("${", "$${");
    }
}
