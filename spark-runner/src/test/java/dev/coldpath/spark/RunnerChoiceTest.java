package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.connectors.ParquetFooters;
import dev.coldpath.core.error.BudgetBreachedException;
import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.Runner;
import dev.coldpath.core.testing.TextModels;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which runner a job gets, and why, from the preflight alone (no Spark); and the local runner's budget: the wall
 * time stops its workers and nothing is committed.
 */
class RunnerChoiceTest {
    @TempDir
    Path tmp;

    private JobSpec job(Map<String, String> keys) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("model", SampleData.model("wine_mlp").toString());
        flat.put("input.path", SampleData.data("wine").toString());
        flat.put("output.path", tmp.resolve("table").toString());
        flat.put("spark.master", "local[2]");
        flat.putAll(keys);
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    private RunnerChoice choose(Map<String, String> keys) {
        return RunnerChoice.choose(JobPreflight.check(job(keys)));
    }

    static Stream<Arguments> sparkJobs() {
        return Stream.of(
                Arguments.of(Map.of("runner", "spark"), "runner: spark"),
                Arguments.of(Map.of("spark.master", "spark://10.0.0.5:7077"),
                        "runner: auto, and the master is spark://10.0.0.5:7077"),
                Arguments.of(Map.of("runner.local-max-bytes", "1000"),
                        "runner: auto, and the input (1 file of 8.0 KB) is over runner.local-max-bytes 1000 B"),
                Arguments.of(Map.of("input.bad-files", "skip"),
                        "runner: auto, and the local runner does not take input.bad-files: skip"),
                Arguments.of(Map.of("spark.sql.parquet.int96AsTimestamp", "false"), "runner: auto, and the local"
                        + " runner does not take Spark's Parquet settings (spark.sql.parquet.int96AsTimestamp)"),
                Arguments.of(Map.of("spark.sql.files.ignoreCorruptFiles", "true"), "runner: auto, and the local"
                        + " runner does not take Spark's file-source settings (spark.sql.files.ignoreCorruptFiles)"),
                Arguments.of(Map.of("spark.sql.sources.binaryFile.maxLength", "1000", "input.format", "images",
                        "input.path", SampleData.dir().resolve("images/fashion-mnist").toString(), "model",
                        SampleData.model("fashion_mnist_linear").toString(), "image.channels", "gray"),
                        "runner: auto, and the local runner does not take Spark's file-source settings"
                        + " (spark.sql.sources.binaryFile.maxLength)"),
                Arguments.of(Map.of("spark.sql.codegen.wholeStage", "false"), "runner: auto, and the local runner"
                        + " does not take an input Spark scores as rows, not as its Parquet scan's columnar batches"
                        + " (spark.sql.codegen.wholeStage false)"));
    }

