package dev.coldpath.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JobKeyTableTest {
    /** The checked-in docs/job-keys.md, found from the module's directory up. */
    private static Path docFile() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docs")) && Files.isDirectory(p.resolve("job-core"))) {
                return p.resolve(JobKeyTable.DOC_PATH);
            }
        }
        throw new IllegalStateException("project root not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void docsJobKeysMdIsTheTableGeneratedFromTheKeys() throws IOException {
        Path file = docFile();
        String generated = JobKeyTable.markdown();
        if (Boolean.getBoolean("coldpath.regenerate")) {
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        String checkedIn = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        assertThat(checkedIn).as(JobKeyTable.DOC_PATH + " is stale: it must be what the job keys generate."
                + " Regenerate it with " + JobKeyTable.REGENERATE).isEqualTo(generated);
    }

    @Test
    void docsListEveryKeyWithItsValuesDefaultAndMeaningOnce() {
        String md = JobKeyTable.markdown();
        for (JobKey<?> key : JobKey.all()) {
            String name = key.displayName(); // in a code span, as written
            assertThat(md).contains("| `" + name + "` | ");
            assertThat(md.split("\\| `" + Pattern.quote(name) + "` \\|", -1)).hasSize(2);
        }
        assertThat(md).contains("| `inference.batch-size` | auto, or an integer &gt;= 1 | auto: as many rows as fit"
                + " 8 MiB of input tensors")
                .contains("| `executor.sessions.max` | integer &gt;= 1 | 4 | ")
                .contains("| `features.<input>` | list of names | a column named like the input | ")
                .contains("## Bad rows");
    }

    @Test
    void helpTableHasASectionTitleAndAnEntryPerKeyWithinTheWidth() {
        List<String> lines = JobKeyTable.help(100);

        assertThat(lines).contains("Inference", "Executors");
        assertThat(lines).anyMatch(l -> l.startsWith("  inference.batch-size ") && l.contains("rows per ONNX Runtime"));
        assertThat(lines).anyMatch(l -> l.startsWith("  features.<input> "));
        assertThat(lines).allMatch(l -> l.length() <= 100 || !l.strip().contains(" "));
        for (JobKey<?> key : JobKey.all()) {
            assertThat(lines).anyMatch(l -> l.startsWith("  " + key.displayName() + " "));
        }
    }
}
