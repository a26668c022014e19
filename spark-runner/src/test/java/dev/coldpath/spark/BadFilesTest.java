package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code input.bad-files}: an input folder with three good Parquet files and four bad ones (random bytes, a
 * truncated copy, an empty file, a CSV). With {@code skip} the run reads exactly the good files' rows and its
 * manifest names each bad file; with {@code fail} (the default) it fails as the user's error naming a bad file.
 */
class BadFilesTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = LocalSpark.get();
    private Path input;
    private List<String> goodFiles;
    private List<String> badFiles;

    @BeforeEach
    void setUp() throws IOException {
        LocalSpark.resetSessionsWhenIdle();
        input = tmp.resolve("input");
        spark.read().parquet(SampleData.data("breast_cancer").toString()).repartition(3).write()
                .parquet(input.toString());
        goodFiles = dataFiles(input);
        assertThat(goodFiles).as("good files written").hasSize(3);
        byte[] good = Files.readAllBytes(Path.of(URI.create(goodFiles.get(0))));
        byte[] noise = new byte[4096];
        new Random(13).nextBytes(noise);
        Files.write(input.resolve("random.parquet"), noise);
        Files.write(input.resolve("truncated.parquet"), Arrays.copyOf(good, good.length / 2));
        Files.write(input.resolve("empty.parquet"), new byte[0]);
        Files.writeString(input.resolve("export.csv"), "id,mean_radius\n1,2.5\n", StandardCharsets.UTF_8);
        badFiles = Stream.of("empty.parquet", "export.csv", "random.parquet", "truncated.parquet")
                .map(name -> input.resolve(name).toUri().toString()).toList();
    }

    private JobSpec job(String... more) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model("breast_cancer_logreg").toString());
        flat.put("input.path", input.toString());
        flat.put("output.path", tmp.resolve("table").toString());
        flat.put("features.input", List.of(SampleData.BREAST_CANCER_FEATURES));
        flat.put("run.id", "r");
        for (int i = 0; i < more.length; i += 2) {
            flat.put(more[i], more[i + 1]);
        }
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    @Test
    void withSkipTheGoodFilesRowsAreScoredExactlyAndTheManifestNamesEveryBadFile() {
        RunResult result = new SparkScoringJob(spark).run(job("input.bad-files", "skip"));

        assertThat(result.rowsRead()).as("rows read: the good files' only").isEqualTo(569);
        Row written = spark.read().parquet(result.dataPath())
                .agg(functions.count("*"), functions.countDistinct("id"), functions.sum("id")).first();
        Row expected = spark.read().parquet(SampleData.data("breast_cancer").toString())
                .agg(functions.count("*"), functions.countDistinct("id"), functions.sum("id")).first();
        assertThat(written.getLong(0)).as("rows written").isEqualTo(569);
        assertThat(written.getLong(1)).as("distinct ids written").isEqualTo(569);
        assertThat(written.getLong(2)).as("sum of ids written").isEqualTo(expected.getLong(2));

        CommittedRun run = new RunTable(new HadoopFileStore(spark.sparkContext().hadoopConfiguration()),
                result.table()).runs().get(0);
        RunManifest.Input read = run.manifest().input();
        assertThat(read.skippedFiles()).extracting(RunManifest.SkippedFile::path).as("files skipped")
                .containsExactlyElementsOf(badFiles.stream().map(BadFilesTest::normalise).toList());
        assertThat(read.skippedFiles()).as("each with why").allSatisfy(f -> assertThat(f.reason())
                .matches("(truncated|cannot be read as Parquet): .+"));
        assertThat(read.skippedFiles().get(0).sizeBytes()).as("the empty file's size").isZero();
        assertThat(read.files()).extracting(RunManifest.InputFile::path).as("files read")
                .containsExactlyElementsOf(goodFiles.stream().map(BadFilesTest::normalise).toList());
        assertThat(read.unreadRows()).as("rows the good files' footers hold that were not read").isZero();
        assertThat(run.manifest().rows().read()).as("rows read in the manifest").isEqualTo(569);
    }

    @Test
    void withFailTheDefaultABadFileFailsTheRunAsTheUsersErrorNamingIt() {
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job()))
                .isInstanceOf(InputDataException.class)
                .satisfies(e -> assertThat(((InputDataException) e).fault()).isEqualTo(Fault.USER))
                .satisfies(e -> assertThat(badFiles.stream().map(f -> Path.of(URI.create(f)).getFileName()
                        .toString())).as("a bad file named in: %s", e.getMessage())
                        .anyMatch(name -> e.getMessage().contains(name)));
        assertThat(tmp.resolve("table/_coldpath")).as("no pointer").doesNotExist();
    }

    @Test
    void withSkipAnInputOfOnlyBadFilesIsTheUsersErrorNamingOne() throws IOException {
        for (String good : goodFiles) {
            Files.delete(Path.of(URI.create(good)));
        }

        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job("input.bad-files", "skip")))
                .isInstanceOf(InputDataException.class)
                .hasMessageContaining("holds no readable Parquet file: all 4 data files were skipped")
                .hasMessageContaining("empty.parquet");
    }

    @Test
    void withSkipAFileWhoseColumnTypesDifferFailsTheRunAsWithoutIt() throws IOException {
        for (String bad : badFiles) {
            Files.delete(Path.of(URI.create(bad)));
        }
        Path odd = tmp.resolve("odd");
        spark.read().parquet(SampleData.data("breast_cancer").toString()).limit(10)
                .withColumn("mean_area", functions.col("mean_area").cast("string")).coalesce(1).write()
                .parquet(odd.toString());
        Files.move(Path.of(URI.create(dataFiles(odd).get(0))), input.resolve("zz-odd.parquet"));

        // Which file Spark takes the schema from is not fixed: either way the run fails as the user's error
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job("input.bad-files", "skip")))
                .isInstanceOf(ColdpathException.class)
                .satisfies(e -> assertThat(((ColdpathException) e).fault()).isEqualTo(Fault.USER))
                .hasMessageContaining("mean_area");
        assertThat(tmp.resolve("table/_coldpath")).as("no pointer").doesNotExist();
    }

    /** The path as Hadoop lists it: file:/a/b (one slash). */
    private static String normalise(String uri) {
        return uri.replaceFirst("^file:///", "file:/");
    }

    private static List<String> dataFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .map(f -> f.toUri().toString()).sorted().toList();
        }
    }
}