    /**
     * The wine sample with 101 more int columns in {@code dir}: 104 columns, over spark.sql.codegen.maxFields, so
     * that Spark's scan gives rows, not columnar batches.
     */
    static Path wideWine(Path dir) throws SQLException {
        Path file = dir.resolve("wide/part-0.parquet");
        file.getParent().toFile().mkdirs();
        String extra = IntStream.rangeClosed(1, 101).mapToObj(i -> i + " AS c" + i).collect(Collectors.joining(", "));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT *, " + extra + " FROM read_parquet('" + SampleData.data("wine") + "')) TO '" + file
                    + "' (FORMAT parquet)");
        }
        return file.getParent();
    }

    @Test
    void anInputSparkScoresAsRowsGoesToSparkUnderAutoAndIsRefusedByLocal() throws Exception {
        Map<String, String> wide = Map.of("input.path", wideWine(tmp).toString());

        assertThat(choose(wide).reason()).isEqualTo("runner: auto, and the local runner does not take an input Spark"
                + " scores as rows, not as its Parquet scan's columnar batches (more than spark.sql.codegen.maxFields"
                + " (100) fields, nested ones counted)");
        Map<String, String> local = new LinkedHashMap<>(wide);
        local.put("runner", "local");
        assertThatThrownBy(() -> choose(local)).isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("runner: local cannot run this job: an input Spark scores as rows");
        Map<String, String> raised = new LinkedHashMap<>(wide);
        raised.put("spark.sql.codegen.maxFields", "104");
        assertThat(choose(raised).runner()).as("at the raised limit Spark reads batches").isEqualTo(Runner.LOCAL);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("sparkJobs")
    void autoTakesSparkAndSaysWhyWhenTheJobIsNotForTheLocalRunner(Map<String, String> keys, String reason) {
        RunnerChoice choice = choose(keys);

        assertThat(choice.runner()).isEqualTo(Runner.SPARK);
        assertThat(choice.reason()).isEqualTo(reason);
    }

    @Test
    void autoTakesLocalForALocalMasterAndASmallLocalInputAndSaysSo() {
        RunnerChoice choice = choose(Map.of());

        assertThat(choice.runner()).isEqualTo(Runner.LOCAL);
        assertThat(choice.reason()).startsWith("runner: auto: master local[2], input 1 file of 8.0 KB on local"
                + " disk, under runner.local-max-bytes ");
    }

    /** Several models (a champion and a shadow) and a text model (a folder with tokenizer.json) run locally too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("localKinds")
    void autoTakesLocalForSeveralModelsAndForATextModel(String kind, String lines) throws IOException {
        Path file = tmp.resolve("job.yaml");
        Files.writeString(file, lines + "output: {path: " + tmp.resolve("table") + "}\nspark: {master: 'local[2]'}\n");

        RunnerChoice choice = RunnerChoice.choose(JobPreflight.check(JobSpec.from(JobConfig.load(file))));

        assertThat(choice.runner()).isEqualTo(Runner.LOCAL);
        assertThat(choice.reason()).startsWith("runner: auto: master local[2], input 1 file of ");
    }

    static Stream<Arguments> localKinds() {
        String wine = SampleData.model("wine_mlp").toString();
        return Stream.of(
                Arguments.of("several models", "models:\n  - {name: a, model: " + wine + ", role: champion}\n"
                        + "  - {name: b, model: " + wine + ", role: shadow}\ninput: {path: "
                        + SampleData.data("wine") + "}\n"),
                Arguments.of("a text model", "model: " + TextModels.minilmQuantized() + "\ninput: {path: "
                        + SampleData.data("wordnet_glosses") + "}\ntext: {column: text}\n"));
    }

    @Test
    void autoTakesLocalForAFolderOfImageFilesEvenUnderKeyValueFolders() throws IOException {
        Path folder = tmp.resolve("images/day=1");
        Files.createDirectories(folder);
        try (Stream<Path> samples = Files.list(SampleData.dir().resolve("images/fashion-mnist"))) {
            for (Path sample : samples.toList()) {
                Files.copy(sample, folder.resolve(sample.getFileName()));
            }
        }

        RunnerChoice choice = choose(Map.of("model", SampleData.model("fashion_mnist_linear").toString(),
                "input.path", tmp.resolve("images").toString(), "input.format", "images",
                "image.channels", "gray"));

        assertThat(choice.runner()).isEqualTo(Runner.LOCAL);
        assertThat(choice.reason()).matches("runner: auto: master local\\[2], input 24 files of [0-9.]+ KB on local"
                + " disk, under runner.local-max-bytes .*");
    }

    @Test
    void localIsTakenWhenAskedFor() {
        assertThat(choose(Map.of("runner", "local"))).isEqualTo(new RunnerChoice(Runner.LOCAL, "runner: local"));
    }

    @Test
    void localRefusesAJobItCannotRunNamingWhy() throws IOException {
        Path partitioned = tmp.resolve("input/date=2026-11-28");
        Files.createDirectories(partitioned);
        Files.copy(SampleData.data("wine"), partitioned.resolve("part-0.parquet"));

        assertThatThrownBy(() -> choose(Map.of("runner", "local", "input.path", tmp.resolve("input").toString())))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("runner: local cannot run this job: partition directories (")
                .hasMessageEndingWith("(use runner: spark, or auto)");
        assertThatThrownBy(() -> choose(Map.of("runner", "local", "spark.sql.files.ignoreMissingFiles", "true")))
                .isInstanceOf(JobSpecException.class).hasMessage("runner: local cannot run this job: Spark's"
                        + " file-source settings (spark.sql.files.ignoreMissingFiles) (use runner: spark, or auto)");
        assertThat(choose(Map.of("input.path", partitioned.toString())).reason())
                .doesNotContain("partition directories"); // a partition directory read as the whole input is fine
        String relative = "./" + Path.of("").toAbsolutePath().relativize(tmp) + "/./input"; // as typed, ./ and ..
        assertThat(choose(Map.of("input.path", relative)).reason())
                .isEqualTo("runner: auto, and the local runner does not take partition directories (file:"
                        + partitioned.resolve("part-0.parquet") + ")");
    }

    @Test
    void runnerLocalOnAClusterMasterOrUnderSparkSubmitIsRefusedAsAutoWouldNotTakeIt() {
        assertThatThrownBy(() -> choose(Map.of("runner", "local", "spark.master", "spark://127.0.0.1:7077")))
                .isInstanceOf(JobSpecException.class) // exit 2
                .satisfies(e -> assertThat(((JobSpecException) e).fault()).isEqualTo(Fault.USER))
                .hasMessage("runner: local cannot run this job: the master is spark://127.0.0.1:7077, and the local"
                        + " runner scores in this JVM only (use runner: spark, or auto)");
        System.setProperty("spark.submit.deployMode", "client");
        try {
            assertThatThrownBy(() -> choose(Map.of("runner", "local")))
                    .isInstanceOf(JobSpecException.class)
                    .hasMessageStartingWith("runner: local cannot run this job: the master is local")
                    .hasMessageEndingWith(", under spark-submit, and the local runner scores in this JVM only (use"
                            + " runner: spark, or auto)");
            assertThat(choose(Map.of()).reason()).as("runner: auto under spark-submit")
                    .startsWith("runner: auto, and the job runs under spark-submit (master local[");
        } finally {
            System.clearProperty("spark.submit.deployMode");
        }
        assertThat(choose(Map.of("runner", "local")).runner()).isEqualTo(Runner.LOCAL);
    }

    /** Local disk under another scheme: a file system that is not local disk to the runner choice. */
    public static final class OtherScheme extends RawLocalFileSystem {
        @Override
        public URI getUri() {
            return URI.create("other:///");
        }

        @Override
        public String getScheme() {
            return "other";
        }

        @Override
        public FileStatus getFileStatus(org.apache.hadoop.fs.Path f) throws IOException {
            return plain(super.getFileStatus(f));
        }

        @Override
        public FileStatus[] listStatus(org.apache.hadoop.fs.Path f) throws IOException {
            return Arrays.stream(super.listStatus(f)).map(OtherScheme::plain)
                    .toArray(FileStatus[]::new);
        }

        /** Without local permissions, which the local file system reads through a file: URI. */
        private static FileStatus plain(FileStatus s) {
            return new FileStatus(s.getLen(), s.isDirectory(), s.getReplication(),
                    s.getBlockSize(), s.getModificationTime(), s.getPath());
        }
    }

    @Test
    void anInputWithoutASchemeIsOnTheDefaultFileSystemNotNecessarilyLocalDisk() {
        RunnerChoice choice = choose(Map.of("spark.hadoop.fs.defaultFS", "other:///",
                "spark.hadoop.fs.other.impl", OtherScheme.class.getName()));

        assertThat(choice.runner()).isEqualTo(Runner.SPARK);
        assertThat(choice.reason()).isEqualTo("runner: auto, and the local runner does not take an input on other:"
                + " (it reads local disk and s3a)");
    }

    @Test
    void filesOfDifferentColumnsGoToSparkUnderAutoAndAreRefusedByLocal() throws Exception {
        Path input = tmp.resolve("mixed");
        Files.createDirectories(input);
        Files.copy(SampleData.data("wine"), input.resolve("part-0.parquet"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement()) { // the same rows and one more column, which the job does not read
            s.execute("COPY (SELECT *, 'x' AS note FROM read_parquet('" + SampleData.data("wine") + "')) TO '"
                    + input.resolve("part-1.parquet") + "' (FORMAT parquet)");
        }
        Map<String, String> keys = Map.of("input.path", input.toString());

        RunnerChoice auto = choose(keys);

        assertThat(auto.runner()).isEqualTo(Runner.SPARK);
        assertThat(auto.reason()).isEqualTo("runner: auto, and the local runner does not take input files of"
                + " different columns (file:" + input.resolve("part-1.parquet") + "'s differ from file:"
                + input.resolve("part-0.parquet") + "'s)");
        assertThatThrownBy(() -> choose(Map.of("runner", "local", "input.path", input.toString())))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("runner: local cannot run this job: input files of different columns (");
    }

    @Test
    void theLocalRunnerPlansWithTheModelThePreflightOpenedInsteadOfOpeningItAgain() throws IOException {
        Path model = tmp.resolve("model.onnx");
        Files.copy(SampleData.model("wine_mlp"), model);
        JobSpec warm = job(Map.of("model", model.toString(), "output.path", tmp.resolve("warm").toString()));
        LocalScoringJob local = new LocalScoringJob(warm, Progress.Listener.NONE, Duration.ofSeconds(1));
        local.run(warm, "runner: local"); // the JVM's session of this model, which the next run leases
        JobSpec spec = job(Map.of("model", model.toString()));
        JobPreflight.Checked checked = JobPreflight.check(spec);
        Files.write(model, new byte[] {1, 2, 3}); // only the preflight's open of the model can plan the run now

        RunResult result = local.run(spec, "runner: local", Optional.of(checked));

        assertThat(result.model().sha256()).isEqualTo(checked.model().sha256());
        assertThat(result.rowsWritten()).isEqualTo(178);
        assertThatThrownBy(() -> local.run(spec, "runner: local")) // without the preflight it opens the model
                .isInstanceOf(ColdpathException.class);
    }

    /** The local file system, counting the opens of each file (by path) in {@link #OPENS}. */
    public static final class CountingLocal extends LocalFileSystem {
        static final Map<String, Integer> OPENS = new ConcurrentHashMap<>();

        @Override
        public FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize) throws IOException {
            OPENS.merge(f.toUri().getPath(), 1, Integer::sum);
            return super.open(f, bufferSize);
        }
    }

    /** A job over {@code input} whose file opens {@link CountingLocal} counts, from zero. */
    private JobSpec countingOpens(Path input) {
        CountingLocal.OPENS.clear();
        return job(Map.of("input.path", input.toString(), "spark.hadoop.fs.file.impl",
                CountingLocal.class.getName(), "spark.hadoop.fs.file.impl.disable.cache", "true"));
    }

    @Test
    void aLocalRunReadsEachInputFilesFooterOnceBeforeScoringIt() throws IOException {
        Path input = Files.createDirectories(tmp.resolve("three"));
        for (int i = 0; i < 3; i++) {
            Files.copy(SampleData.data("wine"), input.resolve("part-" + i + ".parquet"));
        }
        JobSpec spec = countingOpens(input);

        JobPreflight.Checked checked = JobPreflight.check(spec);
        RunnerChoice choice = RunnerChoice.choose(checked);

        assertThat(choice.runner()).isEqualTo(Runner.LOCAL);
        Map<String, Integer> files = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            files.put(input.resolve("part-" + i + ".parquet").toString(), 1);
        }
        // the preflight's footer reads, which the runner choice's checks share (they read the first file's 3 times)
        assertThat(new TreeMap<>(CountingLocal.OPENS)).isEqualTo(files);

        CountingLocal.OPENS.clear();
        RunResult result = new LocalScoringJob(spec, Progress.Listener.NONE, Duration.ofSeconds(1))
                .run(spec, "runner: local", Optional.of(checked));

        assertThat(result.rowsWritten()).isEqualTo(3 * 178);
        // then only the reads of the files' rows, one open each, as Spark's scan: the footer is read from the stream
        // that Spark's record reader then reads the rows from (before, a second open for the footer's key-value
        // metadata and schema; and before that, the first file's footer once more, for the schema to plan with)
        assertThat(new TreeMap<>(CountingLocal.OPENS)).isEqualTo(files);
    }

    @Test
    void overSixtyFourFilesThePreflightKeepsTheFootersItSampledAndTheChoiceReadsOnlyTheOthers() throws IOException {
        Path input = Files.createDirectories(tmp.resolve("many"));
        int files = ParquetFooters.MAX_FOOTERS + 2;
        Map<String, Integer> once = new TreeMap<>();
        for (int i = 0; i < files; i++) {
            Path file = input.resolve(String.format("part-%03d.parquet", i));
            Files.copy(SampleData.data("wine"), file);
            once.put(file.toString(), 1);
        }
        JobSpec spec = countingOpens(input);

        JobPreflight.Checked checked = JobPreflight.check(spec);
        RunnerChoice choice = RunnerChoice.choose(checked);

        assertThat(choice.runner()).isEqualTo(Runner.LOCAL);
        assertThat(checked.footers().orElseThrow().read()).hasSize(ParquetFooters.MAX_FOOTERS); // not all 66 kept
        assertThat(new TreeMap<>(CountingLocal.OPENS)).isEqualTo(once); // the 2 not sampled read by the choice
    }

    @Test
    void aFileTheLocalRunnerCannotReadPastItsFooterIsNamed() throws IOException {
        Path input = tmp.resolve("damaged.parquet");
        byte[] bytes = Files.readAllBytes(SampleData.data("wine"));
        Arrays.fill(bytes, 4, bytes.length / 2, (byte) 7); // the first pages, not the footer
        Files.write(input, bytes);
        JobSpec spec = job(Map.of("input.path", input.toString()));

        assertThatThrownBy(() -> new LocalScoringJob(spec, Progress.Listener.NONE, Duration.ofSeconds(1))
                .run(spec, "runner: local"))
                .isInstanceOf(InputDataException.class) // exit 2, as a corrupt file on Spark
                .hasMessageContaining("Cannot read input file file:" + input);
    }

    @Test
    void theLocalRunnersWorkersAndThreadsKeepToTheCpusOfTheLocalMaster() {
        for (int cpus : new int[] {1, 3}) { // on any machine of other than 1 and 3 cores, one of them is not its cores
            JobSpec spec = job(Map.of("spark.master", "local[" + cpus + "]", "output.path",
                    tmp.resolve("table-" + cpus).toString()));

            RunResult result = new LocalScoringJob(spec, Progress.Listener.NONE, Duration.ofSeconds(1))
                    .run(spec, "runner: local");

            // wine is one split: its one worker's session takes the master's every CPU for its threads
            assertThat(result.outcome().inference()).extracting(i -> i.settings().intraOpThreads())
                    .as("local[%d]", cpus).containsExactly(cpus);
        }
    }

    @Test
    void theLocalRunnersWallTimeBudgetStopsTheRunAndCommitsNothing() throws IOException {
        Path input = Files.createDirectories(tmp.resolve("input"));
        int files = 24;
        for (int i = 0; i < files; i++) {
            Files.copy(SampleData.data("wine"), input.resolve("part-" + i + ".parquet"));
        }
        JobSpec spec = job(Map.of("budget.max-wall-time", "PT0.001S", "input.path", input.toString(),
                "spark.sql.files.maxPartitionBytes", String.valueOf(Files.size(SampleData.data("wine")))));
        AtomicInteger filesDone = new AtomicInteger();
        Progress.Listener seen = p -> filesDone.accumulateAndGet(p.partitionsDone(), Math::max);

        assertThatThrownBy(() -> new LocalScoringJob(spec, seen, Duration.ofMillis(1)).run(spec, "runner: local"))
                .isInstanceOf(BudgetBreachedException.class)
                .hasMessageContaining("exceeded budget.max-wall-time PT0.001S and was cancelled; nothing was"
                        + " committed")
                .satisfies(e -> assertThat(((BudgetBreachedException) e).fault()).isEqualTo(Fault.BUDGET_BREACHED))
                // the workers were stopped mid-input: not a run that scored everything and failed its budget check
                .hasCauseInstanceOf(CancellationException.class);
        assertThat(filesDone.get()).isLessThan(files);
        assertThat(tmp.resolve("table")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(),
                p -> assertThat(Files.list(p).filter(f -> f.getFileName().toString().startsWith("run=")))
                        .isEmpty());
    }

    @Test
    void aWallTimeBudgetThatOnlyWarnsLetsTheLocalRunCommitWithTheBreachRecordedAsSparkDoes() {
        JobSpec spec = job(Map.of("budget.max-wall-time", "PT0.001S", "budget.on-breach", "warn"));

        RunResult result = new LocalScoringJob(spec, Progress.Listener.NONE, Duration.ofSeconds(1))
                .run(spec, "runner: local");

        assertThat(result.rowsWritten()).isEqualTo(178);
        assertThat(result.budgetWarnings()).singleElement().asString()
                .matches("wall time [0-9.]+ s exceeds budget.max-wall-time PT0.001S");
        assertThat(result.manifest().orElseThrow().metrics().budgetWarnings()).isEqualTo(result.budgetWarnings());
    }
}
