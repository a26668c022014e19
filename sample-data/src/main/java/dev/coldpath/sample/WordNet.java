package dev.coldpath.sample;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * WordNet 3.0's database files as Debian's {@code wordnet-base} installs them ({@code /usr/share/wordnet}), read
 * per wndb(5): {@code data.POS} holds one synset a line ({@code offset lex_filenum ss_type w_cnt word lex_id ...
 * | gloss}), {@code index.POS} one lemma a line with its synset offsets in sense order (most frequent first).
 * Lines starting with two spaces are the licence header.
 */
public final class WordNet {
    /** Where Debian's wordnet-base installs the database. */
    public static final Path DEBIAN_WORDNET = Path.of("/usr/share/wordnet");

    /** The four parts of speech, by file suffix; {@code adj} holds ss_type {@code a} and {@code s} (satellite). */
    public enum PartOfSpeech {
        NOUN("noun"), VERB("verb"), ADJECTIVE("adj"), ADVERB("adv");

        private final String fileSuffix;

        PartOfSpeech(String fileSuffix) {
            this.fileSuffix = fileSuffix;
        }

        /** {@code noun}, {@code verb}, {@code adjective}, {@code adverb}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One synset: its byte offset in its data file (8 digits), words (underscores as in the file) and gloss. */
    public record Synset(String offset, PartOfSpeech pos, List<String> words, String gloss) {
        public Synset {
            requireNonNull(offset, "offset is null");
            requireNonNull(pos, "pos is null");
            words = List.copyOf(words);
            requireNonNull(gloss, "gloss is null");
        }

        /** {@code offset-n}, {@code offset-v}, {@code offset-a}, {@code offset-r}: unique across WordNet. */
        public String id() {
            return offset + "-" + switch (pos) {
                case NOUN -> "n";
                case VERB -> "v";
                case ADJECTIVE -> "a";
                case ADVERB -> "r";
            };
        }
    }

    /** One lemma of one part of speech with its synsets in sense order. */
    public record Entry(String lemma, PartOfSpeech pos, List<Synset> senses) {
        public Entry {
            requireNonNull(lemma, "lemma is null");
            requireNonNull(pos, "pos is null");
            senses = List.copyOf(senses);
        }
    }

    private final Map<PartOfSpeech, Map<String, Synset>> synsets;
    private final Map<PartOfSpeech, List<Entry>> entries;

    private WordNet(Map<PartOfSpeech, Map<String, Synset>> synsets, Map<PartOfSpeech, List<Entry>> entries) {
        this.synsets = synsets;
        this.entries = entries;
    }

    /** Reads data.* and index.* of the four parts of speech from {@code directory}. */
    public static WordNet load(Path directory) {
        Map<PartOfSpeech, Map<String, Synset>> synsets = new LinkedHashMap<>();
        Map<PartOfSpeech, List<Entry>> entries = new LinkedHashMap<>();
        for (PartOfSpeech pos : PartOfSpeech.values()) {
            Map<String, Synset> byOffset = new LinkedHashMap<>();
            Path data = directory.resolve("data." + pos.fileSuffix);
            int lineNumber = 0;
            for (String line : lines(data)) {
                lineNumber++;
                if (line.startsWith("  ") || line.isBlank()) {
                    continue;
                }
                Synset synset = parseSynset(line, pos, data, lineNumber);
                byOffset.put(synset.offset(), synset);
            }
            synsets.put(pos, byOffset);

            List<Entry> lemmas = new ArrayList<>();
            Path index = directory.resolve("index." + pos.fileSuffix);
            lineNumber = 0;
            for (String line : lines(index)) {
                lineNumber++;
                if (line.startsWith("  ") || line.isBlank()) {
                    continue;
                }
                lemmas.add(parseEntry(line, pos, byOffset, index, lineNumber));
            }
            entries.put(pos, lemmas);
        }
        return new WordNet(synsets, entries);
    }

    /** The synsets of one part of speech in file (offset) order. */
    public List<Synset> synsets(PartOfSpeech pos) {
        return List.copyOf(synsets.get(pos).values());
    }

    /** The lemmas of one part of speech in index (alphabetical) order. */
    public List<Entry> entries(PartOfSpeech pos) {
        return entries.get(pos);
    }

    private static Synset parseSynset(String line, PartOfSpeech pos, Path file, int lineNumber) {
        int bar = line.indexOf(" | ");
        if (bar < 0) {
            throw malformed(file, lineNumber, "no ' | ' before the gloss");
        }
        String[] fields = line.substring(0, bar).trim().split(" ");
        if (fields.length < 4) {
            throw malformed(file, lineNumber, "fewer than 4 fields before the gloss");
        }
        int wordCount;
        try {
            wordCount = Integer.parseInt(fields[3], 16);
        } catch (NumberFormatException e) {
            throw malformed(file, lineNumber, "w_cnt '" + fields[3] + "' is not hexadecimal");
        }
        if (fields.length < 4 + 2 * wordCount) {
            throw malformed(file, lineNumber, "w_cnt " + wordCount + " but fewer words");
        }
        List<String> words = new ArrayList<>();
        for (int w = 0; w < wordCount; w++) {
            words.add(fields[4 + 2 * w]);
        }
        return new Synset(fields[0], pos, words, line.substring(bar + 3).trim());
    }

    private static Entry parseEntry(String line, PartOfSpeech pos, Map<String, Synset> synsets, Path file,
            int lineNumber) {
        String[] fields = line.trim().split(" ");
        int senseCount;
        try {
            senseCount = Integer.parseInt(fields[2]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw malformed(file, lineNumber, "no synset_cnt in the third field");
        }
        if (senseCount < 1 || fields.length < 3 + senseCount) {
            throw malformed(file, lineNumber, "synset_cnt " + senseCount + " but fewer offsets");
        }
        List<Synset> senses = new ArrayList<>();
        for (String offset : Arrays.asList(fields).subList(fields.length - senseCount, fields.length)) {
            Synset synset = synsets.get(offset);
            if (synset == null) {
                throw malformed(file, lineNumber, "synset " + offset + " is not in data." + pos.fileSuffix);
            }
            senses.add(synset);
        }
        return new Entry(fields[0], pos, senses);
    }

    private static List<String> lines(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SampleDataException("Cannot read " + file + ": no such file (run scripts/fetch-wordnet-data.sh "
                    + "DIR, or apt-get install wordnet-base, and pass the folder holding data.noun)");
        }
        try {
            // The database is ASCII; ISO-8859-1 reads any byte without failing.
            return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new SampleDataException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static SampleDataException malformed(Path file, int lineNumber, String problem) {
        return new SampleDataException("Cannot read " + file + " line " + lineNumber + ": " + problem
                + " (not a WordNet 3.0 database file, see wndb(5))");
    }
}
