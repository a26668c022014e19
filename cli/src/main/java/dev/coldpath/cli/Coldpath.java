package dev.coldpath.cli;

import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.Fault;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code coldpath} command: parses, dispatches to a subcommand, and maps failures to exit codes. */
@Command(name = "coldpath",
        mixinStandardHelpOptions = true,
        versionProvider = Coldpath.Version.class,
        description = "Batch inference with ONNX models on Apache Spark.",
        subcommands = {ScoreCommand.class, RunCommand.class, SubmitCommand.class, ValidateCommand.class,
            InspectCommand.class, ModelsCommand.class, RunsCommand.class, ReportCommand.class,
            CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0   success",
            "  2   invalid job, configuration, model or input data (fix the job or the data)",
            "  3   input not there yet (a scheduler may wait and retry)",
            "  4   budget breached",
            "  5   too many rejected rows",
            "  6   external failure: storage, cluster, network (retrying may help)",
            "  70  internal error in coldpath (please report it with the log)"})
public final class Coldpath {
    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line; output and errors go to the given writers. Returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Coldpath());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(Coldpath::handle);
        return cli.execute(args);
    }

    /** The one place where failures become a one-line message and an exit code. */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        ColdpathException found = ColdpathException.find(e).orElse(null);
        if (found != null) {
            err.println("coldpath: " + found.getMessage());
            return found.fault().exitCode();
        }
        err.println("coldpath: internal error: " + e);
        e.printStackTrace(err);
        return Fault.INTERNAL.exitCode();
    }

    /** The version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"coldpath " + dev.coldpath.core.ColdpathVersion.get()};
        }
    }
}
