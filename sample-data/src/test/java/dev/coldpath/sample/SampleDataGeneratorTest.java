package dev.coldpath.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleDataGeneratorTest {
    private static final List<String> GENERATED = List.of(
            "data/breast_cancer.parquet", "data/wine.parquet", "data/iris.parquet",
            "models/breast_cancer_logreg.onnx", "models/wine_mlp.onnx", "models/breast_cancer_trees.onnx",
            "expected/breast_cancer_logreg.csv", "expected/wine_mlp.csv", "expected/breast_cancer_trees.csv");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void regeneratingFromScikitLearnsCsvsReproducesTheCommittedFilesByteForByte(@TempDir Path target)
            throws Exception {
        int exitCode = run(target.toString(), scikitLearnCsvs().toString());

        assertThat(exitCode).as(text(err)).isZero();
        assertThat(text(out).lines()).hasSize(GENERATED.size());
        for (String file : GENERATED) {
            assertThat(Files.readAllBytes(target.resolve(file)))
                    .as("%s (regenerate and commit it if the change is intended)", file)
                    .isEqualTo(Files.readAllBytes(SampleDirectory.resolve(file)));
        }
    }

    @Test
    void missingCsvFolderFailsNamingTheFileAndTheFixAndWritesNothing(@TempDir Path temp) {
        Path target = temp.resolve("out");

        int exitCode = run(target.toString(), temp.resolve("no-such-folder").toString());

        assertThat(exitCode).isEqualTo(1);
        assertThat(text(err))
                .startsWith("sample-data: Cannot read ")
                .contains("breast_cancer.csv: no such file", "apt-get install python3-sklearn");
        assertThat(target).doesNotExist();
    }

    @Test
    void csvWhoseHeaderDisagreesWithItsRowsIsRejectedWithBothCounts(@TempDir Path temp) throws IOException {
        Files.writeString(temp.resolve("breast_cancer.csv"), "3,30,malignant,benign\n" + "1,".repeat(30) + "0\n");

        int exitCode = run(temp.resolve("out").toString(), temp.toString());

        assertThat(exitCode).isEqualTo(1);
        assertThat(text(err)).contains("header says 3 rows of 30 features", "found 1 rows");
    }

    @Test
    void wrongNumberOfArgumentsPrintsUsageAndExitsWithTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(text(err)).startsWith("Usage: SampleDataGenerator SAMPLE_DATA_DIR [CSV_DIR]");
    }

    @Test
    void committedSampleFolderStaysUnderFiveMegabytes() throws IOException {
        long total;
        try (Stream<Path> files = Files.walk(SampleDirectory.root())) {
            total = files.filter(Files::isRegularFile)
                    .filter(file -> !file.startsWith(SampleDirectory.resolve("target")))
                    .mapToLong(file -> file.toFile().length())
                    .sum();
        }
        assertThat(total).isLessThan(5L * 1024 * 1024);
    }

    /** scikit-learn's dataset CSVs, from an installed python3-sklearn or unpacked from its Debian package. */
    private static Path scikitLearnCsvs() throws Exception {
        return DebianPackageData.folder(SampleDatasets.DEBIAN_SKLEARN_DATA, "fetch-sklearn-data.sh", "sklearn");
    }

    private int run(String... args) {
        return SampleDataGenerator.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
