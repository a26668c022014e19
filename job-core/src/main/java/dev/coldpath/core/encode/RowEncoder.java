package dev.coldpath.core.encode;

/**
 * An encoder that makes its input one row at a time: the open branch of the {@link Encoder} family, where a new
 * kind of input (a constant feature, tokenized text, a decoded and resized image) is one new class. Implementations
 * must be immutable and serializable; what is costly to build per executor (a tokenizer) belongs in a transient,
 * lazily built holder.
 */
public non-sealed interface RowEncoder extends Encoder {
}
