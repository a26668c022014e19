package dev.coldpath.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.coldpath.sample.WordNet.PartOfSpeech;
import dev.coldpath.sample.WordNet.Synset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data/wordnet_glosses.parquet}: regenerated from WordNet, and read back through DuckDB. */
class WordNetSampleTest {
    private static final Path FILE = SampleDirectory.resolve(WordNetSampleGenerator.DATA_FILE);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void regeneratingFromWordNetReproducesTheCommittedFileByteForByte(@TempDir Path target) throws Exception {
        int exitCode = run(target.toString(), wordNet().toString());

        assertThat(exitCode).as(text(err)).isZero();
        assertThat(text(out)).contains(WordNetSampleGenerator.DATA_FILE, "3572 rows");
        assertThat(Files.readAllBytes(target.resolve(WordNetSampleGenerator.DATA_FILE)))
                .as("%s (regenerate and commit it if the change is intended)", WordNetSampleGenerator.DATA_FILE)
                .isEqualTo(Files.readAllBytes(FILE));
    }

    @Test
    void fileHasItsDocumentedColumnsAndIdsZeroToNMinusOneInFileOrder() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", "BIGINT");
        List.of("text", "pos", "kind", "lemma", "synset").forEach(name -> columns.put(name, "VARCHAR"));

