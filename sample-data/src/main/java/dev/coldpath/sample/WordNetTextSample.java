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
    /** Glosses per part of speech. */
    static final Map<PartOfSpeech, Integer> GLOSSES = Map.of(
            PartOfSpeech.NOUN, 1500, PartOfSpeech.VERB, 1200, PartOfSpeech.ADJECTIVE, 500, PartOfSpeech.ADVERB, 300);
    /** Dictionary entries, chosen evenly among the lemmas with at least {@link #MIN_ENTRY_SENSES} senses. */
    static final int ENTRIES = 60;
    static final int MIN_ENTRY_SENSES = 12;
    static final int EMPTY_ROWS = 6;
    static final int NULL_ROWS = 6;
    static final long SHUFFLE_SEED = 16;

    private final WordNet wordNet;

    public WordNetTextSample(WordNet wordNet) {
        this.wordNet = wordNet;
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
            wordNet.entries(pos).stream().filter(e -> e.senses().size() >= MIN_ENTRY_SENSES).forEach(longEntries::add);
        }
        for (Entry entry : evenlySpaced(longEntries, ENTRIES)) {
            texts.add(new TextSampleRow(0, entryText(entry), entry.pos().label(), "entry", entry.lemma(), null));
        }
        Collections.shuffle(texts, new Random(SHUFFLE_SEED));

        int blanks = EMPTY_ROWS + NULL_ROWS;
        int total = texts.size() + blanks;
        for (int k = 0; k < blanks; k++) {
            int position = (int) ((long) (k + 1) * total / (blanks + 1));
            texts.add(position, k % 2 == 0
                    ? new TextSampleRow(0, "", null, "empty", null, null)
                    : new TextSampleRow(0, null, null, "null", null, null));
        }
        List<TextSampleRow> rows = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            rows.add(texts.get(i).withId(i));
        }
        return rows;
    }

    /** The synsets whose glosses are in the sample, in offset order. */
    public List<Synset> sampledSynsets(PartOfSpeech pos) {
        return evenlySpaced(wordNet.synsets(pos), GLOSSES.get(pos));
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
