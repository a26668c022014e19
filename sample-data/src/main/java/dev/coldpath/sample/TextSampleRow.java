package dev.coldpath.sample;

import static java.util.Objects.requireNonNull;

/**
 * One row of {@code data/wordnet_glosses.parquet}.
 *
 * @param text   the text to embed or classify; null for a {@code null} row
 * @param pos    {@code noun}, {@code verb}, {@code adjective} or {@code adverb}; null for empty and null rows
 * @param kind   {@code gloss} (one synset's gloss), {@code entry} (a lemma's glosses, numbered, in sense order),
 *               {@code empty} (the empty string) or {@code null} (no text)
 * @param lemma  the synset's first word, or the entry's lemma; null for empty and null rows
 * @param synset the synset id ({@code offset-n}/{@code -v}/{@code -a}/{@code -r}) of a gloss; null otherwise
 */
public record TextSampleRow(long id, String text, String pos, String kind, String lemma, String synset) {
    public TextSampleRow {
        requireNonNull(kind, "kind is null");
        if (text == null != kind.equals("null")) {
            throw new IllegalArgumentException("text must be null exactly for kind null: " + kind);
        }
    }

    TextSampleRow withId(long newId) {
        return new TextSampleRow(newId, text, pos, kind, lemma, synset);
    }
}
