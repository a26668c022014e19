package dev.coldpath.cli;

import dev.coldpath.core.ColdpathVersion;
import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.spec.KeySuggestion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code coldpath} command: parses, dispatches to a subcommand, and maps failures to exit codes. */
@Command(name = "coldpath",
        mixinStandardHelpOptions = true,
        versionProvider = Coldpath.Version.class,
        description = "Batch inference with ONNX models on Apache Spark.",
        subcommands = {ScoreCommand.class, RunCommand.class, SubmitCommand.class, ValidateCommand.class,
            InspectCommand.class, ModelsCommand.class, RunsCommand.class, CompareCommand.class,
            ReportCommand.class,
            CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0   success",
            "  2   invalid job, configuration, model or input data (fix the job or the data)",
            "  3   input not there yet (a scheduler may wait and retry)",
            "  4   budget breached",
            "  5   too many rejected rows",
            "  6   external failure: storage, cluster, network (retrying may help), or a run committed whose",
            "      current pointer could not be moved (the line says: run 'coldpath runs promote')",
            "  70  internal error in coldpath (please report it with the log)",
            "  143 stopped by TERM, 130 by Ctrl-C: nothing committed"})
public final class Coldpath {
    /** The log file that bin/coldpath gives each invocation (-Dcoldpath.log.file): everything, at INFO. */
    static final String LOG_FILE_PROPERTY = "coldpath.log.file";
    private static final Logger LOG = LoggerFactory.getLogger(Coldpath.class);

    public static void main(String[] args) {
        PrintWriter err = new PrintWriter(System.err, true);
        SubmitterWatch.start(System.getenv(), () -> {
            err.println("coldpath: the 'coldpath submit' that started this driver (pid "
                    + System.getenv(SubmitterWatch.PID_ENV) + ") is gone: stopping the run; nothing is committed");
            LOG.error("coldpath submit (pid {}) is gone: exiting", System.getenv(SubmitterWatch.PID_ENV));
            System.exit(Fault.EXTERNAL.exitCode()); // Spark's shutdown hook cancels the job before any commit
        });
        int code;
        try {
            code = execute(new PrintWriter(System.out, true), err, args);
        } catch (Throwable e) { // an Error (a class missing at run time, out of memory) escapes picocli
            code = internalError(e, err);
        }
        System.exit(code);
    }

    /** Runs one command line; output and errors go to the given writers. Returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Coldpath());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(Coldpath::handle);
        cli.setParameterExceptionHandler(Coldpath::usageError);
        return cli.execute(args);
    }

    /** The one place where failures become a one-line message and an exit code. */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        ColdpathException found = ColdpathException.find(e).orElse(null);
        if (found != null) {
            LOG.info("coldpath failed: {}", found.getMessage(), e);
            err.println("coldpath: " + found.getMessage() + logNote());
            return found.fault().exitCode();
        }
        return internalError(e, err);
    }

    /**
     * A command line picocli could not parse: one line that names the unknown or misspelled word first (with
     * picocli's suggestion), then where help is; no usage dump. Exit 2.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String problem = e.getMessage();
        List<String> unmatched = cmd.getUnmatchedArguments();
        if (!(e instanceof CommandLine.UnmatchedArgumentException) && !unmatched.isEmpty()) {
            // picocli checks required options before unknown ones: "--ouput X" would read "Missing --output".
            e = new CommandLine.UnmatchedArgumentException(cmd, unmatched);
            problem = e.getMessage();
        }
        problem = problem.lines().findFirst().orElse("").strip();
        List<String> suggestions = e instanceof CommandLine.UnmatchedArgumentException unknown
                ? suggestions(cmd, unknown) : List.of();
        if (!suggestions.isEmpty()) {
            problem = problem.replaceFirst("\\.?$", "") + " (did you mean " + String.join(" or ",
                    suggestions.stream().map(s -> "'" + s + "'").toList()) + "?)";
        }
        cmd.getErr().println("coldpath: " + problem + "; try '" + cmd.getCommandSpec().qualifiedName()
                + " --help'");
        return Fault.USER.exitCode();
    }

    /** picocli's suggestions, else the subcommands within two edits of the first unmatched word. */
    private static List<String> suggestions(CommandLine cmd, CommandLine.UnmatchedArgumentException unknown) {
        if (!unknown.getSuggestions().isEmpty() || unknown.getUnmatched().isEmpty()) {
            return unknown.getSuggestions();
        }
        String word = unknown.getUnmatched().get(0);
        return cmd.getSubcommands().keySet().stream().filter(name -> KeySuggestion.distance(word, name) <= 2)
                .toList();
    }

    /** Where the invocation's log file is, when bin/coldpath gave it one and something was logged there. */
    private static String logNote() {
        String log = System.getProperty(LOG_FILE_PROPERTY);
        if (log == null) {
            return "";
        }
        try {
            return Files.size(Path.of(log)) > 0 ? " (log: " + log + ")" : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** One line on the console; the stack trace goes to the log file, which the line names. */
    static int internalError(Throwable e, PrintWriter err) {
        LOG.error("coldpath failed with an internal error", e);
        String log = System.getProperty(LOG_FILE_PROPERTY);
        String details = log != null ? "details in " + log : "run with a log4j2 file appender for the stack trace";
        if (e instanceof OutOfMemoryError) {
            err.println("coldpath: out of memory (" + e.getMessage() + "): lower inference.batch-size or"
                    + " --threads, or give the JVM more heap (COLDPATH_JAVA_OPTS=-Xmx8g, or spark.driver.memory and"
                    + " spark.executor.memory on a cluster); " + details);
        } else {
            err.println("coldpath: internal error: " + oneLine(e) + " (please report it with the log; " + details
                    + ")");
        }
        return Fault.INTERNAL.exitCode();
    }

    private static String oneLine(Throwable e) {
        return (e.getClass().getName() + ": " + e.getMessage()).lines().findFirst().orElse("");
    }

    /** The version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"coldpath " + ColdpathVersion.get()};
        }
    }
}
