package dev.coldpath.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A JVM that runs coldpath command lines one after another as {@link Coldpath#main} runs one: each line of stdin is
 * a command line (arguments separated by NUL), whose output and errors go to this JVM's own stdout and stderr;
 * once both are flushed, the line's number and exit code are appended to the file named by the first argument.
 * Stops at the end of stdin. For tests that check something of the JVM a command ran in (PreflightTest: which
 * classes it loaded) without paying a JVM start for each command.
 */
final class CommandLoop {
    private CommandLoop() {
    }

    public static void main(String[] args) throws IOException {
        Path done = Path.of(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int number = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            int code;
            try {
                code = Coldpath.execute(out, err, line.split("\0", -1));
            } catch (Throwable e) { // as Coldpath.main: an Error escapes picocli
                code = Coldpath.internalError(e, err);
            }
            out.flush();
            err.flush();
            System.out.flush();
            System.err.flush();
            Files.writeString(done, ++number + " " + code + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        System.exit(0);
    }
}