        assertThat(SampleDirectory.parquetColumnTypes(FILE)).containsExactlyEntriesOf(columns);
        List<Map<String, Object>> rows = SampleDirectory.readParquet(FILE);
        assertThat(rows).hasSize(3572);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i).get("id")).isEqualTo((long) i);
        }
    }

    @Test
    void rowsAreGlossesOfEachPartOfSpeechLongEntriesAndAFewEmptyAndNullTexts() {
        List<Map<String, Object>> counts = query("SELECT kind, pos, count(*) AS n, count(text) AS texts, "
                + "count(synset) AS synsets FROM read_parquet('%s') GROUP BY ALL ORDER BY kind, pos");

        assertThat(counts).extracting(r -> r.get("kind"), r -> r.get("pos"), r -> r.get("n"), r -> r.get("texts"),
                r -> r.get("synsets")).containsExactly(
                        tuple("empty", null, 6L, 6L, 0L),
                        tuple("entry", "adjective", 10L, 10L, 0L),
                        tuple("entry", "noun", 20L, 20L, 0L),
                        tuple("entry", "verb", 30L, 30L, 0L),
                        tuple("gloss", "adjective", 500L, 500L, 500L),
                        tuple("gloss", "adverb", 300L, 300L, 300L),
                        tuple("gloss", "noun", 1500L, 1500L, 1500L),
                        tuple("gloss", "verb", 1200L, 1200L, 1200L),
                        tuple("null", null, 6L, 0L, 0L));
        assertThat(query("SELECT text FROM read_parquet('%s') WHERE kind = 'empty'"))
                .allSatisfy(row -> assertThat(row.get("text")).isEqualTo(""));
    }

    @Test
    void lengthsAreMixedAlongTheFileAndEntriesAreLongEnoughToBeTruncated() {
        Map<String, Object> words = query("SELECT min(w) AS shortest, max(w) AS longest, "
                + "count(*) FILTER (WHERE w > 300) AS over300 FROM (SELECT len(string_split(text, ' ')) AS w "
                + "FROM read_parquet('%s') WHERE kind = 'entry')").get(0);
        // Entries are spread over the file, not bunched at one end: some in each quarter.
        List<Map<String, Object>> quarters = query("SELECT id * 4 // 3572 AS quarter, count(*) AS n "
                + "FROM read_parquet('%s') WHERE kind = 'entry' GROUP BY ALL ORDER BY quarter");

        assertThat((Long) words.get("shortest")).isGreaterThan(100);
        assertThat((Long) words.get("longest")).isGreaterThan(500);
        assertThat((Long) words.get("over300")).isGreaterThanOrEqualTo(15);
        assertThat(quarters).hasSize(4).allSatisfy(q -> assertThat((Long) q.get("n")).isGreaterThan(5));
    }

    @Test
    void parquetFooterCarriesWordNetsCopyrightNoticeAndDisclaimerAsItsLicenceAsks() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        query("SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('%s')")
                .forEach(row -> metadata.put((String) row.get("k"), row.get("v")));

        assertThat(metadata).containsEntry("copyright", "WordNet 3.0 Copyright 2006 by Princeton University. "
                + "All rights reserved.");
        assertThat((String) metadata.get("license")).contains("Permission to use, copy, modify and distribute",
                "PROVIDED \"AS IS\"", "MAKES NO REPRESENTATIONS OR WARRANTIES");
    }

    @Test
    void glossRowsAreTheirSynsetsGlossesInWordNetsDataFiles() throws Exception {
        Path wordNetFolder = wordNet();
        // Straight from the raw line, not through the parser: "01887896 05 n 01 calf 0 ... | young of domestic cattle"
        String calfLine = Files.readAllLines(wordNetFolder.resolve("data.noun"), StandardCharsets.ISO_8859_1).stream()
                .filter(line -> line.startsWith("01887896 ")).findFirst().orElseThrow();
        Map<String, Object> calf = query("SELECT * FROM read_parquet('%s') WHERE synset = '01887896-n'").get(0);
        assertThat(calfLine.strip()).endsWith("| " + calf.get("text"));
        assertThat(calf).containsEntry("text", "young of domestic cattle").containsEntry("lemma", "calf")
                .containsEntry("pos", "noun");

        WordNet wordNet = WordNet.load(wordNetFolder);
        Map<String, Synset> byId = Arrays.stream(PartOfSpeech.values())
                .flatMap(pos -> wordNet.synsets(pos).stream())
                .collect(Collectors.toMap(Synset::id, synset -> synset));
        List<Map<String, Object>> glosses = query("SELECT * FROM read_parquet('%s') WHERE kind = 'gloss'");
        assertThat(glosses).hasSize(3500).allSatisfy(row -> {
            Synset synset = byId.get((String) row.get("synset"));
            assertThat(row.get("text")).isEqualTo(synset.gloss());
            assertThat(row.get("lemma")).isEqualTo(synset.words().get(0));
            assertThat(row.get("pos")).isEqualTo(synset.pos().label());
        });
    }

    @Test
    void benchmarkModeWritesTwentyThousandTextsOfMixedLengthAndNoBlanks(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("bench.parquet");

        int exitCode = run("--benchmark", "20000", file.toString(), wordNet().toString());

        assertThat(exitCode).as(text(err)).isZero();
        Map<String, Object> stats = SampleDirectory.query("SELECT count(*) AS n, count(DISTINCT id) AS ids, "
                + "max(id) AS last, count(*) FILTER (WHERE kind = 'entry') AS entries, count(text) AS texts, "
                + "count(DISTINCT synset) AS synsets, min(len(string_split(text, ' '))) AS fewest, "
                + "max(len(string_split(text, ' '))) AS most FROM read_parquet('" + file + "')").get(0);
        assertThat(stats).containsEntry("n", 20000L).containsEntry("ids", 20000L).containsEntry("last", 19999L)
                .containsEntry("entries", 600L).containsEntry("texts", 20000L).containsEntry("synsets", 19400L);
        assertThat((Long) stats.get("fewest")).isLessThan(3);
        assertThat((Long) stats.get("most")).isGreaterThan(300);
    }

    @Test
    void benchmarkOfANonNumberOfRowsIsRejected(@TempDir Path temp) throws Exception {
        assertThat(run("--benchmark", "lots", temp.resolve("b.parquet").toString(), wordNet().toString()))
                .isEqualTo(1);
        assertThat(text(err)).contains("Cannot make a benchmark of 'lots' texts: ROWS must be a number");
    }

    @Test
    void missingWordNetFolderFailsNamingTheFileAndTheFixAndWritesNothing(@TempDir Path temp) {
        Path target = temp.resolve("out");

        int exitCode = run(target.toString(), temp.resolve("no-such-folder").toString());

        assertThat(exitCode).isEqualTo(1);
        assertThat(text(err)).startsWith("sample-data: Cannot read ")
                .contains("data.noun: no such file", "scripts/fetch-wordnet-data.sh");
        assertThat(target).doesNotExist();
    }

    @Test
    void malformedDataLineIsRejectedWithFileAndLineNumber(@TempDir Path temp) throws IOException {
        Files.writeString(temp.resolve("data.noun"), "  licence header line\n00001740 03 n 01 entity 0 000\n");

        int exitCode = run(temp.resolve("out").toString(), temp.toString());

        assertThat(exitCode).isEqualTo(1);
        assertThat(text(err)).contains("data.noun line 2: no ' | ' before the gloss", "wndb(5)");
    }

    @Test
    void wrongNumberOfArgumentsPrintsUsageAndExitsWithTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(text(err)).startsWith("Usage: WordNetSampleGenerator SAMPLE_DATA_DIR [WORDNET_DIR]");
    }

    /** WordNet 3.0's database, from an installed wordnet-base or unpacked from its Debian package. */
    static Path wordNet() throws Exception {
        return DebianPackageData.folder(WordNet.DEBIAN_WORDNET, "fetch-wordnet-data.sh", "wordnet");
    }

    private static List<Map<String, Object>> query(String sql) {
        return SampleDirectory.query(String.format(sql, FILE.toAbsolutePath()));
    }

    private int run(String... args) {
        return WordNetSampleGenerator.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
