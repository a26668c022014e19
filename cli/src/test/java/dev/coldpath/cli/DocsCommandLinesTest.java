package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every {@code coldpath ...} command line in README.md and docs/*.md, in code blocks and inline code, parses
 * with the real command tree, and the example files it names exist. Synopsis lines ({@code [--flag N]},
 * {@code a|b}, {@code ...}) are checked for their command and each option they name.
 */
class DocsCommandLinesTest {
    private static final Path PROJECT = CliHarness.projectDir();
    private static final Pattern INLINE = Pattern.compile("`((?:bin/)?coldpath [^`]+)`");
    /** A word standing for a value: TABLE, N, JOB.yaml, NAME@VERSION, KEY=VALUE. */
    private static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z_]*(\\.yaml|\\.onnx|@[A-Z]+)?|[A-Z_.]+=[A-Z_]+");

    /** A command line as the docs show it, with where it is; inline ones are often partial, like synopses. */
    record DocLine(String where, String text, boolean inline) {
        @Override
        public String toString() {
            return where + ": " + text;
        }
    }

    static List<DocLine> commandLines() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(PROJECT.resolve("README.md")));
        try (Stream<Path> files = Files.list(PROJECT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<DocLine> found = new ArrayList<>();
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            boolean inCode = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String where = PROJECT.relativize(doc) + ":" + (i + 1);
                if (line.strip().startsWith("```")) {
                    inCode = !inCode;
                    continue;
                }
                if (inCode) {
                    String text = line.strip().replaceFirst("^\\$ ", "");
                    if (!text.startsWith("coldpath ") && !text.startsWith("bin/coldpath ")) {
                        continue;
                    }
                    StringBuilder joined = new StringBuilder(stripComment(text));
                    while (joined.toString().endsWith("\\") && i + 1 < lines.size()) {
                        joined.setLength(joined.length() - 1);
                        joined.append(' ').append(stripComment(lines.get(++i).strip()));
                    }
                    found.add(new DocLine(where, joined.toString().strip(), false));
                } else {
                    Matcher m = INLINE.matcher(line);
                    while (m.find()) {
                        found.add(new DocLine(where, m.group(1).strip(), true));
                    }
                }
            }
        }
        return found;
    }

    @Test
    void theDocsShowManyCommandLines() throws IOException {
        assertThat(commandLines()).hasSizeGreaterThan(40);
    }

    @Test
    void theReadmeCommandTableListsEveryCommand() throws IOException {
        String readme = Files.readString(PROJECT.resolve("README.md"));
        String table = readme.substring(readme.indexOf("## Commands"), readme.indexOf("\n## ", readme.indexOf(
                "## Commands") + 1));
        for (String name : new CommandLine(new Coldpath()).getSubcommands().keySet()) {
            if (!name.equals("help")) {
                assertThat(table).as("README's command table").containsPattern("\\| `coldpath " + name + "\\b");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commandLines")
    void aDocumentedCommandLineParsesAndItsExampleFilesExist(DocLine line) {
        List<String> args = tokens(line.text());
        args.remove(0); // coldpath or bin/coldpath
        boolean synopsis = line.inline() || args.stream().anyMatch(a -> a.contains("[") || a.contains("|")
                || a.contains("...") || a.contains("…") || a.contains("{{") || PLACEHOLDER.matcher(a).matches());
        if (synopsis) {
            checkSynopsis(line, args);
            return;
        }
        CommandLine cli = new CommandLine(new Coldpath());
        try {
            cli.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(line + "\n  does not parse: " + e.getMessage(), e);
        }
        for (String arg : args) {
            if (arg.matches("(conf|sample-data|scripts)/[^ ]+\\.(yaml|onnx|parquet|sh)")) {
                assertThat(PROJECT.resolve(arg)).as("%s names %s", line, arg).exists();
            }
        }
    }

    /** The command path exists and every option it names is an option of that command. */
    private static void checkSynopsis(DocLine line, List<String> args) {
        CommandLine command = new CommandLine(new Coldpath());
        int i = 0;
        while (i < args.size()) {
            String word = args.get(i).replaceAll("[\\[\\]]", "");
            List<String> alternatives = List.of(word.split("\\|"));
            if (!alternatives.stream().allMatch(command.getSubcommands()::containsKey)) {
                break;
            }
            CommandLine next = command.getSubcommands().get(alternatives.get(0));
            for (String alternative : alternatives) {
                assertThat(command.getSubcommands()).as("%s: subcommand %s", line, alternative)
                        .containsKey(alternative);
            }
            command = next;
            i++;
        }
        CommandSpec spec = command.getCommandSpec();
        for (String arg : args.subList(i, args.size())) {
            for (String part : arg.replaceAll("[\\[\\]]", "").split("\\|")) {
                String option = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
                if (option.startsWith("--")) {
                    assertThat(spec.findOption(option)).as("%s: option %s of '%s'", line, option,
                            spec.qualifiedName()).isNotNull();
                }
            }
        }
        assertThat(command).as("%s names a command", line).isNotSameAs(null);
    }

    private static String stripComment(String text) {
        int hash = text.indexOf(" #");
        return hash < 0 ? text : text.substring(0, hash).strip();
    }

    /** Shell-like words: quotes group, a backslash at the end was joined away. */
    static List<String> tokens(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
