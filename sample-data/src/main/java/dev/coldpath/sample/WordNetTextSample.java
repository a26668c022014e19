package dev.coldpath.sample;

import dev.coldpath.sample.WordNet.Entry;
import dev.coldpath.sample.WordNet.PartOfSpeech;
import dev.coldpath.sample.WordNet.Synset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Picks the rows of {@code data/wordnet_glosses.parquet} from WordNet, the same rows every time: glosses of evenly
 * spaced synsets of each part of speech, dictionary entries long enough to be truncated (a lemma's glosses in sense
 * order), a few empty strings and nulls; shuffled with a fixed seed so that lengths are mixed along the file.
 */
public final class WordNetTextSample {
    static final long SHUFFLE_SEED = 16;

    /**
     * How many rows of each kind.
     *
     * @param glosses         glosses per part of speech
     * @param entries         dictionary entries, evenly spaced among the lemmas with at least
     *                        {@code minEntrySenses} senses
     */
    public record Plan(Map<PartOfSpeech, Integer> glosses, int entries, int minEntrySenses, int emptyRows,
                       int nullRows) {
        public Plan {
            glosses = Map.copyOf(glosses);
        }

        public int rows() {
            return glosses.values().stream().mapToInt(Integer::intValue).sum() + entries + emptyRows + nullRows;
        }
    }

    /** The committed {@code data/wordnet_glosses.parquet}: 3,572 rows. */
    public static final Plan SAMPLE = new Plan(Map.of(PartOfSpeech.NOUN, 1500, PartOfSpeech.VERB, 1200,
            PartOfSpeech.ADJECTIVE, 500, PartOfSpeech.ADVERB, 300), 60, 12, 6, 6);

    /**
     * A benchmark's texts, not committed: {@code rows} texts (at most 60,000), 97 % glosses in the proportions of
     * the sample and 3 % dictionary entries of lemmas with at least 6 senses, no empty or null text.
     */
    public static Plan benchmark(int rows) {
        if (rows < 100 || rows > 60_000) {
            throw new SampleDataException("Cannot make a benchmark of " + rows + " texts: choose 100 to 60000");
        }
        int entries = rows * 3 / 100;
        int glosses = rows - entries;
        int verbs = glosses * 12 / 35;
        int adjectives = glosses * 5 / 35;
        int adverbs = glosses * 3 / 35;
        return new Plan(Map.of(PartOfSpeech.NOUN, glosses - verbs - adjectives - adverbs, PartOfSpeech.VERB, verbs,
                PartOfSpeech.ADJECTIVE, adjectives, PartOfSpeech.ADVERB, adverbs), entries, 6, 0, 0);
    }

    private final WordNet wordNet;
    private final Plan plan;

    public WordNetTextSample(WordNet wordNet, Plan plan) {
        this.wordNet = wordNet;
        this.plan = plan;
    }

    /** Every row, ids 0..n-1 in file order. */
    public List<TextSampleRow> rows() {
        List<TextSampleRow> texts = new ArrayList<>();
        for (PartOfSpeech pos : PartOfSpeech.values()) {
            for (Synset synset : sampledSynsets(pos)) {
                texts.add(new TextSampleRow(0, synset.gloss(), pos.label(), "gloss", synset.words().get(0),
                        synset.id()));
            }
        }
        List<Entry> longEntries = new ArrayList<>();
        for (PartOfSpeech pos : PartOfSpeech.values()) {
            wordNet.entries(pos).stream().filter(e -> e.senses().size() >= plan.minEntrySenses())
                    .forEach(longEntries::add);
        }
        for (Entry entry : evenlySpaced(longEntries, plan.entries())) {
            texts.add(new TextSampleRow(0, entryText(entry), entry.pos().label(), "entry", entry.lemma(), null));
        }
        Collections.shuffle(texts, new Random(SHUFFLE_SEED));

        // Empty and null texts alternate, at evenly spaced positions.
        List<TextSampleRow> blanks = new ArrayList<>();
        for (int k = 0; k < Math.max(plan.emptyRows(), plan.nullRows()); k++) {
            if (k < plan.emptyRows()) {
                blanks.add(new TextSampleRow(0, "", null, "empty", null, null));
            }
            if (k < plan.nullRows()) {
                blanks.add(new TextSampleRow(0, null, null, "null", null, null));
            }
        }
        int total = texts.size() + blanks.size();
        for (int k = 0; k < blanks.size(); k++) {
            texts.add((int) ((long) (k + 1) * total / (blanks.size() + 1)), blanks.get(k));
        }
        List<TextSampleRow> rows = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            rows.add(texts.get(i).withId(i));
        }
        return rows;
    }

    /** The synsets whose glosses are in the sample, in offset order. */
    public List<Synset> sampledSynsets(PartOfSpeech pos) {
        return evenlySpaced(wordNet.synsets(pos), plan.glosses().get(pos));
    }

    /** {@code break (verb): 1. gloss 2. gloss ...}, underscores of the lemma as spaces. */
    static String entryText(Entry entry) {
        StringBuilder text = new StringBuilder(entry.lemma().replace('_', ' '))
                .append(" (").append(entry.pos().label()).append("):");
        for (int i = 0; i < entry.senses().size(); i++) {
            text.append(' ').append(i + 1).append(". ").append(entry.senses().get(i).gloss());
        }
        return text.toString();
    }

    private static <T> List<T> evenlySpaced(List<T> items, int count) {
        if (items.size() < count) {
            throw new SampleDataException("Cannot pick " + count + " of " + items.size()
                    + " WordNet items: the database is smaller than WordNet 3.0 (check the wordnet-base version)");
        }
        List<T> picked = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            picked.add(items.get((int) ((long) i * items.size() / count)));
        }
        return picked;
    }
}
