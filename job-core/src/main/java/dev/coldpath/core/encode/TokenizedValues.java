package dev.coldpath.core.encode;

import dev.coldpath.core.tensor.Values;
import dev.coldpath.core.text.TextTokenizer;

/**
 * A row whose text was tokenized ahead, with a window of rows ({@link TokenizedText#tokenize}): {@link TokenizedText}
 * takes the tokens from here instead of tokenizing the row's text again.
 */
public interface TokenizedValues extends Values {
    /** The row's tokens as {@code encoder} makes them, or null when they were not made ahead (then it tokenizes). */
    TextTokenizer.Tokens tokens(TokenizedText encoder);
}
