package dev.coldpath.core.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The job keys as people read them, made from {@link JobKey#all()}: docs/job-keys.md (Markdown) and the key
 * table of {@code coldpath run --help} (plain text). {@link #main} writes the Markdown file; a job-core test
 * fails when the checked-in file differs from it. Stateless.
 */
public final class JobKeyTable {
    /** The generated file, relative to the project root. */
    public static final String DOC_PATH = "docs/job-keys.md";
    /** How to regenerate the file: what the stale-file test says. */
    public static final String REGENERATE = "mvn -B -o -q -pl job-core test -Dtest=JobKeyTableTest"
            + " -Dcoldpath.regenerate=true (or run dev.coldpath.core.spec.JobKeyTable with the file's path)";

    private JobKeyTable() {
    }

    /** Writes docs/job-keys.md to the path given (default: {@value #DOC_PATH} under the working directory). */
    public static void main(String[] args) {
        Path file = Path.of(args.length > 0 ? args[0] : DOC_PATH);
        try {
            Files.writeString(file, markdown(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        System.out.println("wrote " + file);
    }

    /** The whole of docs/job-keys.md. */
    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("<!-- Generated from dev.coldpath.core.spec.JobKey: do not edit by hand. Regenerate with\n     ")
                .append(REGENERATE).append(" -->\n\n")
                .append("# Job keys\n\n")
                .append("Every key a job file (`coldpath run JOB.yaml`), `--set KEY=VALUE` or a command-line flag can"
                        + " set. Keys may be\nnested in YAML (`inference: {batch-size: 64}`) or dotted"
                        + " (`inference.batch-size: 64`). Precedence: the command line\n(`--set`, `--conf`,"
                        + " `--master`, the schedule flags) over the job file over the defaults. An unknown key, or a"
                        + "\nvalue that breaks its key's rule, is an error that names the key, the value and the rule,"
                        + " e.g.\n`Invalid inference.batch-size: -1 (must be an integer >= 1)`; for an unknown key"
                        + " the error suggests the nearest\nknown one. A list is a YAML list, or with `--set` a"
                        + " comma-separated value: `--set output.columns=label,probabilities`.\n\n")
                .append("The `executor.*` keys travel with the job to every executor. Run manifests record every key"
                        + " that has a value\n(set or default) under `job`, with the values of keys that look like"
                        + " secrets (`secret`, `password`, `token`,\n`credential`, `access.key`, ...) replaced by"
                        + " `<redacted>`.\n");
        for (JobKey.Section section : JobKey.Section.values()) {
            md.append("\n## ").append(section.title()).append("\n\n| key | values | default | meaning |\n")
                    .append("|---|---|---|---|\n");
            for (JobKey<?> key : JobKey.in(section)) {
                md.append("| `").append(key.displayName()).append("` | ").append(text(key.type().values()))
                        .append(" | ").append(text(key.defaultText())).append(" | ").append(text(key.description()))
                        .append(" |\n");
            }
        }
        return md.toString();
    }

    /** The key table for {@code --help}: one entry per key, its description wrapped to {@code width}. */
    public static List<String> help(int width) {
        List<String> lines = new ArrayList<>();
        int indent = JobKey.all().stream().mapToInt(k -> k.displayName().length()).max().orElse(0) + 4;
        for (JobKey<?> key : JobKey.all()) {
            if (key == JobKey.in(key.section()).get(0)) {
                lines.add(key.section().title());
            }
            String text = key.description() + " (" + key.type().values() + "; "
                    + (key.defaultText().equals("required") ? "required" : "default: " + key.defaultText()) + ")";
            String first = "  " + key.displayName() + " ".repeat(indent - 2 - key.displayName().length());
            lines.addAll(wrap(first, " ".repeat(indent), text, Math.max(indent + 20, width)));
        }
        return lines;
    }

    private static List<String> wrap(String first, String rest, String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(first);
        int start = line.length();
        for (String word : text.split(" ")) {
            if (line.length() > start && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(rest);
                start = line.length();
            }
            if (line.length() > start) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** Markdown text: angle brackets and pipes escaped, so {@code <input>} shows and never becomes a tag. */
    private static String text(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|");
    }
}
